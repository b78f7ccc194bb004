// The proof-of-work stamp that anonymous requests (registration, login challenges) must carry
// while the server is under pressure: a server-issued puzzle and the client's solution.
// The hash and the effort rule are in `@kolokol/shared/crypto` (proofs/proof-of-work.ts).
import { z } from 'zod';
import { bytesSchema, emptySchema } from './common.js';

/** A puzzle: version, expiry, effort, 16 random bytes and the server's MAC over them. */
export const POW_PUZZLE_BYTES = 45;
/** The client's answer to a puzzle: any 8 bytes that make the hash meet the effort. */
export const POW_NONCE_BYTES = 8;
/**
 * The most effort (expected hash evaluations) a client spends on one puzzle, and the most a
 * server may ask: ≈ 2 s of BLAKE2b in Node, a few seconds on a phone. A larger ask is refused,
 * so a misbehaving server cannot make clients burn their batteries.
 */
export const MAX_POW_EFFORT = 2 ** 22;

export const puzzleBodySchema = emptySchema;

export const puzzleResultSchema = z.object({
  puzzle: bytesSchema(POW_PUZZLE_BYTES),
  /** Expected hash evaluations; the same value the puzzle carries, so clients need not parse it. */
  effort: z.number().int().min(1).max(MAX_POW_EFFORT),
  expiresAt: z.number().int(),
});
export type PuzzleResult = z.input<typeof puzzleResultSchema>;

/** A solved puzzle, sent as the `pow` field of a register or challenge body when asked for. */
export const powSolutionSchema = z
  .object({
    puzzle: bytesSchema(POW_PUZZLE_BYTES),
    nonce: bytesSchema(POW_NONCE_BYTES),
  })
  .strict();
export type PowSolution = z.output<typeof powSolutionSchema>;
