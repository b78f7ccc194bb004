// Prekey upload and fetch over the real server: signatures checked against the uploading
// device's key, one-time prekeys (X25519 and ML-KEM) consumed atomically per device, low supply
// announced, bad keys refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ONE_TIME_KEM_PREKEYS_STORED,
  MAX_ONE_TIME_PREKEYS_STORED,
  ONE_TIME_PREKEYS_LOW_WATER,
  conversationMessageSchema,
  toBase64Url,
  type ConversationMessageWire,
} from '@kolokol/shared';
import {
  PeerDevices,
  acceptSession,
  fromUtf8,
  generateDeviceKey,
  generateKemPrekey,
  generateOneTimeKemPrekey,
  generateOneTimePrekeys,
  generateSignedPrekey,
  MLKEM768_PUBLIC_KEY_BYTES,
  publicIdentity,
  utf8,
  verifyPrekeyBundle,
} from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  login,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import {
  addDevice,
  fetchBundle,
  fetchBundles,
  publishPrekeys,
  wireOneTime,
  wireSigned,
} from '../support/keys.js';
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
  return addDevice(server.url, await registerAndLogin(server.url, 'vol', { role: 'volunteer' }));
}

async function moderator() {
  return addDevice(server.url, await enrolStaff(server, 'moderator'));
}

describe('prekeys', () => {
  it('the wire size of an ML-KEM-768 key matches libsodium', async () => {
    const { MLKEM768_PUBLIC_KEY_WIRE_BYTES } = await import('@kolokol/shared');
    expect(MLKEM768_PUBLIC_KEY_WIRE_BYTES).toBe(MLKEM768_PUBLIC_KEY_BYTES);
  });

  it('publishes a bundle that a moderator fetches, verifies, and that consumes one one-time prekey', async () => {
    const owner = await volunteer();
    const store = await publishPrekeys(owner, 3);
    expect(await call(owner.socket, 'prekeys.status', {})).toEqual({
      ok: true,
      data: {
        oneTimeRemaining: 3,
        oneTimeKemRemaining: 0,
        signedPrekeyId: store.currentSignedPrekey()!.id,
      },
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
    await publishPrekeys(owner, 25);
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
    await publishPrekeys(owner, ONE_TIME_PREKEYS_LOW_WATER, 20);
    const low = new Promise<number>((resolve) =>
      owner.socket.once('prekeys.low', (e) => resolve(e.oneTimeRemaining)),
    );
    await fetchBundle((await moderator()).socket, owner.accountId);
    expect(await low).toBe(ONE_TIME_PREKEYS_LOW_WATER - 1);
  });

  it('serves bundles only across a channel a moderator is part of', async () => {
    const owner = await volunteer();
    await publishPrekeys(owner, 2);
    const contact = await addDevice(server.url, await registerAndLogin(server.url, 'contact'));
    const contactSocket = contact.socket;
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
    // A device but no signed prekeys uploaded yet, or no device at all: the same answer.
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'prekeys.fetch', { accountId: contact.accountId }),
      'NOT_FOUND',
    );
    const deviceless = await registerAndLogin(server.url, 'contact');
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'prekeys.fetch', { accountId: deviceless.accountId }),
      'NOT_FOUND',
    );
    // A device the target's list does not name: the same answer.
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'prekeys.fetch', { accountId: owner.accountId, deviceId: newId() }),
      'NOT_FOUND',
    );
    // A contact may fetch a moderator's bundle (a vetting or moderation channel).
    await publishPrekeys(mod, 1);
    expect(verifyPrekeyBundle(await fetchBundle(contactSocket, mod.accountId))).toBe(true);
  });
});

describe('devices keep their own prekeys', () => {
  it('a second device’s upload leaves the first device’s prekeys as they were; a fetch serves both', async () => {
    const first = await volunteer();
    await publishPrekeys(first, 3);
    const second = await addDevice(server.url, {
      ...first,
      token: await login(server.url, first.account),
    });
    await publishPrekeys(second, 2);
    expect(await call(first.socket, 'prekeys.status', {})).toMatchObject({
      ok: true,
      data: { oneTimeRemaining: 3, signedPrekeyId: first.prekeys.currentSignedPrekey()!.id },
    });
    const mod = await moderator();
    const { devices, bundles } = await fetchBundles(mod.socket, first.accountId, {
      identity: publicIdentity(first.account.identity),
    });
    expect(devices.version).toBe(2);
    expect(bundles.map((b) => b.device.deviceId).sort()).toEqual(
      [first.deviceId, second.deviceId].sort(),
    );
    for (const bundle of bundles) {
      expect(verifyPrekeyBundle(bundle)).toBe(true);
      const own = bundle.device.deviceId === first.deviceId ? first : second;
      expect(bundle.signedPrekey).toEqual(own.prekeys.currentSignedPrekey());
      expect(own.prekeys.oneTimePrekey(bundle.oneTimePrekey!.id)).toBeDefined();
    }
    // Each pool gave one one-time prekey.
    expect(await call(first.socket, 'prekeys.status', {})).toMatchObject({
      data: { oneTimeRemaining: 2 },
    });
    expect(await call(second.socket, 'prekeys.status', {})).toMatchObject({
      data: { oneTimeRemaining: 1 },
    });
  });
});

