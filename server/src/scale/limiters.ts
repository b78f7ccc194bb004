// Counting limiters (rate-limiter-flexible) behind one factory, so a limit is the same code in
// one process (in memory, as before) and across several (in Redis, shared by every process).
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** What callers use of a limiter: count, refund, read and forget a key's points. */
export type Limiter = Pick<
  RateLimiterAbstract,
  'consume' | 'penalty' | 'reward' | 'get' | 'delete'
>;

export interface LimiterOptions {
  /** Names the limit; keys of different limits never collide. */
  readonly keyPrefix: string;
  readonly points: number;
  /** Window length in seconds. */
  readonly duration: number;
}

export type LimiterFactory = (options: LimiterOptions) => Limiter;

/** One process: rate-limiter-flexible's in-memory limiter, exactly as before Redis. */
export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory({ ...options });
