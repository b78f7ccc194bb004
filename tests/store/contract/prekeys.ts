// Contract for PrekeyStore: per-device signed prekey rotation, all-or-none one-time uploads (X25519
// and ML-KEM pools), single-use takes, and nothing written for a device that does not exist.
import { describe, expect, it } from 'vitest';
import type { StoredPrekey } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createDevice, expectPlainBytes } from './fixtures.js';

function signedPrekey(id: number): StoredPrekey {
  return { id, publicKey: bytes(32, id), signature: bytes(64, id + 1) };
}

function kemPrekey(id: number): StoredPrekey {
  return { id, publicKey: bytes(1184, id), signature: bytes(64, id + 2) };
}

function oneTime(id: number): StoredPrekey {
  return { id, publicKey: bytes(32, id + 500), signature: new Uint8Array(0) };
}

function oneTimeRange(from: number, count: number): StoredPrekey[] {
  return Array.from({ length: count }, (_, index) => oneTime(from + index));
}

export function prekeysContract(store: CurrentStore): void {
  describe('prekeys', () => {
    async function deviceWithSignedPrekeys(): Promise<string> {
      const { deviceId } = await createDevice(store());
      await store().prekeys.setSignedPrekeys(deviceId, {
        signed: signedPrekey(1),
        kem: kemPrekey(2),
        now: 1_000,
      });
      return deviceId;
    }

    it('findSignedPrekeys reads the current signed prekeys without consuming anything', async () => {
      const { deviceId: account } = await createDevice(store());
      expect(await store().prekeys.findSignedPrekeys(account)).toBeUndefined();
      await store().prekeys.setSignedPrekeys(account, {
        signed: signedPrekey(7),
        kem: kemPrekey(8),
        now: 1,
      });
      await store().prekeys.addOneTimePrekeys(account, oneTimeRange(1, 2), 10);
      const found = await store().prekeys.findSignedPrekeys(account);
      expect(found?.signed.id).toBe(7);
      expect(found?.kem.publicKey).toEqual(kemPrekey(8).publicKey);
      expectPlainBytes(found!.signed.publicKey);
      expect(await store().prekeys.countOneTimePrekeys(account)).toBe(2);
    });

    it('has no bundle before signed prekeys are uploaded, and spends no one-time prekey', async () => {
      const { deviceId: account } = await createDevice(store());
      expect(await store().prekeys.addOneTimePrekeys(account, oneTimeRange(1, 2), 10)).toBe(
        'added',
      );

      expect(await store().prekeys.takeBundle(account)).toBeUndefined();
      expect(await store().prekeys.takeBundle('no-such-device')).toBeUndefined();
      expect(await store().prekeys.countOneTimePrekeys(account)).toBe(2);
    });

    it('serves the signed prekeys in a bundle without a one-time prekey when none is left', async () => {
      const deviceId = await deviceWithSignedPrekeys();

      const bundle = await store().prekeys.takeBundle(deviceId);

      expect(bundle).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 0,
        oneTimeKemRemaining: 0,
      });
      if (bundle !== undefined) {
        expectPlainBytes(bundle.signedPrekey.publicKey);
        expectPlainBytes(bundle.kemPrekey.signature);
      }
    });

    it('with oneTime: false serves the signed prekeys only and consumes nothing', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.takeBundle(deviceId, { oneTime: false })).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 2,
        oneTimeKemRemaining: 0,
      });
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(2);
      expect(
        (await store().prekeys.takeBundle(deviceId, { oneTime: true }))?.oneTimePrekey,
      ).toStrictEqual(oneTime(1));
    });

    it('replaces the signed prekeys on rotation', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      await store().prekeys.setSignedPrekeys(deviceId, {
        signed: signedPrekey(11),
        kem: kemPrekey(12),
        now: 2_000,
      });

      const bundle = await store().prekeys.takeBundle(deviceId);
      expect(bundle?.signedPrekey).toStrictEqual(signedPrekey(11));
      expect(bundle?.kemPrekey).toStrictEqual(kemPrekey(12));
    });

    it('takes one-time prekeys lowest id first, each once, counting down', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      expect(
        await store().prekeys.addOneTimePrekeys(deviceId, [oneTime(5), oneTime(2), oneTime(9)], 10),
      ).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(3);

      const taken = [];
      for (let call = 0; call < 4; call += 1) {
        taken.push(await store().prekeys.takeBundle(deviceId));
      }

      expect(taken.map((bundle) => bundle?.oneTimePrekey)).toStrictEqual([
        oneTime(2),
        oneTime(5),
        oneTime(9),
        undefined,
      ]);
      expect(taken.map((bundle) => bundle?.oneTimeRemaining)).toStrictEqual([2, 1, 0, 0]);
      const first = taken[0]?.oneTimePrekey;
      if (first !== undefined) {
        expectPlainBytes(first.publicKey);
        expectPlainBytes(first.signature);
      }
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(0);
    });

    it('keeps devices’ one-time prekeys apart, even with equal ids', async () => {
      const a = await deviceWithSignedPrekeys();
      const b = await deviceWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(a, [oneTime(1)], 10);
      expect(await store().prekeys.addOneTimePrekeys(b, [oneTime(1), oneTime(2)], 10)).toBe(
        'added',
      );

      expect((await store().prekeys.takeBundle(a))?.oneTimePrekey).toStrictEqual(oneTime(1));
      expect(await store().prekeys.countOneTimePrekeys(a)).toBe(0);
      expect(await store().prekeys.countOneTimePrekeys(b)).toBe(2);
      expect(await store().prekeys.countOneTimePrekeys('no-such-device')).toBe(0);
    });

    it('adds nothing when any id is already stored', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.addOneTimePrekeys(deviceId, [oneTime(3), oneTime(2)], 10)).toBe(
        'duplicate',
      );

      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(2);
      // Id 3 was not half-added: it can still be uploaded on its own.
      expect(await store().prekeys.addOneTimePrekeys(deviceId, [oneTime(3)], 10)).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(3);
    });

    it('adds nothing when the upload repeats an id within itself', async () => {
      const deviceId = await deviceWithSignedPrekeys();

      expect(await store().prekeys.addOneTimePrekeys(deviceId, [oneTime(4), oneTime(4)], 10)).toBe(
        'duplicate',
      );

      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(0);
      expect((await store().prekeys.takeBundle(deviceId))?.oneTimePrekey).toBeUndefined();
    });

    it('adds nothing when the device would hold more than the maximum', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(1, 2), 3);

      expect(await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(3, 2), 3)).toBe(
        'too-many',
      );
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(2);
      expect((await store().prekeys.takeBundle(deviceId))?.oneTimePrekey).toStrictEqual(oneTime(1));

      // Up to the maximum exactly is allowed.
      expect(await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(3, 2), 3)).toBe(
        'added',
      );
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(3);
    });

    it('accepts an empty upload and changes nothing', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(deviceId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.addOneTimePrekeys(deviceId, [], 10)).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(2);
    });

    it('never gives one one-time prekey to two concurrent callers', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      const uploaded = oneTimeRange(100, 50);
      expect(await store().prekeys.addOneTimePrekeys(deviceId, uploaded, 100)).toBe('added');

      const bundles = await Promise.all(
        Array.from({ length: 50 }, () => store().prekeys.takeBundle(deviceId)),
      );

      const ids = bundles.map((bundle) => bundle?.oneTimePrekey?.id);
      expect(new Set(ids).size).toBe(50);
      expect([...ids].sort((a, b) => (a ?? 0) - (b ?? 0))).toStrictEqual(
        uploaded.map((prekey) => prekey.id),
      );
      expect(new Set(bundles.map((bundle) => bundle?.oneTimeRemaining)).size).toBe(50);
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(0);

      const fiftyFirst = await store().prekeys.takeBundle(deviceId);
      expect(fiftyFirst).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 0,
        oneTimeKemRemaining: 0,
      });
    });

    it('keeps one-time KEM prekeys in a pool of their own, taken with the X25519 one', async () => {
      const deviceId = await deviceWithSignedPrekeys();
      const kemOne = (id: number): StoredPrekey => ({
        id,
        publicKey: bytes(1184, id + 900),
        signature: bytes(64, id + 901),
      });
      await store().prekeys.addOneTimePrekeys(deviceId, [oneTime(1)], 10);
      expect(await store().prekeys.addOneTimeKemPrekeys(deviceId, [kemOne(7), kemOne(3)], 10)).toBe(
        'added',
      );
      // Equal ids in the other pool are no duplicates; a repeat within the pool is.
      expect(await store().prekeys.addOneTimeKemPrekeys(deviceId, [kemOne(1), kemOne(3)], 10)).toBe(
        'duplicate',
      );
      expect(await store().prekeys.addOneTimeKemPrekeys(deviceId, [kemOne(1), kemOne(2)], 3)).toBe(
        'too-many',
      );
      expect(await store().prekeys.countOneTimeKemPrekeys(deviceId)).toBe(2);

      const first = await store().prekeys.takeBundle(deviceId);
      expect(first?.oneTimePrekey).toStrictEqual(oneTime(1));
      expect(first?.oneTimeKemPrekey).toStrictEqual(kemOne(3));
      expect([first?.oneTimeRemaining, first?.oneTimeKemRemaining]).toStrictEqual([0, 1]);
      expectPlainBytes(first!.oneTimeKemPrekey!.publicKey);
      const second = await store().prekeys.takeBundle(deviceId);
      expect(second?.oneTimePrekey).toBeUndefined();
      expect(second?.oneTimeKemPrekey).toStrictEqual(kemOne(7));
      const third = await store().prekeys.takeBundle(deviceId);
      expect(third?.oneTimeKemPrekey).toBeUndefined();
      expect(third?.kemPrekey).toStrictEqual(kemPrekey(2));
    });

    it('writes nothing for a device that does not exist', async () => {
      expect(
        await store().prekeys.setSignedPrekeys('no-such-device', {
          signed: signedPrekey(1),
          kem: kemPrekey(2),
          now: 1,
        }),
      ).toBe('no-device');
      expect(await store().prekeys.addOneTimePrekeys('no-such-device', [oneTime(1)], 10)).toBe(
        'no-device',
      );
      expect(await store().prekeys.addOneTimeKemPrekeys('no-such-device', [kemPrekey(5)], 10)).toBe(
        'no-device',
      );
      expect(await store().prekeys.findSignedPrekeys('no-such-device')).toBeUndefined();
    });
  });
}
