// Every malformed, oversized or unauthorised REST request gets a typed error and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { Challenges } from '../../server/src/domain/challenges.js';
import { ed25519KeyPair, generateIdentity, sealKeyStore } from '@kolokol/shared/crypto';
import {
  challenge,
  login,
  loginBody,
  newTestAccount,
  post,
  register,
  registrationBody,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function expectRefused(
  send: () => Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
  tables?: string[],
) {
  const pick = (snapshot: Record<string, unknown[]>) =>
    tables ? Object.fromEntries(tables.map((t) => [t, snapshot[t]])) : snapshot;
  const before = pick(server.snapshot());
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ ok: false, error: { code } });
  expect(pick(server.snapshot())).toEqual(before);
}

async function rawPost(route: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const parsed: unknown = await response.json();
  return { status: response.status, body: parsed };
}

describe('registration refuses bad input', () => {
  const valid = () => registrationBody(newTestAccount('bad'));

  it.each([
    ['a body that is not JSON', () => rawPost('/auth/register', '{"handle": '), 400, 'BAD_REQUEST'],
    [
      'a body that is not application/json',
      () => rawPost('/auth/register', JSON.stringify(valid()), 'text/plain'),
      400,
      'BAD_REQUEST',
    ],
    ['a JSON array', () => rawPost('/auth/register', '[]'), 400, 'BAD_REQUEST'],
    [
      'a body over the limit',
      () => rawPost('/auth/register', JSON.stringify({ ...valid(), pad: 'x'.repeat(20_000) })),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a missing field',
      () => post(server.url, '/auth/register', { ...valid(), salt: undefined }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown field',
      () => post(server.url, '/auth/register', { ...valid(), email: 'x@example.org' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a too-short handle',
      () => post(server.url, '/auth/register', { ...valid(), handle: 'a' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a Cyrillic look-alike handle',
      () => post(server.url, '/auth/register', { ...valid(), handle: 'оlga' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a key of the wrong length',
      () =>
        post(server.url, '/auth/register', { ...valid(), salt: toBase64Url(new Uint8Array(15)) }),
      400,
      'BAD_REQUEST',
    ],
    [
      'non-canonical base64url',
      () => post(server.url, '/auth/register', { ...valid(), salt: 'AAAAAAAAAAAAAAAAAAAAAB' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a self-registered moderator',
      () => post(server.url, '/auth/register', { ...valid(), role: 'moderator' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'both a role and an enrolment code',
      () =>
        post(server.url, '/auth/register', {
          ...valid(),
          enrolmentCode: toBase64Url(new Uint8Array(20)),
        }),
      400,
      'BAD_REQUEST',
    ],
  ] as const)('%s', async (_name, send, status, code) => {
    await expectRefused(send, status, code);
  });

  it('an exchange key not signed by the signing key', async () => {
    const body = valid();
    body.identity.exchangeKey = toBase64Url(generateIdentity().exchange.publicKey);
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
  });

  it('a login-key proof signed by another key', async () => {
    const account = newTestAccount('proof');
    const forged = registrationBody({ ...account, auth: ed25519KeyPair() });
    const body = { ...registrationBody(account), authSignature: forged.authSignature };
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
  });

  it('an identity proof signed by another identity', async () => {
    const account = newTestAccount('proof');
    const forged = registrationBody({ ...account, identity: generateIdentity() });
    const body = { ...registrationBody(account), identitySignature: forged.identitySignature };
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
  });

  it('a key backup that is not a sealed key-store blob', async () => {
    const account = newTestAccount('backup');
    const body = {
      ...registrationBody(account),
      keyBackup: toBase64Url(new Uint8Array(64).fill(1)),
    };
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
  });

  it('a key backup sealed for another purpose than the identity backup', async () => {
    const account = newTestAccount('backup');
    const session = sealKeyStore(
      account.storageKey,
      { purpose: 'session', account: account.handle, generation: 1 },
      Uint8Array.of(1, 2, 3),
    );
    const body = { ...registrationBody(account), keyBackup: toBase64Url(session) };
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
    // Refused for what it is, before the proofs over it are even checked.
    const answer = await post(server.url, '/auth/register', body);
    expect(answer.body).toMatchObject({
      ok: false,
      error: { message: 'keyBackup: not a sealed identity backup' },
    });
  });

  it('a proof for another handle', async () => {
    const account = newTestAccount('proof');
    const body = { ...registrationBody(account), handle: `${account.handle}z` };
    await expectRefused(() => post(server.url, '/auth/register', body), 400, 'BAD_REQUEST');
  });

  it('a handle that is taken, leaving the first account as it was', async () => {
    const first = newTestAccount('taken');
    await register(server.url, first);
    const second = { ...newTestAccount('taken'), handle: first.handle };
    await expectRefused(
      () => post(server.url, '/auth/register', registrationBody(second)),
      409,
      'CONFLICT',
    );
    const stored = await server.store.accounts.findByHandle(first.handle);
    expect(stored?.signingKey).toEqual(first.identity.signing.publicKey);
  });

  it('an enrolment code that matches no enrolment', async () => {
    const body = registrationBody(newTestAccount('enrol'), {
      enrolmentCode: toBase64Url(new Uint8Array(20).fill(7)),
    });
    await expectRefused(() => post(server.url, '/auth/register', body), 403, 'FORBIDDEN');
  });
});

describe('compressed bodies', () => {
  // Bodies are at most 16 KiB: nothing needs compressing, and inflating before authentication
  // would be work (and memory) an anonymous caller could demand. Any Content-Encoding is refused.
  it.each(['gzip', 'deflate', 'br', 'x-unknown'])(
    'Content-Encoding: %s on an uncompressed body is BAD_REQUEST, not an error-level log line',
    async (encoding) => {
      const logsBefore = server.logs.length;
      await expectRefused(
        async () => {
          const response = await fetch(`${server.url}/auth/challenge`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-encoding': encoding },
            body: JSON.stringify({ handle: 'someone' }),
          });
          return { status: response.status, body: await response.json() };
        },
        400,
        'BAD_REQUEST',
      );
      const levels = server.logs
        .slice(logsBefore)
        .map((line) => (JSON.parse(line) as { level: number }).level);
      // pino levels: 30 info, 40 warn, 50 error, 60 fatal.
      expect(levels.every((level) => level <= 30)).toBe(true);
    },
  );
});

describe('login refuses bad input', () => {
  it.each([
    ['a malformed body', { handle: 'x' }],
    [
      'an unknown field',
      {
        handle: 'someone',
        challengeId: 'A'.repeat(22),
        signature: toBase64Url(new Uint8Array(64)),
        extra: 1,
      },
    ],
    [
      'a short signature',
      {
        handle: 'someone',
        challengeId: 'A'.repeat(22),
        signature: toBase64Url(new Uint8Array(63)),
      },
    ],
  ])('%s', async (_name, body) => {
    await expectRefused(() => post(server.url, '/auth/login', body), 400, 'BAD_REQUEST');
  });

  it('a bad signature, an unknown handle, a reused or foreign challenge: all 401, no session', async () => {
    const account = newTestAccount('login');
    await register(server.url, account);
    const sessions = ['sessions'];

    const issued = await challenge(server.url, account.handle);
    const wrongKey = loginBody(account.handle, ed25519KeyPair(), issued);
    await expectRefused(
      () => post(server.url, '/auth/login', wrongKey),
      401,
      'UNAUTHENTICATED',
      sessions,
    );

    // The challenge was consumed by that attempt: even the right signature cannot reuse it.
    const reused = loginBody(account.handle, account.auth, issued);
    await expectRefused(
      () => post(server.url, '/auth/login', reused),
      401,
      'UNAUTHENTICATED',
      sessions,
    );

    const unknown = await challenge(server.url, 'nobody.here');
    const ghost = loginBody('nobody.here', ed25519KeyPair(), unknown);
    await expectRefused(
      () => post(server.url, '/auth/login', ghost),
      401,
      'UNAUTHENTICATED',
      sessions,
    );

    const other = newTestAccount('other');
    await register(server.url, other);
    const foreign = await challenge(server.url, other.handle);
    const crossed = loginBody(account.handle, account.auth, foreign);
    await expectRefused(
      () => post(server.url, '/auth/login', crossed),
      401,
      'UNAUTHENTICATED',
      sessions,
    );
  });

  it('an expired challenge', async () => {
    const account = newTestAccount('late');
    await register(server.url, account);
    // Issued by the server's own key three minutes ago: genuine, but past its two minutes.
    const past = new Challenges({
      store: server.store,
      clock: { now: () => Date.now() - 3 * 60 * 1000 },
    });
    const issued = await past.issue(account.handle);
    const body = loginBody(account.handle, account.auth, {
      challengeId: issued.challengeId,
      nonce: toBase64Url(issued.nonce),
      salt: '',
    });
    await expectRefused(() => post(server.url, '/auth/login', body), 401, 'UNAUTHENTICATED');
  });

  it('a forged challenge id, and one issued for another handle', async () => {
    const account = newTestAccount('forged');
    await register(server.url, account);
    const real = await challenge(server.url, account.handle);
    const bytes = fromBase64Url(real.challengeId)!;
    bytes[bytes.length - 1]! ^= 1;
    const forged = loginBody(account.handle, account.auth, {
      ...real,
      challengeId: toBase64Url(bytes),
    });
    await expectRefused(() => post(server.url, '/auth/login', forged), 401, 'UNAUTHENTICATED');
    const other = newTestAccount('forged');
    await register(server.url, other);
    const foreign = loginBody(
      account.handle,
      account.auth,
      await challenge(server.url, other.handle),
    );
    await expectRefused(() => post(server.url, '/auth/login', foreign), 401, 'UNAUTHENTICATED');
    // Neither spent the real challenge: the right signature over it still logs in.
    const right = await post(
      server.url,
      '/auth/login',
      loginBody(account.handle, account.auth, real),
    );
    expect(right.status).toBe(200);
  });

  it('an unknown handle gets a challenge shaped like a real one, with a stable salt', async () => {
    const account = newTestAccount('real');
    await register(server.url, account);
    const real = await challenge(server.url, account.handle);
    const fake = await challenge(server.url, 'no.such.person');
    const fakeAgain = await challenge(server.url, 'no.such.person');
    expect(Object.keys(fake).sort()).toEqual(Object.keys(real).sort());
    expect(fake.salt.length).toBe(real.salt.length);
    expect(fake.nonce.length).toBe(real.nonce.length);
    expect(fakeAgain.salt).toBe(fake.salt);
    expect(fakeAgain.nonce).not.toBe(fake.nonce);
  });
});

describe('authenticated routes refuse bad tokens', () => {
  it.each([
    ['no authorization header', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['an unknown token', { authorization: `Bearer ${toBase64Url(new Uint8Array(32).fill(9))}` }],
    ['a token of the wrong length', { authorization: 'Bearer abc' }],
  ])('%s', async (_name, headers) => {
    await expectRefused(
      () => post(server.url, '/auth/logout-all', {}, headers),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('http basics', () => {
  it('serves health, readiness, the client page, and typed 404s without x-powered-by', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-powered-by')).toBeNull();
    const ready = await fetch(`${server.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Kolokol');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'"); // the web client's strict policy (web-client.ts)
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests'); // would break onion services
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no such route' },
    });
  });
});

describe('rate limits', () => {
  it('locks a handle after failed logins, known and unknown alike, but never for asking challenges or registering', async () => {
    const limited = await startTestServer({ KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE: '3' });
    try {
      const account = newTestAccount('locked');
      await register(limited.url, account);
      // Challenges alone do not count against the handle, and neither did the registration.
      for (let i = 0; i < 6; i += 1) await challenge(limited.url, account.handle);
      // Each failed login with a genuine challenge is a guess, and counts.
      for (const handle of [account.handle, 'nobody.at.all']) {
        for (let i = 0; i < 3; i += 1) {
          const issued = await challenge(limited.url, handle);
          const failed = await post(
            limited.url,
            '/auth/login',
            loginBody(handle, ed25519KeyPair(), issued),
          );
          expect(failed.status).toBe(401);
        }
        const issued = await challenge(limited.url, handle);
        const refused = await fetch(`${limited.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(loginBody(handle, ed25519KeyPair(), issued)),
        });
        expect(refused.status).toBe(429);
        expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
        // The handle's limiter says when: within its 15-minute window.
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(900);
      }
      // Locked means locked: during the window even the right key is refused, and no session is made.
      const before = limited.snapshot().sessions;
      const right = await post(
        limited.url,
        '/auth/login',
        loginBody(account.handle, account.auth, await challenge(limited.url, account.handle)),
      );
      expect(right.status).toBe(429);
      expect(limited.snapshot().sessions).toEqual(before);
      // Another handle is unaffected.
      const other = newTestAccount('free');
      await register(limited.url, other);
      expect(await login(limited.url, other)).toHaveLength(43);
    } finally {
      await limited.close();
    }
  });

  it('an address over its budget pays proof of work; it is never refused outright', async () => {
    const limited = await startTestServer({ KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '5' });
    try {
      for (let i = 0; i < 5; i += 1) {
        expect((await post(limited.url, '/auth/challenge', { handle: `someone${i}` })).status).toBe(
          200,
        );
      }
      const asked = await fetch(`${limited.url}/auth/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'someone.else' }),
      });
      expect(asked.status).toBe(429);
      expect(asked.headers.get('retry-after')).toBe('0');
      expect(await asked.json()).toMatchObject({ ok: false, error: { code: 'POW_REQUIRED' } });
      // Paying gets the challenge.
      expect((await challenge(limited.url, 'someone.else')).challengeId).toMatch(/^[\w-]{55}$/);
    } finally {
      await limited.close();
    }
  });
});
