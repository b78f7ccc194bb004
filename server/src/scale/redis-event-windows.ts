// The router's per-session and per-account event windows in Redis, for several processes: the
// same rule as EventWindows (a fixed window opens at a key's first event; every event in it
// counts; past the limit refused; the session first, so an event refused for its session does
// not spend its account's budget), in one Lua script per event.
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { RedisScript } from './redis-connection.js';
import type { SharedEventWindows } from './shared-state.js';

/** KEYS: session, account; ARGV: session limit, account limit, window ms. 1: admitted. */
const TAKE = new RedisScript(`
local s = redis.call('INCR', KEYS[1])
if s == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if s > tonumber(ARGV[1]) then return 0 end
local a = redis.call('INCR', KEYS[2])
if a == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
if a > tonumber(ARGV[2]) then return 0 end
return 1`);

export class RedisEventWindows implements SharedEventWindows {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: {
      readonly perSession: number;
      readonly perAccount: number;
      readonly windowMs: number;
    },
  ) {}

  async take(sessionId: string, accountId: string): Promise<boolean> {
    const { perSession, perAccount, windowMs } = this.limits;
    let admitted: unknown;
    try {
      admitted = await TAKE.run(
        this.redis,
        [`${this.keyPrefix}events:s:${sessionId}`, `${this.keyPrefix}events:a:${accountId}`],
        [perSession, perAccount, windowMs],
      );
    } catch {
      throw new AppError('UNAVAILABLE', 'limits unavailable; try again shortly');
    }
    return admitted === 1;
  }
}
