// Open sockets per account across every process: one sorted set per account in Redis, a member
// per open socket scored with its lease's end. Claiming drops ended leases, counts and adds in
// one Lua script (atomic in Redis), so two handshakes on two processes can never both see room
// for one more. Each process renews its sockets' leases; a killed process's leases just end.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { errorName } from '../logger.js';
import { AppError } from '../errors.js';
import { SOCKET_SLOT_LEASE_MS, SOCKET_SLOT_RENEW_MS } from '../realtime/limits.js';
import type { SlotClaim, SocketSlots } from '../realtime/socket-slots.js';
import { RedisScript } from './redis-connection.js';

// Redis's own clock, so processes on machines with skewed clocks agree on when a lease ends.
const NOW_MS = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS[1] the account's set; ARGV: max, lease ms, member. 1 when claimed, 0 when full. */
const CLAIM = new RedisScript(`${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`);

/**
 * KEYS[1] the account's set; ARGV: lease ms, member. Renews (or puts back, after Redis lost it)
 * a lease of a socket that is still open here.
 */
const RENEW = new RedisScript(`${NOW_MS}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`);

export class RedisSocketSlots implements SocketSlots {
  /** Open here: member → its account's key. */
  readonly #held = new Map<string, string>();
  readonly #process = randomBytes(8).toString('hex');
  #next = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.#timer = setInterval(() => void this.#renew(), SOCKET_SLOT_RENEW_MS);
    this.#timer.unref();
  }

  async claim(accountId: string, max: number): Promise<SlotClaim | undefined> {
    const key = `${this.keyPrefix}slots:${accountId}`;
    const member = `${this.#process}:${(this.#next += 1)}`;
    let claimed: unknown;
    try {
      claimed = await CLAIM.run(this.redis, [key], [max, SOCKET_SLOT_LEASE_MS, member]);
    } catch {
      throw new AppError('UNAVAILABLE', 'connection limits unavailable; try again shortly');
    }
    if (claimed !== 1) return undefined;
    this.#held.set(member, key);
    return {
      release: () => {
        if (!this.#held.delete(member)) return;
        // If Redis is away now, the lease ends on its own within SOCKET_SLOT_LEASE_MS.
        this.redis.zrem(key, member).catch(() => undefined);
      },
    };
  }

  /** Slots this process holds now (for tests and shutdown). */
  get held(): number {
    return this.#held.size;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #renew(): Promise<void> {
    try {
      for (const [member, key] of this.#held) {
        await RENEW.run(this.redis, [key], [SOCKET_SLOT_LEASE_MS, member]);
      }
    } catch (error) {
      this.logger.warn({ errorName: errorName(error) }, 'socket slot renewal failed');
    }
  }
}
