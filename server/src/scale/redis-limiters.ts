// Limiters in Redis, shared by every process (rate-limiter-flexible's RateLimiterRedis over
// ioredis), failing closed: while Redis cannot answer, a limit neither allows nor refuses as
// RATE_LIMITED but throws UNAVAILABLE, so nothing a limit guards happens uncounted.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import type { Limiter, LimiterFactory } from './limiters.js';

/** A refusal (RateLimiterRes) passes as it is; any other failure is Redis failing: UNAVAILABLE. */
function failClosed(error: unknown): never {
  // rate-limiter-flexible refuses by rejecting with its result object, which callers test for.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (error instanceof RateLimiterRes || error instanceof AppError) throw error;
  throw new AppError('UNAVAILABLE', 'limits unavailable; try again shortly');
}

export function redisLimiters(redis: Redis, keyPrefix: string): LimiterFactory {
  return (options): Limiter => {
    const limiter = new RateLimiterRedis({
      ...options,
      keyPrefix: `${keyPrefix}limit:${options.keyPrefix}`,
      storeClient: redis,
      rejectIfRedisNotReady: true,
    });
    return {
      consume: (key, points, opts) => limiter.consume(key, points, opts).catch(failClosed),
      penalty: (key, points, opts) => limiter.penalty(key, points, opts).catch(failClosed),
      reward: (key, points, opts) => limiter.reward(key, points, opts).catch(failClosed),
      get: (key, opts) => limiter.get(key, opts).catch(failClosed),
      delete: (key, opts) => limiter.delete(key, opts).catch(failClosed),
    };
  };
}
