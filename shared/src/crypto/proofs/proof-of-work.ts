// The client puzzle that anonymous requests pay under pressure, after Tor's onion-service proof of
// work (proposal 327, hspow-spec): effort E means about E hash evaluations are expected, and a
// nonce solves a puzzle when R · E ≤ 2³² − 1, R being a 32-bit hash output. Tor hashes an Equi-X
// solution; here R is the first four bytes (big-endian) of
// BLAKE2b-128(transcript("kolokol/v1/pow", puzzle, nonce)), libsodium's crypto_generichash, which
// runs alike in the browser and in Node (≈ 0.5 µs per evaluation in Node).
import { MAX_POW_EFFORT, POW_NONCE_BYTES, POW_PUZZLE_BYTES } from '../../protocol/pow.js';
import { expectLength, randomBytes, transcript } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { sodium } from '../primitives/sodium.js';

const POW_LABEL = 'kolokol/v1/pow';
/** crypto_generichash's smallest output; only its first four bytes are judged. */
const POW_HASH_BYTES = 16;
const U32_MAX = 0xffff_ffff;
/** A solver gives up after this many times the expected work: a miss is then e^-64 unlikely. */
const SOLVE_ATTEMPTS_PER_EFFORT = 64;

function checkEffort(effort: number): number {
  if (!Number.isInteger(effort) || effort < 1 || effort > MAX_POW_EFFORT) {
    throw new CryptoError('MALFORMED', `effort must be an integer in 1..${MAX_POW_EFFORT}`);
  }
  return effort;
}

/** R of a candidate: the 32-bit value a solution is judged by. */
function powValue(input: Uint8Array): number {
  const hash = sodium.crypto_generichash(POW_HASH_BYTES, input, null);
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0, false);
}

/** The hash input with the nonce in its last POW_NONCE_BYTES bytes (transcript puts it there). */
function powInput(puzzle: Uint8Array, nonce: Uint8Array): Uint8Array {
  return transcript(
    POW_LABEL,
    expectLength(puzzle, POW_PUZZLE_BYTES, 'puzzle'),
    expectLength(nonce, POW_NONCE_BYTES, 'nonce'),
  );
}

/** True when `nonce` solves `puzzle` at `effort` (R · effort ≤ 2³² − 1). */
export function solvesPuzzle(puzzle: Uint8Array, effort: number, nonce: Uint8Array): boolean {
  return powValue(powInput(puzzle, nonce)) <= Math.floor(U32_MAX / checkEffort(effort));
}

/**
 * Finds a nonce that solves `puzzle` at `effort`: about `effort` hash evaluations, synchronously
 * (a browser runs it in a worker). Throws after 64 times the expected work, which never happens
 * by chance.
 */
export function solvePuzzle(puzzle: Uint8Array, effort: number): Uint8Array {
  const target = Math.floor(U32_MAX / checkEffort(effort));
  const input = powInput(puzzle, new Uint8Array(POW_NONCE_BYTES));
  const nonceAt = input.length - POW_NONCE_BYTES;
  // Four random bytes, then a counter: two clients of one puzzle never walk the same nonces.
  input.set(randomBytes(4), nonceAt);
  const counter = new DataView(input.buffer, input.byteOffset + nonceAt + 4, 4);
  // At most MAX_POW_EFFORT · 64 = 2²⁸ attempts: the 32-bit counter never wraps.
  const attempts = effort * SOLVE_ATTEMPTS_PER_EFFORT;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    counter.setUint32(0, attempt, false);
    if (powValue(input) <= target) return input.slice(nonceAt);
  }
  throw new CryptoError('MALFORMED', 'puzzle not solved');
}
