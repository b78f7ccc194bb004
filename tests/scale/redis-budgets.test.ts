// The domain's budgets in Redis (scale/redis-budgets.ts) against Debian's real redis-server, as
// two processes would use them (two connections): one token bucket per key across both, refilled
// over the window, a unit given back is usable on the other, keys under the deployment prefix
// expire, and a Redis that is down fails closed (UNAVAILABLE, never a unit taken uncounted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/src/errors.js';
import { createLogger } from '../../server/src/logger.js';
import { redisBudgets } from '../../server/src/scale/redis-budgets.js';
import { openRedis, type RedisConnections } from '../../server/src/scale/redis-connection.js';
import {
  REDIS_MISSING,
  redisSuite,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';

const PREFIX = 'test-budgets:';

describe.skipIf(REDIS_MISSING !== undefined)(redisSuite('the domain budgets in Redis'), () => {
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

  const budgetsOn = (name: string, perWindow: number, windowMs: number) =>
    connections.map((connection) =>
      redisBudgets(connection.limits, PREFIX)({ name, perWindow, windowMs }),
    );

  it('counts one bucket per key across processes; a unit given back is there for the other', async () => {
    const [one, two] = budgetsOn('count', 2, 60_000);
    expect([await one!.tryTake('k'), await two!.tryTake('k'), await one!.tryTake('k')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(await two!.tryTake('other')).toBe(true);
    // A unit given back on one process is there for the other.
    await one!.giveBack('k');
    expect([await two!.tryTake('k'), await two!.tryTake('k')]).toEqual([true, false]);
  });

  it('refills a spent bucket over its window', async () => {
    // One unit per two seconds: spent, refused at once, there again after the window.
    const [one, two] = budgetsOn('refill', 1, 2000);
    expect([await one!.tryTake('k'), await two!.tryTake('k')]).toEqual([true, false]);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await two!.tryTake('k')).toBe(true);
  });

  it('keeps its keys under the deployment prefix, expiring within the window', async () => {
    const [one] = budgetsOn('keys', 3, 60_000);
    await one!.tryTake('acct');
    const client = connections[0]!.limits;
    const keys = await client.keys('*budget:keys:*');
    expect(keys).toEqual([`${PREFIX}budget:keys:acct`]);
    const ttl = await client.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('fails closed while Redis is down: a take is UNAVAILABLE, a give-back is dropped', async () => {
    const [one] = budgetsOn('down', 5, 60_000);
    await redis.stop();
    try {
      const refused = await Promise.resolve(one!.tryTake('k')).then(
        () => 'taken',
        (error: unknown) => (error instanceof AppError ? error.code : 'other'),
      );
      expect(refused).toBe('UNAVAILABLE');
      await expect(one!.giveBack('k')).resolves.toBeUndefined();
    } finally {
      await redis.restart();
    }
  });
});
