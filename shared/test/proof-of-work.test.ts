// The proof-of-work puzzle: a solution found by the solver checks, the effort rule is Tor's
// R · E ≤ 2³² − 1 (so effort E costs about E evaluations), and nothing else passes.
import { describe, expect, it } from 'vitest';
import { MAX_POW_EFFORT, POW_NONCE_BYTES, POW_PUZZLE_BYTES } from '../src/protocol/pow.js';
import { randomBytes } from '../src/crypto/primitives/bytes.js';
import { solvePuzzle, solvesPuzzle } from '../src/crypto/proofs/proof-of-work.js';
import { reasonOf } from './reason-of.js';

const puzzle = () => randomBytes(POW_PUZZLE_BYTES);

describe('proof of work', () => {
  it('finds a nonce that solves the puzzle at its effort, and it fails for another puzzle', () => {
    const first = puzzle();
    const nonce = solvePuzzle(first, 4096);
    expect(nonce).toHaveLength(POW_NONCE_BYTES);
    expect(solvesPuzzle(first, 4096, nonce)).toBe(true);
    // A lower effort accepts it too; another puzzle almost surely does not (1 in 4096).
    expect(solvesPuzzle(first, 1, nonce)).toBe(true);
    let foreign = 0;
    for (let i = 0; i < 20; i += 1) if (solvesPuzzle(puzzle(), 4096, nonce)) foreign += 1;
    expect(foreign).toBeLessThan(3);
  });

  it('costs about `effort` evaluations: a random nonce passes about once in `effort`', () => {
    const p = puzzle();
    const effort = 16;
    let passed = 0;
    const tries = 16_000;
    for (let i = 0; i < tries; i += 1) if (solvesPuzzle(p, effort, randomBytes(8))) passed += 1;
    // Expected 1000; binomial σ ≈ 31, so ±200 is far outside chance.
    expect(passed).toBeGreaterThan(800);
    expect(passed).toBeLessThan(1200);
  });

  it('refuses malformed puzzles, nonces and efforts', () => {
    const p = puzzle();
    expect(reasonOf(() => solvesPuzzle(p.subarray(1), 1, randomBytes(8)))).toBe('BAD_LENGTH');
    expect(reasonOf(() => solvesPuzzle(p, 1, randomBytes(7)))).toBe('BAD_LENGTH');
    for (const effort of [0, -1, 1.5, MAX_POW_EFFORT + 1, Number.NaN]) {
      expect(reasonOf(() => solvePuzzle(p, effort))).toBe('MALFORMED');
    }
  });
});
