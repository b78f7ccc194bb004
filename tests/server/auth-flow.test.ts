// Register → login → authenticated socket → logout, through the real server, with keys
// derived from handle + passphrase + account key exactly as a fresh browser derives them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PROTOCOL_MAJOR,
  PROTOCOL_VERSION,
  fromBase64Url,
  toBase64Url,
  type LoginResult,
} from '@kolokol/shared';
import {
  deriveTwoSecretKeys,
  openIdentityBackup,
  prepareRegistration,
  sealIdentityBackup,
} from '@kolokol/shared/crypto';
import {
  backupPutPayload,
  call,
  challenge,
  closeAllSockets,
  connect,
  connectWithToken,
  DEPLOYMENT,
  login,
  loginBody,
  post,
  rawCall,
  register,
  registerAndLogin,
  revokedReason,
  testAccountOf,
  waitForDisconnect,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

describe('account life cycle', () => {
  it('registers, logs in from a fresh client with handle + passphrase, recovers the identity, logs out', async () => {
    const handle = 'olga.k';
    const passphrase = 'white birch over the frozen river';
    const prepared = await prepareRegistration({ deployment: DEPLOYMENT, handle, passphrase });
    const { identity, accountKey } = prepared;
    const registered = await register(server.url, testAccountOf(prepared), {
      role: 'volunteer',
    });
    expect(registered.role).toBe('volunteer');

    // A fresh browser: knows handle, passphrase and the account key (the recovery kit); the
    // server hands back the salt.
    const issued = await challenge(server.url, handle);
    expect(issued.salt).toBe(prepared.body.salt);
    const rederived = deriveTwoSecretKeys({
      deployment: DEPLOYMENT,
      handle,
      passphrase,
      accountKey,
      salt: fromBase64Url(issued.salt)!,
    });
    const loginResponse = await post<LoginResult>(
      server.url,
      '/auth/login',
      loginBody(handle, rederived.authentication, issued),
    );
    expect(loginResponse.status).toBe(200);
    if (!loginResponse.body.ok) throw new Error(loginResponse.body.error.code);
    const { token, keyBackup } = loginResponse.body.data;
    expect(fromBase64Url(token)?.length).toBe(32);
    // ...and opens its identity from the sealed backup with the passphrase-derived storage key.
    const { identity: recovered } = openIdentityBackup(
      rederived.storageKey,
      fromBase64Url(keyBackup)!,
      { account: handle, minGeneration: 1 },
    );
    expect(recovered.signing.publicKey).toEqual(identity.signing.publicKey);
    expect(recovered.exchange.secretKey).toEqual(identity.exchange.secretKey);

    const socket = await connectWithToken(server.url, token);
    const whoami = await call(socket, 'session.whoami', {});
    expect(whoami).toMatchObject({
      ok: true,
      data: { handle, role: 'volunteer', accountId: registered.accountId },
    });

    const revoked = revokedReason(socket);
    const disconnected = waitForDisconnect(socket);
    const logout = await post(server.url, '/auth/logout', {}, { authorization: `Bearer ${token}` });
    expect(logout.body).toEqual({ ok: true, data: { revokedSessions: 1 } });
    expect(await revoked).toBe('logout');
    await disconnected;

    const again = await post(server.url, '/auth/logout', {}, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await expect(connectWithToken(server.url, token)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
  });

  it('stores no passphrase, no account key, no secret key and nothing derived but the login public key', async () => {
    const handle = 'anna.m';
    const passphrase = 'a quiet passphrase over 42 hills';
    const prepared = await prepareRegistration({ deployment: DEPLOYMENT, handle, passphrase });
    const account = testAccountOf(prepared);
    const { identity, accountKey } = prepared;
    const { authentication, storageKey } = prepared.keys;
    await register(server.url, account, { role: 'contact' });
    await login(server.url, account);
    const dump = Buffer.from(JSON.stringify(server.snapshot()));
    const raw = (await import('node:fs')).readFileSync(server.dbFile);
    for (const haystack of [dump, raw]) {
      expect(haystack.includes(Buffer.from(passphrase))).toBe(false);
      expect(haystack.includes(Buffer.from(accountKey))).toBe(false);
      expect(haystack.includes(Buffer.from(authentication.secretKey.subarray(0, 32)))).toBe(false);
      expect(haystack.includes(Buffer.from(identity.signing.secretKey.subarray(0, 32)))).toBe(
        false,
      );
      expect(haystack.includes(Buffer.from(identity.exchange.secretKey))).toBe(false);
      expect(haystack.includes(Buffer.from(storageKey))).toBe(false);
    }
  });

  it('the login key never leaves the server: a new backup can be stored, and other users never see the login key', async () => {
    const { account, token } = await registerAndLogin(server.url, 'backup');
    const socket = await connectWithToken(server.url, token);
    const replacement = sealIdentityBackup(account.storageKey, account.identity, {
      account: account.handle,
      generation: 2,
    });
    expect(
      await call(
        socket,
        'keys.backup_put',
        await backupPutPayload(server.url, account, replacement),
      ),
    ).toEqual({ ok: true, data: {} });
    const relogin = await post<LoginResult>(
      server.url,
      '/auth/login',
      loginBody(account.handle, account.auth, await challenge(server.url, account.handle)),
    );
    if (!relogin.body.ok) throw new Error(relogin.body.error.code);
    expect(relogin.body.data.keyBackup).toBe(toBase64Url(replacement));
    const before = server.snapshot();
    expect(
      await rawCall(
        socket,
        'keys.backup_put',
        await backupPutPayload(server.url, account, new Uint8Array(40)),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(server.snapshot()).toEqual(before);
    // Every answer any other account can obtain about this one: the login key is in none.
    const loginKey = toBase64Url(account.auth.publicKey);
    expect(JSON.stringify(await call(socket, 'session.whoami', {}))).not.toContain(loginKey);
    expect(JSON.stringify(await call(socket, 'certificates.list', {}))).not.toContain(loginKey);
  });

  it('log out everywhere ends every session and its sockets; other accounts stay connected', async () => {
    const { account, token } = await registerAndLogin(server.url, 'multi');
    const secondToken = await login(server.url, account);
    const other = await registerAndLogin(server.url, 'bystander');
    const first = await connectWithToken(server.url, token);
    const second = await connectWithToken(server.url, secondToken);
    const bystander = await connectWithToken(server.url, other.token);

    const reasons = Promise.all([revokedReason(first), revokedReason(second)]);
    const response = await post(
      server.url,
      '/auth/logout-all',
      {},
      { authorization: `Bearer ${secondToken}` },
    );
    expect(response.body).toEqual({ ok: true, data: { revokedSessions: 2 } });
    expect(await reasons).toEqual(['logout_all', 'logout_all']);
    await Promise.all([waitForDisconnect(first), waitForDisconnect(second)]);
    expect(bystander.connected).toBe(true);
    expect(await call(bystander, 'session.whoami', {})).toMatchObject({ ok: true });
    await expect(connectWithToken(server.url, token)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
  });

  it('suspension ends the sessions at once and refuses new logins', async () => {
    const { account, token } = await registerAndLogin(server.url, 'suspect');
    const socket = await connectWithToken(server.url, token);
    const revoked = revokedReason(socket);
    await server.server.services.moderation.byOperator('suspend', account.handle);
    expect(await revoked).toBe('suspended');
    await waitForDisconnect(socket);
    const issued = await challenge(server.url, account.handle);
    const refused = await post(
      server.url,
      '/auth/login',
      loginBody(account.handle, account.auth, issued),
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await server.server.services.moderation.byOperator('reinstate', account.handle);
    expect(await login(server.url, account)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('an expired session is refused at the handshake and its open socket is ended', async () => {
    const short = await startTestServer({
      KOLOKOL_SESSION_TTL_SECONDS: '1',
      KOLOKOL_SESSION_RECHECK_SECONDS: '1',
    });
    try {
      const { token } = await registerAndLogin(short.url, 'brief');
      const socket = await connectWithToken(short.url, token);
      const revoked = revokedReason(socket);
      expect(await revoked).toMatch(/^(expired|revoked)$/);
      await waitForDisconnect(socket);
      await expect(connectWithToken(short.url, token)).rejects.toMatchObject({
        data: { code: 'UNAUTHENTICATED' },
      });
    } finally {
      closeAllSockets();
      await short.close();
    }
  });

  it('refuses a client of another major protocol version, accepts another minor', async () => {
    const { token } = await registerAndLogin(server.url, 'versioned');
    expect(PROTOCOL_VERSION.startsWith(`${PROTOCOL_MAJOR}.`)).toBe(true);
    for (const other of [`${PROTOCOL_MAJOR + 1}.0`, `${PROTOCOL_MAJOR - 1}.9`, '0.9']) {
      await expect(connect(server.url, { token, protocol: other })).rejects.toMatchObject({
        data: { code: 'UNSUPPORTED_VERSION' },
      });
    }
    // A later minor, and the first of this major (an x.0 client of an x.1 server), both connect.
    for (const minor of [`${PROTOCOL_MAJOR}.99`, `${PROTOCOL_MAJOR}.0`]) {
      const socket = await connect(server.url, { token, protocol: minor });
      expect(socket.connected).toBe(true);
      socket.close();
    }
  });

  it('4.0 removed the direct mailbox: a 3.x client is refused with UNSUPPORTED_VERSION, a 4.x accepted', async () => {
    const { token } = await registerAndLogin(server.url, 'fourth');
    expect(PROTOCOL_VERSION).toBe('4.0');
    for (const old of ['3.0', '3.1']) {
      await expect(connect(server.url, { token, protocol: old })).rejects.toMatchObject({
        data: { code: 'UNSUPPORTED_VERSION', message: 'protocol 4.x required' },
      });
    }
    for (const current of ['4.0', '4.1']) {
      const socket = await connect(server.url, { token, protocol: current });
      expect(socket.connected).toBe(true);
      socket.close();
    }
  });

  it('keeps secrets and people out of the logs', async () => {
    const { account, token } = await registerAndLogin(server.url, 'quiet');
    const socket = await connectWithToken(server.url, token);
    await call(socket, 'session.whoami', {});
    await post(server.url, '/auth/register', { handle: account.handle, junk: 'x' });
    await post(server.url, '/auth/logout', {}, { authorization: `Bearer ${token}` });
    const text = server.logs.join('');
    expect(server.logs.length).toBeGreaterThan(0);
    expect(text).not.toContain(token);
    expect(text).not.toContain(account.handle);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(toBase64Url(account.identity.signing.publicKey));
  });
});