describe('one-time KEM prekeys through the server', () => {
  it('are handed out once each, used by PQXDH, and gone on both sides; then the last-resort one serves', async () => {
    const owner = await volunteer();
    await publishPrekeys(owner, 0, 2);
    const mod = await moderator();
    const first = await fetchBundle(mod.socket, owner.accountId);
    const second = await fetchBundle(mod.socket, owner.accountId);
    const third = await fetchBundle(mod.socket, owner.accountId);
    expect(first.oneTimeKemPrekey).toBeDefined();
    expect(second.oneTimeKemPrekey).toBeDefined();
    expect(second.oneTimeKemPrekey!.id).not.toBe(first.oneTimeKemPrekey!.id);
    expect(third.oneTimeKemPrekey).toBeUndefined();
    expect(third.kemPrekey).toEqual(owner.prekeys.currentKemPrekey());
    expect(await call(owner.socket, 'prekeys.status', {})).toMatchObject({
      data: { oneTimeKemRemaining: 0 },
    });
    // The server's copy is gone; the owner's private half goes once a handshake used it.
    const ownerRows = server
      .snapshot()
      .one_time_kem_prekeys!.filter((row) => String(row).includes(owner.deviceId));
    expect(ownerRows).toEqual([]);
    const used = first.oneTimeKemPrekey!.id;
    expect(owner.prekeys.oneTimeKemPrekey(used)).toBeDefined();
    const view = new PeerDevices(publicIdentity(owner.account.identity), first.devices);
    view.startSessions(mod.account.identity, [first]);
    const fanOut = view.encrypt(utf8('pq'), Date.now());
    const pushed = new Promise<ConversationMessageWire>((resolve) =>
      owner.socket.once('conversations.message', resolve),
    );
    const opened = await call(mod.socket, 'conversations.open', { peer: owner.accountId });
    if (!opened.ok) throw new Error(opened.error.code);
    const sent = await call(mod.socket, 'conversations.send', {
      conversation: opened.data.conversation.id,
      clientId: newId(),
      envelopes: fanOut.envelopes.map((envelope) => ({
        device: envelope.deviceId,
        body: toBase64Url(envelope.body),
      })),
    });
    expect(sent).toMatchObject({ ok: true });
    const message = conversationMessageSchema.parse(await pushed);
    const accepted = acceptSession(owner.account.identity, owner.prekeys, message.body, Date.now());
    expect(fromUtf8(accepted.plaintext)).toBe('pq');
    expect(owner.prekeys.oneTimeKemPrekey(used)).toBeUndefined();
    expect(() =>
      acceptSession(owner.account.identity, owner.prekeys, message.body, Date.now()),
    ).toThrow();
  });

  it('refuses keys not signed as one-time KEM prekeys by the device, repeats, and more than the server keeps', async () => {
    const owner = await volunteer();
    await publishPrekeys(owner, 0, 1);
    const [stored] = owner.prekeys.addOneTimeKemPrekeys(1);
    expect(
      await call(owner.socket, 'prekeys.add_one_time_kem', { prekeys: [wireSigned(stored!)] }),
    ).toMatchObject({ ok: true, data: { oneTimeKemRemaining: 2 } });
    const cases = [
      [
        'signed by another device key',
        [generateOneTimeKemPrekey(generateDeviceKey(), 5).publicPrekey],
        'BAD_REQUEST',
      ],
      [
        'a last-resort KEM prekey offered as one-time',
        [generateKemPrekey(owner.deviceKey, 6).publicPrekey],
        'BAD_REQUEST',
      ],
      [
        'an id already stored',
        [generateOneTimeKemPrekey(owner.deviceKey, stored!.id).publicPrekey],
        'CONFLICT',
      ],
    ] as const;
    for (const [, prekeys, code] of cases) {
      await expectRefusedUnchanged(
        server,
        () => call(owner.socket, 'prekeys.add_one_time_kem', { prekeys: prekeys.map(wireSigned) }),
        code,
      );
    }
    const full = await volunteer();
    await publishPrekeys(full, 0, MAX_ONE_TIME_KEM_PREKEYS_STORED);
    await expectRefusedUnchanged(
      server,
      () =>
        call(full.socket, 'prekeys.add_one_time_kem', {
          prekeys: [wireSigned(generateOneTimeKemPrekey(full.deviceKey, 1).publicPrekey)],
        }),
      'BAD_REQUEST',
    );
  });
});

describe('bundle fetch budget', () => {
  it('limits fetches per (caller, target) and per caller, refusing without consuming anything', async () => {
    const budget = await startTestServer({
      KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: '2',
      KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR: '3',
    });
    try {
      const owner = await addDevice(
        budget.url,
        await registerAndLogin(budget.url, 'vol', { role: 'volunteer' }),
      );
      const ownerSocket = owner.socket;
      await publishPrekeys(owner, 10);
      const other = await addDevice(
        budget.url,
        await registerAndLogin(budget.url, 'vol', { role: 'volunteer' }),
      );
      await publishPrekeys(other, 10);
      const drainer = await addDevice(budget.url, await enrolStaff(budget, 'moderator'));
      const socket = drainer.socket;
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
    const store = await publishPrekeys(owner, 0);
    const [stored] = store.addOneTimePrekeys(1);
    storedId = stored!.id;
    expect(
      await call(owner.socket, 'prekeys.add_one_time', { prekeys: wireOneTime([stored!]) }),
    ).toMatchObject({ ok: true });
  });
  const identity = () => owner.deviceKey;
  const stranger = generateDeviceKey();

  it.each([
    [
      'a signed prekey signed by another device key',
      () => ({
        signedPrekey: wireSigned(generateSignedPrekey(stranger, 9).publicPrekey),
        kemPrekey: wireSigned(generateKemPrekey(identity(), 10).publicPrekey),
      }),
      'BAD_REQUEST',
    ],
    [
      'a KEM prekey signed by another device key',
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
    await publishPrekeys(full, MAX_ONE_TIME_PREKEYS_STORED);
    const more = wireOneTime(generateOneTimePrekeys(100_000, 1).publicPrekeys);
    await expectRefusedUnchanged(
      server,
      () => call(full.socket, 'prekeys.add_one_time', { prekeys: more }),
      'BAD_REQUEST',
    );
  });
});
