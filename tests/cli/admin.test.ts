// The admin CLI, run as the operator runs it, against the same SQLite file as a live server:
// enrolment codes for moderators, and suspension that ends a connected session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  newTestAccount,
  post,
  registerAndLogin,
  registrationBody,
  waitForDisconnect,
} from '../support/client.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ KOLOKOL_SESSION_RECHECK_SECONDS: '1' });
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

const admin = (...args: string[]) =>
  runAdmin(args, cleanEnv({ KOLOKOL_DATA_DIR: server.config.dataDir }));

describe('admin CLI', () => {
  it('enrols a moderator with a one-time code that only that handle can redeem, once', async () => {
    const result = await admin('enrol', 'moderator', 'Mod.Irina');
    expect(result.code).toBe(0);
    const code = /\n([A-Za-z0-9_-]{27})\n/.exec(result.stdout)?.[1];
    expect(code).toBeDefined();

    const moderator = { ...newTestAccount(), handle: 'mod.irina' };
    // The handle is reserved: self-registration cannot take it.
    const squatter = await post(
      server.url,
      '/auth/register',
      registrationBody({ ...newTestAccount(), handle: 'mod.irina' }),
    );
    expect(squatter.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // The wrong code is refused and changes nothing.
    const before = server.snapshot();
    const wrong = await post(
      server.url,
      '/auth/register',
      registrationBody(moderator, { enrolmentCode: toBase64Url(new Uint8Array(20)) }),
    );
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(server.snapshot()).toEqual(before);

    const redeemed = await post(
      server.url,
      '/auth/register',
      registrationBody(moderator, { enrolmentCode: code }),
    );
    expect(redeemed.body).toMatchObject({ ok: true, data: { role: 'moderator' } });
    const socket = await connectWithToken(server.url, await login(server.url, moderator));
    expect(await call(socket, 'session.whoami', {})).toMatchObject({
      ok: true,
      data: { role: 'moderator' },
    });

    const reused = await post(
      server.url,
      '/auth/register',
      registrationBody({ ...newTestAccount(), handle: 'mod.other' }, { enrolmentCode: code }),
    );
    expect(reused.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The code appears in no table: only its hash was ever stored.
    expect(JSON.stringify(server.snapshot())).not.toContain(code);
  }, 30_000);

  it('refuses to enrol a handle that already has an account, and bad arguments', async () => {
    const { account } = await registerAndLogin(server.url, 'existing');
    const taken = await admin('enrol', 'admin', account.handle);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('not available');
    const badRole = await admin('enrol', 'volunteer', 'someone');
    expect(badRole.code).toBe(2);
    const badHandle = await admin('enrol', 'moderator', 'x');
    expect(badHandle.code).toBe(1);
  }, 30_000);

  it('refuses to re-enrol a handle with a pending code unless told to replace it, and then says the old code is void', async () => {
    const codeOf = (stdout: string) => /\n([A-Za-z0-9_-]{27})\n/.exec(stdout)?.[1];
    const first = await admin('enrol', 'moderator', 'mod.vera');
    expect(first.code).toBe(0);
    const firstCode = codeOf(first.stdout);
    expect(firstCode).toBeDefined();

    // Without --replace: refused, nothing changed, the first code still the one that works.
    const before = server.snapshot();
    const again = await admin('enrol', 'moderator', 'mod.vera');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a pending enrolment');
    expect(again.stderr).toContain('--replace');
    expect(codeOf(again.stdout)).toBeUndefined();
    expect(server.snapshot()).toEqual(before);

    // With --replace: a new code, and the operator is told in so many words that the old one is void.
    const replaced = await admin('enrol', 'admin', 'mod.vera', '--replace');
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('the earlier code for this handle no longer works');
    const secondCode = codeOf(replaced.stdout);
    expect(secondCode).toBeDefined();
    expect(secondCode).not.toBe(firstCode);

    const vera = { ...newTestAccount(), handle: 'mod.vera' };
    const stale = await post(
      server.url,
      '/auth/register',
      registrationBody(vera, { enrolmentCode: firstCode }),
    );
    expect(stale.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const fresh = await post(
      server.url,
      '/auth/register',
      registrationBody(vera, { enrolmentCode: secondCode }),
    );
    expect(fresh.body).toMatchObject({ ok: true, data: { role: 'admin' } });

    // --replace on a handle with no pending enrolment simply enrols it (nothing to void).
    const plain = await admin('enrol', 'moderator', 'mod.nina', '--replace');
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('no longer works');
    // An unknown flag is a usage error.
    expect((await admin('enrol', 'moderator', 'mod.zoya', '--force')).code).toBe(2);
  }, 30_000);

  it('suspends an account from another process: its open socket is ended within the recheck period', async () => {
    const { account, token } = await registerAndLogin(server.url, 'cli.suspect');
    const socket = await connectWithToken(server.url, token);
    const gone = waitForDisconnect(socket, 10_000);
    const result = await admin('suspend', account.handle);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 session(s) ended');
    await gone;
    await expect(connectWithToken(server.url, token)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
    expect((await admin('unsuspend', account.handle)).code).toBe(0);
    expect(await login(server.url, account)).toHaveLength(43);
  }, 30_000);
});
