// A handle that only asked for a challenge leaves no trace on disk: challenges are stateless, so
// issuing one writes nothing at all, and redeeming one records only a random id. Checked on the
// real SQLite file, its -wal and its -shm, for an unknown handle and after its challenge expired;
// and issuing for a known and an unknown handle is the same work (the same store calls).
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ed25519KeyPair } from '@kolokol/shared/crypto';
import { purgeExpired } from '../../server/src/domain/housekeeping.js';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';
import { challenge, loginBody, newTestAccount, post, register } from '../support/client.js';
import { countingStore, type CountingStore } from '../support/counting-store.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let counting: CountingStore | undefined;
beforeEach(async () => {
  server = await startTestServer(
    {},
    {
      wrapStore: (store) => {
        counting = countingStore(store);
        return counting.store;
      },
    },
  );
});
afterEach(async () => {
  await server.close();
});

const files = () => [server.dbFile, `${server.dbFile}-wal`, `${server.dbFile}-shm`];

/** Which of the database files hold these bytes anywhere (pages, free space, log frames). */
function filesHolding(text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  return files().filter((file) => existsSync(file) && readFileSync(file).includes(needle));
}

/** The database file and its write-ahead log, byte for byte (the -shm changes on mere reads). */
function written(): Buffer[] {
  return [server.dbFile, `${server.dbFile}-wal`].map((file) =>
    existsSync(file) ? readFileSync(file) : Buffer.alloc(0),
  );
}

describe('challenges for unknown handles', () => {
  it('leave the handle nowhere in the database, its log or its index, even after a failed login and expiry', async () => {
    const handle = 'qzx.unknown.wanderer';
    expect(filesHolding(handle)).toEqual([]);

    const issued = await challenge(server.url, handle);
    expect(filesHolding(handle)).toEqual([]);

    const failed = await post(
      server.url,
      '/auth/login',
      loginBody(handle, ed25519KeyPair(), issued),
    );
    expect(failed.status).toBe(401);
    expect(filesHolding(handle)).toEqual([]);

    await purgeExpired(server.store, { now: () => Date.now() + 10 * 60 * 1000 });
    expect(filesHolding(handle)).toEqual([]);
    // The store itself has no table that could have named it.
    expect(JSON.stringify(server.snapshot())).not.toContain(handle);
  });

  it('issuing a challenge writes nothing, and costs the same store calls for a known and an unknown handle', async () => {
    const account = newTestAccount('known');
    await register(server.url, account);
    const unknown = `${account.handle.slice(0, -1)}q`; // same length, no account
    await challenge(server.url, account.handle); // warm up both paths
    await challenge(server.url, unknown);
    // Let any checkpoint the start-up housekeeping asked for finish: the files must be at rest
    // before "nothing was written" can be measured.
    await new Promise((resolve) => setTimeout(resolve, WAL_SCRUB_DELAY_MS + 300));

    const callsFor = async (handle: string) => {
      const before = written();
      counting!.reset();
      await challenge(server.url, handle);
      const calls = counting!.calls();
      expect(written()).toEqual(before);
      return calls;
    };
    const known = await callsFor(account.handle);
    const ghost = await callsFor(unknown);
    expect(known).toEqual({ 'accounts.findForLogin': 1 });
    expect(ghost).toEqual(known);
  });
});
