// Every fixed limit on anonymous authentication — challenges, login, registration and the proof
// of work asked for under pressure — in one place, each with what it bounds and why. The
// deployment-specific budgets are settings (config.ts, README); docs/protocol.md ("Limits under
// Tor") explains how they fit together.

/** How long a login challenge can be redeemed: enough for Argon2id on a slow phone, and no more. */
export const CHALLENGE_TTL_MS = 2 * 60 * 1000;

/**
 * How long a proof-of-work puzzle can be solved and spent: enough for the largest effort on a
 * slow phone; short, so that puzzles hoarded while the server was calm are soon worthless.
 */
export const PUZZLE_TTL_MS = 2 * 60 * 1000;

/** The window over which the pressure meter counts anonymous auth requests, all clients together. */
export const PRESSURE_WINDOW_MS = 60 * 1000;

/**
 * Effort asked for as soon as the load passes its calm level: ≈ 4 000 BLAKE2b evaluations, a few
 * milliseconds for a person, but a real cost for a script sending thousands.
 */
export const BASE_POW_EFFORT = 2 ** 12;

/**
 * The most effort the server asks for, however high the load: ≈ 1 M evaluations, about half a
 * second in Node and a few seconds on a phone. Bounded so that a flood can make honest people
 * wait, never lock them out; below the client's own ceiling (MAX_POW_EFFORT in shared).
 */
export const SERVER_MAX_POW_EFFORT = 2 ** 20;

/**
 * A puzzle solved at less than 1/POW_EFFORT_SLACK of the effort now required is refused: puzzles
 * collected while the server was calmer cannot be spent in a flood, while an honest client whose
 * puzzle was issued a moment before the load rose is not sent round again.
 */
export const POW_EFFORT_SLACK = 2;

/**
 * Solved puzzles remembered (until they expire) so that each pays for one request. Bounds that
 * memory (≈ 100 bytes each); past it, solutions are refused with RATE_LIMITED until some expire.
 */
export const MAX_SPENT_PUZZLES = 100_000;

/**
 * Wrong login-key signatures on keys.backup_put and account.rekey together, per account per
 * window; past it RATE_LIMITED. Each is an online guess at the two secrets by whoever holds the
 * session: without this bound a stolen token would be a guessing oracle beside the login's
 * per-handle budget.
 */
export const MAX_BACKUP_SIGNATURE_FAILURES = 5;
export const BACKUP_SIGNATURE_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Client addresses (IPv6: /64 blocks) whose request counts are held at once for the soft
 * per-address signal (≈ 100 bytes each). Past it, new addresses share one overflow count, so
 * a botnet or an IPv6 block cannot grow the table; they only pay proof of work sooner.
 */
export const MAX_TRACKED_ADDRESSES = 100_000;

/** The window of the global self-registration budget (KOLOKOL_REGISTRATIONS_PER_HOUR). */
export const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;

/**
 * The effort for a load `ratio` times its calm level: none while calm, then BASE_POW_EFFORT,
 * doubling with every doubling of the load, up to SERVER_MAX_POW_EFFORT. A flooder's cost thus
 * grows with the square of its rate; a person pays once, a bounded amount.
 */
export function effortForLoad(ratio: number): number {
  if (!(ratio > 1)) return 0;
  const doublings = Math.floor(Math.log2(ratio));
  return Math.min(SERVER_MAX_POW_EFFORT, BASE_POW_EFFORT * 2 ** Math.min(doublings, 30));
}
