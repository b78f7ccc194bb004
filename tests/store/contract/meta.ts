// Contract for MetaStore: a named value is created once and returned unchanged ever after.
import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './fixtures.js';
import { bytes, expectPlainBytes, unique } from './fixtures.js';

/** A create() callback that counts its calls. */
function counting(value: Uint8Array): { create: () => Uint8Array; calls: () => number } {
  let calls = 0;
  return {
    create: () => {
      calls += 1;
      return Uint8Array.from(value);
    },
    calls: () => calls,
  };
}

export function metaContract(store: CurrentStore): void {
  describe('meta', () => {
    it('creates a value on first use and returns the same bytes without creating again', async () => {
      const name = unique('secret');
      const first = counting(bytes(32, 1));
      const second = counting(bytes(32, 2));

      const created = await store().meta.getOrCreate(name, first.create);
      const again = await store().meta.getOrCreate(name, second.create);

      expect(created).toStrictEqual(bytes(32, 1));
      expect(again).toStrictEqual(bytes(32, 1));
      expectPlainBytes(again);
      expect(first.calls()).toBe(1);
      expect(second.calls()).toBe(0);
    });

    it('keeps names apart', async () => {
      const a = await store().meta.getOrCreate(unique('a'), () => bytes(8, 1));
      const b = await store().meta.getOrCreate(unique('b'), () => bytes(8, 2));

      expect(a).toStrictEqual(bytes(8, 1));
      expect(b).toStrictEqual(bytes(8, 2));
    });

    it('agrees on one value when asked concurrently', async () => {
      const name = unique('secret');
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          store().meta.getOrCreate(name, () => bytes(32, index + 10)),
        ),
      );

      const first = results[0];
      expect(first).toBeDefined();
      for (const result of results) {
        expect(result).toStrictEqual(first);
      }
    });

    it('is not changed by mutating a returned value', async () => {
      const name = unique('secret');
      const value = await store().meta.getOrCreate(name, () => bytes(16, 3));
      value.fill(0);

      expect(await store().meta.getOrCreate(name, () => bytes(16, 4))).toStrictEqual(bytes(16, 3));
    });

    it('stores nothing when create throws, and creates on the next call', async () => {
      const name = unique('secret');
      await expect(
        store().meta.getOrCreate(name, () => {
          throw new Error('no entropy');
        }),
      ).rejects.toThrow('no entropy');

      const retry = counting(bytes(16, 5));
      expect(await store().meta.getOrCreate(name, retry.create)).toStrictEqual(bytes(16, 5));
      expect(retry.calls()).toBe(1);
    });
  });
}
