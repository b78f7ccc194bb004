// Prekey upload and fetch over the real server: signatures checked against the owner's
// identity, one-time prekeys consumed atomically, low supply announced, bad keys refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ONE_TIME_PREKEYS_STORED,
  ONE_TIME_PREKEYS_LOW_WATER,
  toBase64Url,
} from '@kolokol/shared';
import {
  generateIdentity,
  generateKemPrekey,
  generateOneTimePrekeys,
  generateSignedPrekey,
  MLKEM768_PUBLIC_KEY_BYTES,
  verifyPrekeyBundle,
} from '@kolokol/shared/crypto';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { fetchBundle, publishPrekeys, wireOneTime, wireSigned } from '../support/keys.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function volunteer() {
  const registered = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
  return { ...registered, socket: await connectWithToken(server.url, registered.token) };
}

async function moderator() {
  const enrolled = await enrolStaff(server, 'moderator');
  return { ...enrolled, socket: await connectWithToken(server.url, enrolled.token) };
}

describe('prekeys', () => {
  it('the wire size of an ML-KEM-768 key matches libsodium', async () => {
    const { MLKEM768_PUBLIC_KEY_WIRE_BYTES } = await import('@kolokol/shared');
    expect(MLKEM768_PUBLIC_KEY_WIRE_BYTES).toBe(MLKEM768_PUBLIC_KEY_BYTES);
  });

  it('publishes a bundle that a moderator fetches, verifies, and that consumes one one-time prekey', async () => {
    const owner = await volunteer();
    const store = await publishPrekeys(owner.socket, owner.account, 3);
    expect(await call(owner.socket, 'prekeys.status', {})).toEqual({
      ok: true,
      data: { oneTimeRemaining: 3, signedPrekeyId: store.currentSignedPrekey()!.id },
    });
    const mod = await moderator();
    const bundle = await fetchBundle(mod.socket, owner.accountId);
    expect(verifyPrekeyBundle(bundle)).toBe(true);
    expect(bundle.identity.signingKey).toEqual(owner.account.identity.signing.publicKey);
    // One the owner holds privately (ids are random, so they say nothing of how many were made).
    expect(store.oneTimePrekey(bundle.oneTimePrekey!.id)?.keyPair.publicKey).toEqual(
      bundle.oneTimePrekey!.publicKey,
    );
    expect(await call(owner.socket, 'prekeys.status', {})).toMatchObject({
      ok: true,
      data: { oneTimeRemaining: 2 },
    });
  });

  it('never hands the same one-time prekey to two concurrent fetchers; without any left, still serves a bundle', async () => {
    const owner = await volunteer();
    await publishPrekeys(owner.socket, owner.account, 25);
    const fetchers: ClientSocket[] = [
      (await moderator()).socket,
      (await moderator()).socket,
      (await moderator()).socket,
    ];
    const bundles = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fetchBundle(fetchers[i % 3]!, owner.accountId)),
    );
    const ids = bundles.flatMap((b) => (b.oneTimePrekey ? [b.oneTimePrekey.id] : []));
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    const signedOnly = bundles.filter((b) => !b.oneTimePrekey);
    expect(signedOnly).toHaveLength(5);
    expect(signedOnly.every(verifyPrekeyBundle)).toBe(true);
  });

  it(`tells the owner when fewer than ${ONE_TIME_PREKEYS_LOW_WATER} one-time prekeys are left`, async () => {
    const owner = await volunteer();
    await publishPrekeys(owner.socket, owner.account, ONE_TIME_PREKEYS_LOW_WATER);
    const low = new Promise<number>((resolve) =>
      owner.socket.once('prekeys.low', (e) => resolve(e.oneTimeRemaining)),
    );
    await fetchBundle((await moderator()).socket, owner.accountId);
    expect(await low).toBe(ONE_TIME_PREKEYS_LOW_WATER - 1);
  });

  it('serves bundles only across a channel a moderator is part of', async () => {
    const owner = await volunteer();
    await publishPrekeys(owner.socket, owner.account, 2);
    const contact = await registerAndLogin(server.url, 'contact');
    const contactSocket = await connectWithToken(server.url, contact.token);
    await expectRefusedUnchanged(
      server,
      () => call(contactSocket, 'prekeys.fetch', { accountId: owner.accountId }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(owner.socket, 'prekeys.fetch', { accountId: owner.accountId }),
      'NOT_FOUND',
    );
    const mod = await moderator();
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'prekeys.fetch', { accountId: 'A'.repeat(22) }),
      'NOT_FOUND',
    );
    // No signed prekeys uploaded yet: the same answer.
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'prekeys.fetch', { accountId: contact.accountId }),
      'NOT_FOUND',
    );
    // A contact may fetch a moderator's bundle (a vetting or moderation channel).
    await publishPrekeys(mod.socket, mod.account, 1);
    expect(verifyPrekeyBundle(await fetchBundle(contactSocket, mod.accountId))).toBe(true);
  });
});

