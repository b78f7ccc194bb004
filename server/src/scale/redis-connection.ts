// The Redis connections of one server process: one for limits, which fails fast while Redis is
// unreachable (limits fail closed: UNAVAILABLE, never "allowed"), and one for socket.io's adapter,
// whose stream reads wait for Redis to come back. Both reconnect on their own. Log lines say
// that Redis went away or came back and the error's class, never the URL (it may hold a password).
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { errorName, type Logger } from '../logger.js';
import {
  REDIS_COMMAND_TIMEOUT_MS,
  REDIS_CONNECT_TIMEOUT_MS,
  REDIS_RECONNECT_MAX_DELAY_MS,
} from '../realtime/limits.js';

export interface RedisConnections {
  /** Commands fail at once while Redis is unreachable; limits turn that into UNAVAILABLE. */
  readonly limits: Redis;
  /** socket.io's adapter: commands wait (boundedly) for a reconnect instead of failing at once. */
  readonly adapter: Redis;
  close(): Promise<void>;
}

const base = (): RedisOptions => ({
  connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  // Forever, at most REDIS_RECONNECT_MAX_DELAY_MS apart: Redis coming back is picked up.
  retryStrategy: (times) => Math.min(times * 100, REDIS_RECONNECT_MAX_DELAY_MS),
  lazyConnect: true,
});

/** Connects both clients; rejects (start-up fails) when Redis cannot be reached now. */
export async function openRedis(url: string, logger: Logger): Promise<RedisConnections> {
  const limits = new Redis(url, {
    ...base(),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  // Queued while disconnected, but for a few reconnect attempts only: what the relay publishes
  // while Redis is away is bounded, and clients catch up from the store's sequence anyway.
  const adapter = new Redis(url, { ...base(), maxRetriesPerRequest: 3 });
  let closing = false;
  for (const [name, client] of [
    ['limits', limits],
    ['adapter', adapter],
  ] as const) {
    // One line when the connection is lost (or cannot be made), one when it is back.
    let down = false;
    const lost = (error?: unknown) => {
      if (down || closing) return;
      down = true;
      logger.error(
        { redis: name, ...(error === undefined ? {} : { errorName: errorName(error) }) },
        'redis unreachable',
      );
    };
    client.on('error', lost);
    client.on('close', () => lost());
    client.on('ready', () => {
      if (!down) return;
      down = false;
      logger.info({ redis: name }, 'redis reachable again');
    });
  }
  try {
    await Promise.all([limits.connect(), adapter.connect()]);
  } catch (error) {
    closing = true;
    limits.disconnect();
    adapter.disconnect();
    throw new Error(`redis unreachable at start-up (${errorName(error)})`);
  }
  return {
    limits,
    adapter,
    async close() {
      closing = true;
      await Promise.allSettled([limits.quit(), adapter.quit()]);
      limits.disconnect();
      adapter.disconnect();
    },
  };
}

/** A Lua script run by its hash (EVALSHA), loaded on first use and after a Redis restart. */
export class RedisScript {
  readonly #sha: string;

  constructor(private readonly lua: string) {
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    client: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
