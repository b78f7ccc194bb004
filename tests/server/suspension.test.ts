// Suspension ends every session of the account, at once and for good: the suspend and the
// revocations are one store transaction, and the periodic recheck of open sockets treats a
// suspended account's sessions as dead even if no revocation was ever written.
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  registerAndLogin,
  revokedReason,
  waitForDisconnect,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ KOLOKOL_SESSION_RECHECK_SECONDS: '1' });
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

it('a suspension written without its revocations (a crash between writes, another process) still ends the open socket at the next recheck', async () => {
  const { accountId, token } = await registerAndLogin(server.url, 'halfway');
  const bystander = await registerAndLogin(server.url, 'onlooker');
  const socket = await connectWithToken(server.url, token);
  const other = await connectWithToken(server.url, bystander.token);
  const reason = revokedReason(socket);
  const gone = waitForDisconnect(socket, 5_000);

  // Only the suspension reaches the store: no session is revoked, nothing is published.
  expect(await server.store.accounts.setSuspended(accountId, Date.now())).toBe(true);
  const sessionRows = server.snapshot().sessions;

  const [ended] = await Promise.all([reason, gone]);
  expect(ended).toBe('revoked');
  await expect(connectWithToken(server.url, token)).rejects.toMatchObject({
    data: { code: 'UNAUTHENTICATED' },
  });
  // The bystander is untouched, and the recheck itself wrote nothing.
  expect(other.connected).toBe(true);
  expect(await call(other, 'session.whoami', {})).toMatchObject({ ok: true });
  expect(server.snapshot().sessions).toEqual(sessionRows);
});

it('suspension and the revocation of every live session are one write', async () => {
  const { account, accountId, token } = await registerAndLogin(server.url, 'atomic');
  const second = await login(server.url, account);
  const result = await server.store.accounts.suspend(accountId, Date.now());
  expect(result?.revokedSessionIds).toHaveLength(2);
  const rows = (server.snapshot().sessions ?? [])
    .map((row) => JSON.parse(row as string) as { account_id: string; revoked_at: unknown })
    .filter((row) => row.account_id === accountId);
  expect(rows.map((row) => row.revoked_at !== null)).toEqual([true, true]);
  for (const ended of [token, second]) {
    await expect(connectWithToken(server.url, ended)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
  }
  // Suspending again changes nothing and ends nothing more; an unknown account is undefined.
  const before = server.snapshot();
  expect((await server.store.accounts.suspend(accountId, Date.now()))?.revokedSessionIds).toEqual(
    [],
  );
  expect(await server.store.accounts.suspend('no-such-account-id', Date.now())).toBeUndefined();
  expect(server.snapshot().sessions).toEqual(before.sessions);
});
