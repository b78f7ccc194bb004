// The domain's budgets in Redis, shared by every process: the same token bucket as HourlyBudget
// (perWindow units refilled continuously over the window; a clock step back refills nothing), one
// Lua script per take or give-back, timed by Redis's own clock so that processes whose clocks
// differ still count one bucket. Failing closed: while Redis cannot answer, a take throws
// UNAVAILABLE, so nothing a budget guards happens uncounted; a give-back that cannot reach Redis
// is dropped (the unit comes back as the bucket refills: the safe direction).
import type { Redis } from 'ioredis';
import type { Budget, Budgets } from '../domain/budget.js';
import { AppError } from '../errors.js';
import { RedisScript } from './redis-connection.js';

/**
 * KEYS: the bucket; ARGV: units per window, window ms, `take` or `give`. 1: taken (or given
 * back), 0: refused. The bucket expires once it would be full again: memory follows recent use.
 */
const BUCKET = new RedisScript(`
local cap = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local units = cap
local b = redis.call('HMGET', KEYS[1], 'u', 'at')
if b[1] and b[2] then
  local elapsed = math.max(0, now - tonumber(b[2]))
  units = math.min(cap, tonumber(b[1]) + elapsed * cap / window)
end
if ARGV[3] == 'take' then
  if units < 1 then return 0 end
  units = units - 1
else
  units = math.min(cap, units + 1)
end
redis.call('HSET', KEYS[1], 'u', string.format('%.17g', units), 'at', now)
redis.call('PEXPIRE', KEYS[1], window)
return 1`);

export function redisBudgets(redis: Redis, keyPrefix: string): Budgets {
  return ({ name, perWindow, windowMs }): Budget => {
    const run = (key: string, op: 'take' | 'give') =>
      BUCKET.run(redis, [`${keyPrefix}budget:${name}:${key}`], [perWindow, windowMs, op]);
    return {
      async tryTake(key) {
        try {
          return (await run(key, 'take')) === 1;
        } catch {
          throw new AppError('UNAVAILABLE', 'limits unavailable; try again shortly');
        }
      },
      async giveBack(key) {
        await run(key, 'give').catch(() => undefined);
      },
    };
  };
}
