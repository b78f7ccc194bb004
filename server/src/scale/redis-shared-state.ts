// SharedState in Redis for several server processes: limits, socket slots and event windows in
// Redis under the deployment's key prefix, socket.io's Redis Streams adapter for delivery.
import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import type { Logger } from '../logger.js';
import { openRedis } from './redis-connection.js';
import { RedisEventWindows } from './redis-event-windows.js';
import { redisBudgets } from './redis-budgets.js';
import { redisLimiters } from './redis-limiters.js';
import { RedisSocketSlots } from './redis-socket-slots.js';
import type { SharedState } from './shared-state.js';

/** Bytes of the deployment's limit-key hashing key. */
const LIMIT_KEY_KEY_BYTES = 32;

export async function redisSharedState(options: {
  readonly url: string;
  readonly keyPrefix: string;
  readonly eventsPerSecondPerSession: number;
  readonly eventsPerSecondPerAccount: number;
  readonly logger: Logger;
}): Promise<SharedState> {
  const { keyPrefix, logger } = options;
  const redis = await openRedis(options.url, logger);
  try {
    // The first process to start picks the key; every later one reads the same.
    const keyName = `${keyPrefix}limit-key`;
    await redis.limits.set(keyName, toBase64Url(randomBytes(LIMIT_KEY_KEY_BYTES)), 'NX');
    const stored = await redis.limits.get(keyName);
    const limitKeyKey = stored === null ? undefined : fromBase64Url(stored);
    if (limitKeyKey?.length !== LIMIT_KEY_KEY_BYTES || stored === null) {
      throw new Error('redis: bad limit key');
    }
    // A Redis restarted empty gets the key back from the processes that hold it, before a
    // process starting then could pick another (limits would then count apart, not fail open).
    redis.limits.on('ready', () => {
      redis.limits.set(keyName, stored, 'NX').catch(() => undefined);
    });
    const slots = new RedisSocketSlots(redis.limits, keyPrefix, logger);
    return {
      kind: 'redis',
      limiters: redisLimiters(redis.limits, keyPrefix),
      slots,
      eventWindows: new RedisEventWindows(redis.limits, keyPrefix, {
        perSession: options.eventsPerSecondPerSession,
        perAccount: options.eventsPerSecondPerAccount,
        windowMs: 1000,
      }),
      budgets: redisBudgets(redis.limits, keyPrefix),
      adapter: createAdapter(redis.adapter, {
        streamName: `${keyPrefix}socket.io`,
        channelPrefix: `${keyPrefix}socket.io`,
        sessionKeyPrefix: `${keyPrefix}sio:session:`,
        // Every payload is JSON (the parser refuses binary): no binary checks per packet.
        onlyPlaintext: true,
      }),
      limitKeyKey,
      async ping() {
        // The limits connection fails at once while Redis is away (no offline queue), so a
        // process that cannot count limits says it is not ready.
        await redis.limits.ping();
      },
      async close() {
        slots.stop();
        await redis.close();
      },
    };
  } catch (error) {
    await redis.close();
    throw error;
  }
}
