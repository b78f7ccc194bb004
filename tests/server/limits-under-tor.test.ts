// Authentication limits that hold behind Tor, where every client — the attacker and the people
// they want to lock out alike — arrives from 127.0.0.1 (as here). Budgets per address only make
// people pay proof of work; a flood raises the effort for everyone but locks nobody out;
// registrations have a global budget; a handle's login budget counts only real guesses at its key.
import { afterEach, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { ed25519KeyPair, solvePuzzle } from '@kolokol/shared/crypto';
import { BASE_POW_EFFORT } from '../../server/src/domain/auth-limits.js';
import {
  challenge,
  login,
  loginBody,
  newTestAccount,
  post,
  register,
  registrationBody,
  solvePow,
} from '../support/client.js';
import { testServers } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const servers = testServers();
afterEach(async () => {
  await servers.closeAll();
});

/** A POST with its status, body and Retry-After header. */
async function send(url: string, route: string, body: unknown) {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { ok: boolean; error?: { code: string } },
  };
}

async function puzzleEffort(url: string): Promise<number> {
  const response = await post<{ effort: number }>(url, '/auth/puzzle', {});
  if (!response.body.ok) throw new Error(response.body.error.code);
  return response.body.data.effort;
}

describe('a flood from the shared Tor address', () => {
  it('no longer locks an honest user out of login: they pay the proof of work asked for and get in', async () => {
    // Production-like budgets (the defaults are 100 per address and 120 per minute).
    const server = await servers.start({
      KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '100',
      KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '20',
      KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE: '20',
    });
    const honest = newTestAccount('honest');
    await register(server.url, honest);

    // The attacker: 300 challenges and 100 logins with made-up challenges, paying nothing.
    const codes = new Map<string, number>();
    for (let i = 0; i < 400; i += 1) {
      const answer =
        i % 4 === 3
          ? await send(server.url, '/auth/login', {
              handle: honest.handle,
              challengeId: 'A'.repeat(55),
              signature: toBase64Url(new Uint8Array(64)),
            })
          : await send(server.url, '/auth/challenge', { handle: `flood${i}` });
      const code = answer.body.ok ? 'ok' : answer.body.error!.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 'POW_REQUIRED') expect(answer.retryAfter).toBe('0');
    }
    // Past the calm level nothing more is served for free, and nobody is told RATE_LIMITED.
    expect(codes.get('ok') ?? 0).toBeLessThanOrEqual(25);
    expect(codes.get('POW_REQUIRED')).toBeGreaterThan(250);
    expect(codes.get('RATE_LIMITED')).toBeUndefined();

    // The honest user, from the same address, pays and logs in.
    const token = await login(server.url, honest);
    expect(fromBase64Url(token)).toHaveLength(32);
    // The effort rose with the load (≈ 400 requests against a calm level of 20).
    expect(await puzzleEffort(server.url)).toBeGreaterThanOrEqual(8 * BASE_POW_EFFORT);
  }, 60_000);

  it('asks nothing while calm, and an effort that rises with the load', async () => {
    const server = await servers.start({ KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '10' });
    expect(await puzzleEffort(server.url)).toBe(1);
    const efforts: number[] = [];
    for (let i = 1; i <= 80; i += 1) {
      await send(server.url, '/auth/challenge', { handle: `load${i}` });
      if ([10, 11, 20, 40, 80].includes(i)) efforts.push(await puzzleEffort(server.url));
    }
    // At the calm level nothing; just past it the base effort; then doubling with the load.
    expect(efforts).toEqual([
      1,
      BASE_POW_EFFORT,
      2 * BASE_POW_EFFORT,
      4 * BASE_POW_EFFORT,
      8 * BASE_POW_EFFORT,
    ]);
  });

  it('refuses an unpaid, forged, wrong or replayed proof of work and changes nothing', async () => {
    const server = await servers.start({ KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '1' });
    await send(server.url, '/auth/challenge', { handle: 'first.free' });
    const account = newTestAccount('payer');
    const body = registrationBody(account);
    const before = server.snapshot();

    const unpaid = await send(server.url, '/auth/register', body);
    expect(unpaid).toMatchObject({ status: 429, retryAfter: '0' });
    expect(unpaid.body).toMatchObject({ ok: false, error: { code: 'POW_REQUIRED' } });

    const paid = await solvePow(server.url);
    const forgedPuzzle = fromBase64Url(paid.puzzle)!;
    forgedPuzzle[44]! ^= 1; // the MAC's last byte
    const forged = { puzzle: toBase64Url(forgedPuzzle), nonce: paid.nonce };
    const wrongNonce = { ...paid, nonce: toBase64Url(new Uint8Array(8).fill(0xff)) };
    for (const pow of [forged, wrongNonce]) {
      const refused = await send(server.url, '/auth/register', { ...body, pow });
      expect(refused.body).toMatchObject({ ok: false, error: { code: 'POW_REQUIRED' } });
    }
    // (A nonce of all ones almost never solves; if it did, the right one below would be spent.)
    expect(solvePuzzle(forgedPuzzle, 1)).toHaveLength(8);
    expect(server.snapshot()).toEqual(before);

    const accepted = await send(server.url, '/auth/register', { ...body, pow: paid });
    expect(accepted.status).toBe(201);
    const replayed = await send(server.url, '/auth/challenge', { handle: 'x.y.z', pow: paid });
    expect(replayed.body).toMatchObject({ ok: false, error: { code: 'POW_REQUIRED' } });
  });
});

