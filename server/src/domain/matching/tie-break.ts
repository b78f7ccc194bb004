// Fair, reproducible tie-breaking: among equally good volunteers, the one a request prefers is
// decided by a hash of the two ids, so every request has its own order of the tied volunteers
// (not their insertion order, and not the same few every time), and the same input always gives
// the same answer. Ids are random and server-issued, so nobody can steer a tie.

/** Tie-break points per pair, 0..NOISE_SPAN − 1, folded below one score point in the batch. */
const NOISE_BITS = 10;
export const NOISE_SPAN = 1 << NOISE_BITS;

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability ½. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of an id (FNV-1a over its UTF-16 code units, then mixed). */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** The largest tie-break seed: seeds are whole numbers 0 … 2^32 − 1. */
export const MAX_TIE_BREAK_SEED = 0xffff_ffff;

/**
 * A request's (or a profile's) hash under a tie-break seed: seed 0 leaves it as is; another seed
 * gives every request a new, independent order of the volunteers it finds equally good.
 */
export function seededHash(id: string, seed: number): number {
  return (idHash(id) ^ mix32(checkedSeed(seed))) >>> 0;
}

export function checkedSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_TIE_BREAK_SEED) {
    throw new RangeError('a tie-break seed is a whole number 0 … 2^32 − 1');
  }
  return seed;
}

/** The pair's 32-bit tie key (from the two id hashes); the request prefers a lower key. */
export function pairTieKey(requestHash: number, volunteerHash: number): number {
  return mix32(requestHash ^ mix32((volunteerHash + 0x9e3779b9) >>> 0));
}

/** Tie-break points from a tie key, higher preferred: its top bits, reversed. */
export function noiseOf(tieKey: number): number {
  return NOISE_SPAN - 1 - (tieKey >>> (32 - NOISE_BITS));
}

export function pairNoise(requestHash: number, volunteerHash: number): number {
  return noiseOf(pairTieKey(requestHash, volunteerHash));
}