describe('bundle fetch budget', () => {
  it('limits fetches per (caller, target) and per caller, refusing without consuming anything', async () => {
    const budget = await startTestServer({
      KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: '2',
      KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR: '3',
    });
    try {
      const owner = await registerAndLogin(budget.url, 'vol', { role: 'volunteer' });
      const ownerSocket = await connectWithToken(budget.url, owner.token);
      await publishPrekeys(ownerSocket, owner.account, 10);
      const other = await registerAndLogin(budget.url, 'vol', { role: 'volunteer' });
      await publishPrekeys(await connectWithToken(budget.url, other.token), other.account, 10);
      const drainer = await enrolStaff(budget, 'moderator');
      const socket = await connectWithToken(budget.url, drainer.token);
      await fetchBundle(socket, owner.accountId);
      await fetchBundle(socket, owner.accountId);
      const before = budget.snapshot();
      expect(await call(socket, 'prekeys.fetch', { accountId: owner.accountId })).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      expect(budget.snapshot()).toEqual(before);
      await fetchBundle(socket, other.accountId); // third fetch: the caller's last
      expect(await call(socket, 'prekeys.fetch', { accountId: other.accountId })).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      expect(await call(ownerSocket, 'prekeys.status', {})).toMatchObject({
        ok: true,
        data: { oneTimeRemaining: 8 },
      });
    } finally {
      closeAllSockets();
      await budget.close();
    }
  });
});

describe('prekey uploads refuse bad keys and change nothing', () => {
  let owner: Awaited<ReturnType<typeof volunteer>>;
  let storedId = 0;
  beforeAll(async () => {
    owner = await volunteer();
    const store = await publishPrekeys(owner.socket, owner.account, 0);
    const [stored] = store.addOneTimePrekeys(1);
    storedId = stored!.id;
    expect(
      await call(owner.socket, 'prekeys.add_one_time', { prekeys: wireOneTime([stored!]) }),
    ).toMatchObject({ ok: true });
  });
  const identity = () => owner.account.identity;
  const stranger = generateIdentity();

  it.each([
    [
      'a signed prekey signed by another identity',
      () => ({
        signedPrekey: wireSigned(generateSignedPrekey(stranger, 9).publicPrekey),
        kemPrekey: wireSigned(generateKemPrekey(identity(), 10).publicPrekey),
      }),
      'BAD_REQUEST',
    ],
    [
      'a KEM prekey signed by another identity',
      () => ({
        signedPrekey: wireSigned(generateSignedPrekey(identity(), 9).publicPrekey),
        kemPrekey: wireSigned(generateKemPrekey(stranger, 10).publicPrekey),
      }),
      'BAD_REQUEST',
    ],
    [
      'a signed prekey whose signature does not match its id',
      () => {
        const signed = wireSigned(generateSignedPrekey(identity(), 9).publicPrekey);
        return {
          signedPrekey: { ...signed, id: 99 },
          kemPrekey: wireSigned(generateKemPrekey(identity(), 10).publicPrekey),
        };
      },
      'BAD_REQUEST',
    ],
    [
      'a 31-byte signed prekey',
      () => {
        const signed = wireSigned(generateSignedPrekey(identity(), 9).publicPrekey);
        return {
          signedPrekey: { ...signed, publicKey: toBase64Url(new Uint8Array(31)) },
          kemPrekey: wireSigned(generateKemPrekey(identity(), 10).publicPrekey),
        };
      },
      'BAD_REQUEST',
    ],
    [
      'a truncated KEM key',
      () => {
        const kem = wireSigned(generateKemPrekey(identity(), 10).publicPrekey);
        return {
          signedPrekey: wireSigned(generateSignedPrekey(identity(), 9).publicPrekey),
          kemPrekey: { ...kem, publicKey: kem.publicKey.slice(0, 100) },
        };
      },
      'BAD_REQUEST',
    ],
    [
      'a negative id',
      () => {
        const signed = wireSigned(generateSignedPrekey(identity(), 9).publicPrekey);
        return {
          signedPrekey: { ...signed, id: -1 },
          kemPrekey: wireSigned(generateKemPrekey(identity(), 10).publicPrekey),
        };
      },
      'BAD_REQUEST',
    ],
  ] as const)('set_signed: %s', async (_name, payload, code) => {
    await expectRefusedUnchanged(
      server,
      () => rawCall(owner.socket, 'prekeys.set_signed', payload()),
      code,
    );
  });

  it.each([
    [
      'an all-zero (low-order) key',
      () => [{ id: 500, publicKey: toBase64Url(new Uint8Array(32)) }],
      'BAD_REQUEST',
    ],
    [
      'repeated ids in one upload',
      () =>
        wireOneTime(generateOneTimePrekeys(600, 2).publicPrekeys).map((p) => ({ ...p, id: 600 })),
      'BAD_REQUEST',
    ],
    [
      'an id already stored (all or none)',
      () =>
        wireOneTime([
          ...generateOneTimePrekeys(700, 3).publicPrekeys,
          ...generateOneTimePrekeys(storedId, 1).publicPrekeys,
        ]),
      'CONFLICT',
    ],
    ['an empty list', () => [], 'BAD_REQUEST'],
    [
      'more than 100 at once',
      () => wireOneTime(generateOneTimePrekeys(800, 101).publicPrekeys),
      'BAD_REQUEST',
    ],
  ] as const)('add_one_time: %s', async (_name, prekeys, code) => {
    await expectRefusedUnchanged(
      server,
      () => rawCall(owner.socket, 'prekeys.add_one_time', { prekeys: prekeys() }),
      code,
    );
  });

  it(`refuses to hold more than ${MAX_ONE_TIME_PREKEYS_STORED} one-time prekeys`, async () => {
    const full = await volunteer();
    await publishPrekeys(full.socket, full.account, MAX_ONE_TIME_PREKEYS_STORED);
    const more = wireOneTime(generateOneTimePrekeys(100_000, 1).publicPrekeys);
    await expectRefusedUnchanged(
      server,
      () => call(full.socket, 'prekeys.add_one_time', { prekeys: more }),
      'BAD_REQUEST',
    );
  });
});