describe('registrations', () => {
  it('have a global budget: a flood gets RATE_LIMITED with Retry-After, failed attempts use none of it, enrolment codes are exempt', async () => {
    const server = await servers.start({ KOLOKOL_REGISTRATIONS_PER_HOUR: '3' });
    const first = newTestAccount('budget');
    await register(server.url, first);
    // Taken handles and bad proofs are refused without using the budget.
    for (let i = 0; i < 5; i += 1) {
      const taken = await send(
        server.url,
        '/auth/register',
        registrationBody({ ...newTestAccount('budget'), handle: first.handle }),
      );
      expect(taken.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const badProof = await send(server.url, '/auth/register', {
        ...registrationBody(newTestAccount('budget')),
        handle: `other${i}.budget`,
      });
      expect(badProof.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    await register(server.url, newTestAccount('budget'));
    await register(server.url, newTestAccount('budget'));

    const before = server.snapshot();
    const flooded = await send(
      server.url,
      '/auth/register',
      registrationBody(newTestAccount('budget')),
    );
    expect(flooded.status).toBe(429);
    expect(flooded.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(Number(flooded.retryAfter)).toBeGreaterThan(0);
    expect(Number(flooded.retryAfter)).toBeLessThanOrEqual(3600);
    expect(server.snapshot()).toEqual(before);

    // A moderator redeeming the operator's code is not self-registration.
    const staff = await enrolStaff(server, 'moderator');
    expect(staff.token).toHaveLength(43);
  });
});

describe("a handle's login budget", () => {
  const env = { KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE: '3' };

  it('is not spent by registrations of the handle: 19 CONFLICTs later its owner still logs in', async () => {
    const server = await servers.start(env);
    const owner = newTestAccount('owner');
    await register(server.url, owner);
    for (let i = 0; i < 19; i += 1) {
      const squatter = await send(
        server.url,
        '/auth/register',
        registrationBody({ ...newTestAccount('squat'), handle: owner.handle }),
      );
      expect(squatter.body).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    }
    expect(await login(server.url, owner)).toHaveLength(43);
  });

  it('is not spent by logins with forged or replayed challenges, which guess nothing', async () => {
    const server = await servers.start(env);
    const owner = newTestAccount('owner');
    await register(server.url, owner);
    const spent = await challenge(server.url, owner.handle);
    await post(server.url, '/auth/login', loginBody(owner.handle, ed25519KeyPair(), spent));
    for (let i = 0; i < 10; i += 1) {
      const forged = { ...spent, challengeId: `${'B'.repeat(54)}${i}` };
      for (const issued of [forged, spent]) {
        const answer = await send(
          server.url,
          '/auth/login',
          loginBody(owner.handle, ed25519KeyPair(), issued),
        );
        expect(answer.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      }
    }
    expect(await login(server.url, owner)).toHaveLength(43);
  });

  it("is reset by its owner's successful login, and by nothing else", async () => {
    const server = await servers.start(env);
    const owner = newTestAccount('owner');
    await register(server.url, owner);
    const guess = async () => {
      const issued = await challenge(server.url, owner.handle);
      return send(server.url, '/auth/login', loginBody(owner.handle, ed25519KeyPair(), issued));
    };
    // Two wrong guesses, the owner logs in (reset), two more: never three in a row, never locked.
    for (let round = 0; round < 3; round += 1) {
      expect((await guess()).status).toBe(401);
      expect((await guess()).status).toBe(401);
      expect(await login(server.url, owner)).toHaveLength(43);
    }
    // Three in a row lock it, Retry-After and all, even for the owner.
    for (let i = 0; i < 3; i += 1) expect((await guess()).status).toBe(401);
    const locked = await guess();
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    await expect(login(server.url, owner)).rejects.toThrow('RATE_LIMITED');
  });
});
