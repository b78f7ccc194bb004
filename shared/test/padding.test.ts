// Bucket padding hides a plaintext's length inside one of five sizes and round-trips exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../src/crypto/primitives/errors.js';
import {
  MAX_UNPADDED_BYTES,
  PADDING_BUCKETS,
  padToBucket,
  paddedLength,
  unpadFromBucket,
} from '../src/crypto/primitives/padding.js';

describe('bucket padding', () => {
  it('picks the smallest bucket that holds the plaintext and its marker byte', () => {
    expect(paddedLength(0)).toBe(256);
    expect(paddedLength(255)).toBe(256);
    expect(paddedLength(256)).toBe(1024);
    expect(paddedLength(1023)).toBe(1024);
    expect(paddedLength(1024)).toBe(4096);
    expect(paddedLength(16383)).toBe(16384);
    expect(paddedLength(MAX_UNPADDED_BYTES)).toBe(65536);
  });

  it('round-trips any length at and around every bucket edge', () => {
    for (const bucket of PADDING_BUCKETS) {
      for (const length of [bucket - 2, bucket - 1, bucket, bucket + 1]) {
        if (length > MAX_UNPADDED_BYTES) continue;
        const plaintext = new Uint8Array(length).fill(0x80);
        const padded = padToBucket(plaintext);
        expect(PADDING_BUCKETS).toContain(padded.length);
        expect(padded.length).toBe(paddedLength(length));
        expect(unpadFromBucket(padded)).toEqual(plaintext);
      }
    }
  });

  it('round-trips arbitrary content (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (plaintext) => {
        const padded = padToBucket(plaintext);
        expect(unpadFromBucket(padded)).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses input above 64 KiB − 1 with BAD_LENGTH', () => {
    const oversized = new Uint8Array(MAX_UNPADDED_BYTES + 1);
    expect(() => padToBucket(oversized)).toThrow(CryptoError);
    try {
      padToBucket(oversized);
    } catch (error) {
      expect((error as CryptoError).reason).toBe('BAD_LENGTH');
    }
    expect(() => paddedLength(-1)).toThrow(CryptoError);
  });

  it('refuses a length that is not a bucket and non-canonical padding', () => {
    expect(() => unpadFromBucket(new Uint8Array(300))).toThrow(/bucket/);
    const padded = padToBucket(Uint8Array.of(1, 2, 3));
    const noMarker = new Uint8Array(256);
    expect(() => unpadFromBucket(noMarker)).toThrow(/invalid padding/);
    const junkAfterMarker = padded.slice();
    junkAfterMarker[255] = 0x01;
    expect(() => unpadFromBucket(junkAfterMarker)).toThrow(CryptoError);
  });
});
