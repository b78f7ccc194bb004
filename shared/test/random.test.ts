// The CSPRNG wrappers: right lengths (including beyond Web Crypto's per-call cap), no obvious
// bias in randomIndex, and bounds refused outside the supported range.
import { describe, expect, it } from 'vitest';
import { randomBytes, randomIndex } from '../src/crypto/primitives/bytes.js';
import { reasonOf } from './reason-of.js';

describe('randomness', () => {
  it('fills buffers of any length, past the 65 536-byte per-call cap', () => {
    for (const length of [0, 1, 24, 65_536, 100_000])
      expect(randomBytes(length)).toHaveLength(length);
    const big = randomBytes(100_000);
    expect(big.subarray(70_000, 70_064).some((byte) => byte !== 0)).toBe(true);
    expect(randomBytes(32)).not.toEqual(randomBytes(32));
  });

  it('draws indices uniformly within the bound', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[randomIndex(3)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(600);
    expect(randomIndex(1)).toBe(0);
    expect(reasonOf(() => randomIndex(0))).toBe('BAD_LENGTH');
    expect(reasonOf(() => randomIndex(1.5))).toBe('BAD_LENGTH');
  });
});
