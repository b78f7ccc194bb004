// Housekeeping deletes spent challenge ids past their expiry and ended sessions from the real SQLite store, and
// leaves live ones alone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { purgeExpired } from '../../server/src/domain/housekeeping.js';
import { challenge, login, registerAndLogin } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

it('purges expired spent challenges and ended sessions only', async () => {
  const { account, token } = await registerAndLogin(server.url, 'tidy');
  const live = await login(server.url, account);
  await challenge(server.url, 'someone.who.tried');
  // End one session; keep the other live.
  const ended = await server.server.services.sessions.authenticate(token);
  await server.server.services.sessions.logout(ended.session.id);

  // Challenges are stateless: only the two spent by the logins left a row (an id, no handle).
  expect(server.snapshot().spent_challenges).toHaveLength(2);
  const later = { now: () => Date.now() + 10 * 60 * 1000 }; // challenges live 2 minutes
  const purged = await purgeExpired(server.store, later);
  expect(purged.challenges).toBe(2);
  expect(purged.sessions).toBe(1);
  const rows = server.snapshot();
  expect(rows.spent_challenges).toEqual([]);
  expect(rows.sessions).toHaveLength(1);
  expect((await server.server.services.sessions.authenticate(live)).account.handle).toBe(
    account.handle,
  );
});
