// REDIS_URL and KOLOKOL_REDIS_KEY_PREFIX are validated at start-up: cleartext redis:// only to
// this machine, TLS (rediss://) anywhere else; a bad value stops start-up naming the variable,
// never the value (a URL may carry a password). A Redis that cannot be reached stops start-up too.
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config/config.js';
import { startServerProcess } from '../support/server-process.js';

describe('REDIS_URL', () => {
  it('is unset by default: one process, everything in memory', () => {
    const config = loadConfig({});
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisKeyPrefix).toBe('kolokol:');
  });

  it.each([
    'redis://127.0.0.1:6379',
    'redis://localhost',
    'redis://[::1]:6380/2',
    'redis://:secret@127.0.0.1:6379',
    'rediss://redis.internal.example:6380',
    'rediss://user:secret@10.0.0.5:6380/1',
  ])('accepts %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  it.each([
    // Cleartext beyond this machine: a password and every limit key would cross the network.
    'redis://10.0.0.5:6379',
    'redis://:hunter2secret@redis.internal.example:6379',
    'redis://127.0.0.2:6379',
    'http://127.0.0.1:6379',
    'unix:///run/redis.sock',
    'rediss://',
    'redis://127.0.0.1:6379?password=hunter2secret',
    'not a url',
  ])('refuses %s, naming the variable and not the value', (url) => {
    expect(() => loadConfig({ REDIS_URL: url })).toThrow(ConfigError);
    // The same fixed sentence whatever the value: nothing of it (a password, a host) is echoed.
    expect(() => loadConfig({ REDIS_URL: url })).toThrow(
      /^invalid configuration: REDIS_URL \(not a redis:\/\/ URL to a loopback host or a rediss:\/\/ URL\)$/,
    );
  });

  it.each(['kolokol', 'a b:', ':', 'x'.repeat(33) + ':', 'k{1}:'])(
    'refuses the key prefix %s',
    (prefix) => {
      expect(() => loadConfig({ KOLOKOL_REDIS_KEY_PREFIX: prefix })).toThrow(
        'KOLOKOL_REDIS_KEY_PREFIX',
      );
    },
  );

  it('stops start-up when Redis cannot be reached, without printing where it is', async () => {
    // A loopback port nobody listens on: taken, then closed.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-noredis-'));
    try {
      const url = `redis://:hunter2secret@127.0.0.1:${port}`;
      const started = startServerProcess({ KOLOKOL_DATA_DIR: dataDir, REDIS_URL: url });
      const error = await started.then(
        () => new Error('started without Redis'),
        (refused: unknown) => refused as Error,
      );
      expect(error.message).toContain('server exited at start');
      expect(error.message).toContain('redis unreachable at start-up');
      expect(error.message).not.toContain('hunter2secret');
      expect(error.message).not.toContain(`127.0.0.1:${port}`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
