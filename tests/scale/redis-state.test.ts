// The Redis side of SharedState against Debian's real redis-server, as two processes would use
// it (two separate connections): the router's event windows keep EventWindows' rule across both,
// every key lives under the deployment's prefix, and a Redis that is down fails closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/src/errors.js';
import { createLogger } from '../../server/src/logger.js';
import { openRedis, type RedisConnections } from '../../server/src/scale/redis-connection.js';
import { RedisEventWindows } from '../../server/src/scale/redis-event-windows.js';
import { redisLimiters } from '../../server/src/scale/redis-limiters.js';
import { RedisSocketSlots } from '../../server/src/scale/redis-socket-slots.js';
import {
  REDIS_MISSING,
  redisSuite,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';

const PREFIX = 'test-state:';
const LIMITS = { perSession: 3, perAccount: 5, windowMs: 1000 };

describe.skipIf(REDIS_MISSING !== undefined)(redisSuite('Redis shared state'), () => {
  let redis: RedisServer;
  const connections: RedisConnections[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    const logger = createLogger('silent');
    connections.push(await openRedis(redis.url, logger), await openRedis(redis.url, logger));
  });
  afterAll(async () => {
    for (const connection of connections) await connection.close();
    await redis?.close();
  });

  it("counts one session's and one account's events together across processes", async () => {
    const [one, two] = connections.map(
      (connection) => new RedisEventWindows(connection.limits, PREFIX, LIMITS),
    );
    const taken: boolean[] = [];
    // Session a on both processes: three in its window, then refused (and not charged to the account).
    for (const windows of [one, two, one, two]) taken.push(await windows!.take('a', 'acct'));
    expect(taken).toEqual([true, true, true, false]);
    // Session b of the same account: two more fill the account's five.
    const more = [await two!.take('b', 'acct'), await one!.take('b', 'acct')];
    expect(more).toEqual([true, true]);
    expect(await two!.take('b', 'acct')).toBe(false);
    // Another account is untouched.
    expect(await one!.take('c', 'other')).toBe(true);
    // A new window opens once the first has ended.
    await new Promise((resolve) => setTimeout(resolve, LIMITS.windowMs + 100));
    expect(await two!.take('a', 'acct')).toBe(true);
  });

  it('claims socket slots atomically across processes; released slots are free again', async () => {
    const [one, two] = connections.map(
      (connection) => new RedisSocketSlots(connection.limits, PREFIX, createLogger('silent')),
    );
    // Twenty handshakes at once on two processes for a limit of three: exactly three slots.
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one! : two!).claim('acct', 3)),
    );
    const granted = claims.filter((claim) => claim !== undefined);
    expect(granted).toHaveLength(3);
    granted[0]!.release();
    granted[0]!.release(); // twice is once
    await expect.poll(() => two!.claim('acct', 3).then((claim) => claim !== undefined)).toBe(true);
    expect(await one!.claim('acct', 3)).toBeUndefined();
    one!.stop();
    two!.stop();
  });

  it('keeps every key under the deployment prefix', async () => {
    await redisLimiters(
      connections[0]!.limits,
      PREFIX,
    )({
      keyPrefix: 'probe',
      points: 1,
      duration: 60,
    }).consume('k');
    const keys = await connections[0]!.limits.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
  });

  it('fails closed while Redis is down: UNAVAILABLE, never admitted', async () => {
    const windows = new RedisEventWindows(connections[0]!.limits, PREFIX, LIMITS);
    const slots = new RedisSocketSlots(connections[0]!.limits, PREFIX, createLogger('silent'));
    const limiter = redisLimiters(
      connections[0]!.limits,
      PREFIX,
    )({
      keyPrefix: 'down',
      points: 100,
      duration: 60,
    });
    await redis.stop();
    const code = (error: unknown) => (error instanceof AppError ? error.code : String(error));
    await expect(windows.take('s', 'a').catch(code)).resolves.toBe('UNAVAILABLE');
    await expect(slots.claim('a', 5).catch(code)).resolves.toBe('UNAVAILABLE');
    await expect(limiter.consume('k').catch(code)).resolves.toBe('UNAVAILABLE');
    await redis.restart();
    await expect
      .poll(() => windows.take('s', 'a').catch(code), { timeout: 15_000, interval: 200 })
      .toBe(true);
    slots.stop();
  });
});
