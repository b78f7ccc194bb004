// Proof-of-work puzzles for anonymous requests under pressure (after Tor's onion-service PoW).
// Stateless: a puzzle is version ‖ expiry ‖ effort ‖ random ‖ MAC under a server key, so issuing
// one stores nothing. Each solution pays for one request: solved puzzles are remembered, in
// memory and bounded, until they expire. The hash and its effort rule are shared with clients.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  POW_PUZZLE_BYTES,
  toBase64Url,
  type PowSolution,
  type PuzzleResult,
} from '@kolokol/shared';
import { solvesPuzzle } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { Store } from '../store/ports.js';
import { MAX_SPENT_PUZZLES, POW_EFFORT_SLACK, PUZZLE_TTL_MS } from './auth-limits.js';
import type { Clock } from './clock.js';
import { loadServerKey, newRandomBytes } from './secrets.js';

const VERSION = 1;
const RANDOM_BYTES = 16;
/** version ‖ expiresAt (u64 big-endian, ms) ‖ effort (u32 big-endian) ‖ random: what the MAC covers. */
const BODY_BYTES = 1 + 8 + 4 + RANDOM_BYTES;
const MAC_BYTES = POW_PUZZLE_BYTES - BODY_BYTES;
const KEY_NAME = 'auth.puzzle-key';

function puzzleMac(key: Uint8Array, body: Uint8Array): Uint8Array {
  const hmac = createHmac('sha256', key).update('kolokol/v1/pow-puzzle').update(body);
  return new Uint8Array(hmac.digest()).subarray(0, MAC_BYTES);
}

export class PuzzleService {
  /** Loaded (created once) at construction; shared through the store by every server process. */
  readonly #key: Promise<Uint8Array>;
  /** Random id (base64url) → expiry of every solution already spent; insertion order is expiry order. */
  readonly #spent = new Map<string, number>();

  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {
    this.#key = loadServerKey(deps.store.meta, KEY_NAME);
  }

  async issue(effort: number): Promise<PuzzleResult> {
    const key = await this.#key;
    const expiresAt = this.deps.clock.now() + PUZZLE_TTL_MS;
    const puzzle = new Uint8Array(POW_PUZZLE_BYTES);
    const view = new DataView(puzzle.buffer);
    puzzle[0] = VERSION;
    view.setBigUint64(1, BigInt(expiresAt), false);
    view.setUint32(9, effort, false);
    puzzle.set(newRandomBytes(RANDOM_BYTES), 13);
    puzzle.set(puzzleMac(key, puzzle.subarray(0, BODY_BYTES)), BODY_BYTES);
    return { puzzle: toBase64Url(puzzle), effort, expiresAt };
  }

  /**
   * Accepts a request that must pay `required` effort (0: nothing to pay, `pow` is ignored):
   * POW_REQUIRED when there is no solution, or it is forged, expired, already spent, solved at
   * too little effort, or wrong; RATE_LIMITED when too many solutions are remembered already.
   */
  async demand(pow: PowSolution | undefined, required: number): Promise<void> {
    if (required === 0) return;
    if (pow === undefined) throw powRequired('this request needs a proof of work');
    const key = await this.#key;
    const { puzzle, nonce } = pow;
    const view = new DataView(puzzle.buffer, puzzle.byteOffset, puzzle.byteLength);
    const expiresAt = Number(view.getBigUint64(1, false));
    const effort = view.getUint32(9, false);
    const now = this.deps.clock.now();
    if (
      puzzle[0] !== VERSION ||
      !timingSafeEqual(puzzleMac(key, puzzle.subarray(0, BODY_BYTES)), puzzle.subarray(BODY_BYTES))
    ) {
      throw powRequired('proof of work is not for a puzzle of this server');
    }
    if (expiresAt <= now) throw powRequired('proof of work expired');
    if (effort * POW_EFFORT_SLACK < required) throw powRequired('proof of work too small now');
    const id = toBase64Url(puzzle.subarray(13, BODY_BYTES));
    if (this.#spent.has(id)) throw powRequired('proof of work already used');
    if (!solvesPuzzle(puzzle, effort, nonce)) throw powRequired('proof of work does not solve');
    this.#remember(id, expiresAt, now);
  }

  #remember(id: string, expiresAt: number, now: number): void {
    for (const [spentId, spentExpiry] of this.#spent) {
      if (spentExpiry > now) break;
      this.#spent.delete(spentId);
    }
    if (this.#spent.size >= MAX_SPENT_PUZZLES) {
      const oldest = this.#spent.values().next().value ?? now + PUZZLE_TTL_MS;
      throw new AppError('RATE_LIMITED', 'too many requests; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil((oldest - now) / 1000)),
      });
    }
    this.#spent.set(id, expiresAt);
  }
}

function powRequired(message: string): AppError {
  return new AppError('POW_REQUIRED', message, { retryAfterSeconds: 0 });
}
