// Devices with their own keys, through the real server (issue 7, "what it must show"): register
// on device A, add device B with what A's QR code gives it, message a peer from both (the peer
// encrypts to both devices and each decrypts its own), remove B — B's keys and sessions are
// refused — and the peer is told of each device-list change. Then every bad input gets its
// error and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  conversationMessageSchema,
  sessionRevokedSchema,
  toBase64Url,
  type ConversationMessageWire,
  type DevicesChanged,
  type SessionRevoked,
} from '@kolokol/shared';
import {
  CryptoError,
  PeerDevices,
  addDeviceToList,
  fromUtf8,
  generateDeviceKey,
  generateIdentity,
  parseRecoveryWords,
  publicIdentity,
  recoveryKit,
  recoveryWords,
  removeDeviceFromList,
  signDeviceList,
  utf8,
  type Identity,
  type VerifiedDeviceList,
} from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import {
  DEPLOYMENT,
  call,
  closeAllSockets,
  connect,
  connectWithToken,
  login,
  rawCall,
  registerAndLogin,
  waitForDisconnect,
  type ClientSocket,
} from '../support/client.js';
import {
  loginFromQrPayload,
  qrPayloadFromDevice,
  registerWithKit,
} from '../support/device-link.js';
import {
  addDevice,
  connectDevice,
  deviceListOf,
  fetchBundles,
  ownDeviceList,
  publishPrekeys,
  wireSigned,
  type LoggedIn,
  type TestDevice,
} from '../support/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const MAX_DEVICES = 3;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_MAX_DEVICES_PER_ACCOUNT: String(MAX_DEVICES) });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

function next<T>(
  socket: ClientSocket,
  event: 'conversations.message' | 'devices.changed' | 'session.revoked',
): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: unknown) => resolve(payload as T)));
}

/** One message into `conversation`: one envelope per device the sender encrypted for. */
async function send(
  from: ClientSocket,
  conversation: string,
  envelopes: readonly { deviceId: string; body: Uint8Array }[],
) {
  return call(from, 'conversations.send', {
    conversation,
    clientId: newId(),
    envelopes: envelopes.map((envelope) => ({
      device: envelope.deviceId,
      body: toBase64Url(envelope.body),
    })),
  });
}

/** A device's view of one peer, started from a fresh fetch of the peer's bundles. */
async function peerOf(
  device: TestDevice,
  peer: { accountId: string; identity: Identity },
): Promise<PeerDevices> {
  const fetched = await fetchBundles(device.socket, peer.accountId, {
    identity: publicIdentity(peer.identity),
  });
  const view = new PeerDevices(publicIdentity(peer.identity), fetched.devices);
  view.startSessions(device.account.identity, fetched.bundles);
  return view;
}

/** Delivers `envelope` to its device and decrypts it there, from `view` of the sender. */
async function receive(
  device: TestDevice,
  view: PeerDevices,
  sent: Promise<unknown>,
): Promise<string> {
  const pushed = next<ConversationMessageWire>(device.socket, 'conversations.message');
  expect(await sent).toMatchObject({ ok: true });
  return decryptOn(device, view, conversationMessageSchema.parse(await pushed));
}

/** A delivered message, decrypted on its device from `view` of the sender. */
function decryptOn(
  device: TestDevice,
  view: PeerDevices,
  message: { fromDevice: string; body: Uint8Array },
): string {
  return fromUtf8(
    view.decrypt(
      device.account.identity,
      device.prekeys,
      message.fromDevice,
      message.body,
      Date.now(),
    ),
  );
}

/**
 * Tables with a row that belongs to the device: everything but its (revoked) sessions and the
 * envelopes it sent before its removal, which their recipients still receive.
 */
function rowsOf(deviceId: string): string[] {
  const snapshot = server.snapshot();
  return Object.entries(snapshot).flatMap(([table, rows]) =>
    rows
      .map((row) => JSON.parse(String(row)) as Record<string, unknown>)
      .filter((row) => table !== 'sessions' && row.sender_device_id !== deviceId)
      .filter((row) => Object.values(row).includes(deviceId))
      .map(() => table),
  );
}

describe('an account with two devices, through the real server', () => {
  it('adds B by QR, messages a peer from both, removes B; B is refused and the peer is told each time', async () => {
    // Device A: the account is registered and its first device added (list v1).
    const alice = await registerWithKit(server.url, 'alice', 'volunteer');
    const a = await addDevice(server.url, alice);
    await publishPrekeys(a, 5, 5);
    const aliceIdentity = alice.account.identity;

    // The peer, a moderator with one device, starts a view of Alice's account: one device.
    const mod = await enrolStaff(server, 'moderator');
    const m = await addDevice(server.url, mod);
    await publishPrekeys(m, 5, 5);
    const modToAlice = await peerOf(m, { accountId: alice.accountId, identity: aliceIdentity });
    expect(modToAlice.list.version).toBe(1);
    expect(modToAlice.list.devices.map((d) => d.deviceId)).toEqual([a.deviceId]);
    const opened = await call(m.socket, 'conversations.open', { peer: alice.accountId });
    if (!opened.ok) throw new Error(opened.error.code);
    const talk = opened.data.conversation.id;

    // Device B: A shows a QR code; B logs in with it, opens the identity, adds itself (v2).
    const aToldOfB = next<DevicesChanged>(a.socket, 'devices.changed');
    const bLogin = await loginFromQrPayload(
      server.url,
      qrPayloadFromDevice(alice),
      alice.passphrase,
    );
    expect(bLogin.account.identity.signing.publicKey).toEqual(aliceIdentity.signing.publicKey);
    const b = await addDevice(server.url, bLogin);
    await publishPrekeys(b, 5, 5);
    expect(await aToldOfB).toEqual({ accountId: alice.accountId, version: 2 });

    // The peer, still on v1, is refused — it is told — and nothing is stored; it refetches.
    const stale = modToAlice.encrypt(utf8('only to A?'), Date.now());
    expect(stale.version).toBe(1);
    await expectRefusedUnchanged(
      server,
      () => send(m.socket, talk, stale.envelopes),
      'DEVICE_LIST_CHANGED',
    );
    const v2 = await fetchBundles(m.socket, alice.accountId, {
      identity: publicIdentity(aliceIdentity),
    });
    const added = modToAlice.update(v2.devices);
    expect(added.added.map((d) => d.deviceId)).toEqual([b.deviceId]);
    expect(added.removed).toEqual([]);
    expect(modToAlice.startSessions(m.account.identity, v2.bundles)).toEqual([b.deviceId]);

    // Both of Alice's devices write to the moderator, each with its own session.
    const modFromAlice = new PeerDevices(publicIdentity(aliceIdentity), v2.devices);
    const aToMod = await peerOf(a, { accountId: mod.accountId, identity: mod.account.identity });
    const bToMod = await peerOf(b, { accountId: mod.accountId, identity: mod.account.identity });
    for (const [device, view, text] of [
      [a, aToMod, 'from my phone'],
      [b, bToMod, 'from my laptop'],
    ] as const) {
      const fanOut = view.encrypt(utf8(text), Date.now());
      expect(fanOut.envelopes).toHaveLength(1);
      expect(await receive(m, modFromAlice, send(device.socket, talk, fanOut.envelopes))).toBe(
        text,
      );
    }

    // The moderator answers: one envelope per device of Alice's, each device decrypts its own.
    const fanOut = modToAlice.encrypt(utf8('Мы поможем'), Date.now());
    expect(fanOut.envelopes.map((e) => e.deviceId).sort()).toEqual([a.deviceId, b.deviceId].sort());
    const pushedA = next<ConversationMessageWire>(a.socket, 'conversations.message');
    const pushedB = next<ConversationMessageWire>(b.socket, 'conversations.message');
    expect(await send(m.socket, talk, fanOut.envelopes)).toMatchObject({ ok: true });
    for (const [device, view, pushed] of [
      [a, aToMod, pushedA],
      [b, bToMod, pushedB],
    ] as const) {
      const message = conversationMessageSchema.parse(await pushed);
      expect(message.fromDevice).toBe(m.deviceId);
      expect(decryptOn(device, view, message)).toBe('Мы поможем');
      // Each device is served its own envelope only (Alice's own messages went to the peer).
      const waiting = await call(device.socket, 'conversations.fetch', {
        conversation: talk,
        after: 0,
      });
      if (!waiting.ok) throw new Error(waiting.error.code);
      const served = waiting.data.messages.map((x) => conversationMessageSchema.parse(x));
      expect(served.map((x) => x.seq)).toEqual([message.seq]);
      expect(served[0]!.body).toEqual(message.body);
    }

    // B is lost: A signs the list without it (v3). B's sockets end at once; A is told.
    const bRevoked = next<SessionRevoked>(b.socket, 'session.revoked');
    const bGone = waitForDisconnect(b.socket);
    const aToldOfRemoval = next<DevicesChanged>(a.socket, 'devices.changed');
    const current = (await ownDeviceList(a.socket, alice))!;
    const removed = await call(a.socket, 'devices.remove', {
      deviceId: b.deviceId,
      list: toBase64Url(removeDeviceFromList(aliceIdentity, current, b.deviceId)),
    });
    expect(removed).toEqual({ ok: true, data: { version: 3 } });
    expect(sessionRevokedSchema.parse(await bRevoked)).toEqual({ reason: 'device_removed' });
    await bGone;
    expect(await aToldOfRemoval).toEqual({ accountId: alice.accountId, version: 3 });

    // B's prekeys and envelopes are gone from the store; its session and device are refused.
    expect(rowsOf(b.deviceId)).toEqual([]);
    // Each attempt is refused and changes nothing: B's token, with or without its device key,
    // and B's device key on a fresh login of the account (a new session may not become B).
    const freshToken = await login(server.url, alice.account);
    const refusedCode = (attempt: () => Promise<unknown>) =>
      expectUnchanged(server, () =>
        attempt().then(
          () => 'connected',
          (error: { data?: { code: string } }) => error.data?.code,
        ),
      );
    expect(await refusedCode(() => connectDevice(server.url, b.token, b.prekeys))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await refusedCode(() => connectWithToken(server.url, b.token))).toBe('UNAUTHENTICATED');
    expect(await refusedCode(() => connectDevice(server.url, freshToken, b.prekeys))).toBe(
      'UNAUTHENTICATED',
    );
    // B's prekeys, signed by its device key, pass for no other device either.
    await expectRefusedUnchanged(
      server,
      () =>
        call(a.socket, 'prekeys.set_signed', {
          signedPrekey: wireSigned(b.prekeys.currentSignedPrekey()!),
          kemPrekey: wireSigned(b.prekeys.currentKemPrekey()!),
        }),
      'BAD_REQUEST',
    );

    // The peer, on v2, is refused again (told), refetches and drops B; B's keys verify no more.
    const toB = modToAlice.encrypt(utf8('still there?'), Date.now());
    expect(toB.envelopes.map((e) => e.deviceId)).toContain(b.deviceId);
    await expectRefusedUnchanged(
      server,
      () => send(m.socket, talk, toB.envelopes),
      'DEVICE_LIST_CHANGED',
    );
    const v3 = await fetchBundles(m.socket, alice.accountId, {
      identity: publicIdentity(aliceIdentity),
    });
    expect(v3.bundles.map((x) => x.device.deviceId)).toEqual([a.deviceId]);
    const change = modToAlice.update(v3.devices);
    expect(change.removed.map((d) => d.deviceId)).toEqual([b.deviceId]);
    // A bundle of B's that the peer kept from before is refused against the new list.
    const oldBundleOfB = v2.bundles.find((x) => x.device.deviceId === b.deviceId)!;
    expect(() => modToAlice.startSessions(m.account.identity, [oldBundleOfB])).toThrow(CryptoError);
    const after = modToAlice.encrypt(utf8('to A only'), Date.now());
    expect(after.envelopes.map((e) => e.deviceId)).toEqual([a.deviceId]);
    expect(await receive(a, aToMod, send(m.socket, talk, after.envelopes))).toBe('to A only');
  });
});

describe('removing a lost device with the recovery kit', () => {
  it('a fresh login, a device of nobody, removes the lost phone; the phone ends at once', async () => {
    const owner = await registerWithKit(server.url, 'owner', 'volunteer');
    const phone = await addDevice(server.url, owner);
    await publishPrekeys(phone, 2, 2);
    const phoneRevoked = next<SessionRevoked>(phone.socket, 'session.revoked');
    // The recovery kit's words give the account key; with the passphrase, a login and the
    // identity, on a new browser that is no device yet.
    const kit = recoveryKit({
      deployment: DEPLOYMENT,
      handle: owner.account.handle,
      accountKey: parseRecoveryWords(recoveryWords(owner.accountKey).join(' ')),
    });
    const recovered = await loginFromQrPayload(server.url, kit.payload, owner.passphrase);
    const socket = await connectWithToken(server.url, recovered.token);
    const listed = (await ownDeviceList(socket, recovered))!;
    const removed = await call(socket, 'devices.remove', {
      deviceId: phone.deviceId,
      list: toBase64Url(removeDeviceFromList(recovered.account.identity, listed, phone.deviceId)),
    });
    expect(removed).toEqual({ ok: true, data: { version: 2 } });
    expect(await phoneRevoked).toEqual({ reason: 'device_removed' });
    expect(rowsOf(phone.deviceId)).toEqual([]);
    // The account has no device now; the recovered browser may add itself.
    expect((await ownDeviceList(socket, recovered))!.devices).toEqual([]);
    socket.close();
    const laptop = await addDevice(server.url, recovered);
    expect((await ownDeviceList(laptop.socket, recovered))!.devices.map((d) => d.deviceId)).toEqual(
      [laptop.deviceId],
    );
  });
});

describe('device changes refuse bad input and change nothing', () => {
  let owner: LoggedIn;
  let first: TestDevice;
  let bare: ClientSocket;
  let list: () => Promise<VerifiedDeviceList>;
  // Two reservations the refused lists below try to add (a refusal consumes none of them).
  let reserved: { deviceId: string; deviceKey: Uint8Array };
  let second: { deviceId: string; deviceKey: Uint8Array };

  beforeAll(async () => {
    owner = await registerAndLogin(server.url, 'owner', { role: 'volunteer' });
    first = await addDevice(server.url, owner);
    await publishPrekeys(first, 2);
    bare = await connectWithToken(server.url, await login(server.url, owner.account));
    list = async () => (await ownDeviceList(first.socket, owner))!;
    reserved = await reserve();
    second = await reserve();
  });

  async function reserve(socket = bare): Promise<{ deviceId: string; deviceKey: Uint8Array }> {
    const deviceKey = generateDeviceKey().publicKey;
    const ack = await call(socket, 'devices.reserve', { deviceKey: toBase64Url(deviceKey) });
    if (!ack.ok) throw new Error(ack.error.code);
    return { deviceId: ack.data.deviceId, deviceKey };
  }

  it('a stale list version', async () => {
    const current = await list();
    await expectRefusedUnchanged(
      server,
      () => call(bare, 'devices.add', { list: withDeviceSync(reserved, current, current.version) }),
      'CONFLICT',
    );
  });

  function withDeviceSync(
    reserved: { deviceId: string; deviceKey: Uint8Array },
    current: VerifiedDeviceList,
    version: number,
    identity: Identity = owner.account.identity,
  ): string {
    return toBase64Url(
      signDeviceList(identity, {
        accountId: owner.accountId,
        version,
        devices: [...current.devices, { ...reserved, addedAt: 1 }],
      }),
    );
  }

  it('a forged signature (another identity), or a list for another account', async () => {
    const current = await list();
    await expectRefusedUnchanged(
      server,
      () =>
        call(bare, 'devices.add', {
          list: withDeviceSync(reserved, current, current.version + 1, generateIdentity()),
        }),
      'BAD_REQUEST',
    );
    const otherAccount = toBase64Url(
      signDeviceList(owner.account.identity, {
        accountId: newId(),
        version: current.version + 1,
        devices: [...current.devices, { ...reserved, addedAt: 1 }],
      }),
    );
    await expectRefusedUnchanged(
      server,
      () => call(bare, 'devices.add', { list: otherAccount }),
      'BAD_REQUEST',
    );
  });

  it('a device that was never reserved, a key other than the reserved one, or two devices at once', async () => {
    const current = await list();
    const notReserved = { deviceId: newId(), deviceKey: generateDeviceKey().publicKey };
    await expectRefusedUnchanged(
      server,
      () =>
        call(bare, 'devices.add', {
          list: withDeviceSync(notReserved, current, current.version + 1),
        }),
      'NOT_FOUND',
    );
    const otherKey = { deviceId: reserved.deviceId, deviceKey: generateDeviceKey().publicKey };
    await expectRefusedUnchanged(
      server,
      () =>
        call(bare, 'devices.add', { list: withDeviceSync(otherKey, current, current.version + 1) }),
      'BAD_REQUEST',
    );
    const two = toBase64Url(
      signDeviceList(owner.account.identity, {
        accountId: owner.accountId,
        version: current.version + 1,
        devices: [...current.devices, { ...reserved, addedAt: 1 }, { ...second, addedAt: 1 }],
      }),
    );
    await expectRefusedUnchanged(
      server,
      () => call(bare, 'devices.add', { list: two }),
      'BAD_REQUEST',
    );
  });

  it(`more than ${MAX_DEVICES} devices`, async () => {
    const crowded = await registerAndLogin(server.url, 'crowded', { role: 'volunteer' });
    for (let i = 0; i < MAX_DEVICES; i += 1)
      await addDevice(server.url, { ...crowded, token: await login(server.url, crowded.account) });
    const socket = await connectWithToken(server.url, await login(server.url, crowded.account));
    const deviceKey = generateDeviceKey().publicKey;
    const reserved = await call(socket, 'devices.reserve', { deviceKey: toBase64Url(deviceKey) });
    if (!reserved.ok) throw new Error(reserved.error.code);
    const current = (await ownDeviceList(socket, crowded))!;
    expect(current.devices).toHaveLength(MAX_DEVICES);
    const over = addDeviceToList(crowded.account.identity, current, {
      accountId: crowded.accountId,
      deviceId: reserved.data.deviceId,
      deviceKey,
      addedAt: Date.now(),
    });
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'devices.add', { list: toBase64Url(over) }),
      'FORBIDDEN',
    );
  });

  it('removing an unknown device, or a list that removes another one than named', async () => {
    const current = await list();
    const stranger = newId();
    const sameList = toBase64Url(
      signDeviceList(owner.account.identity, {
        accountId: owner.accountId,
        version: current.version + 1,
        devices: current.devices,
      }),
    );
    await expectRefusedUnchanged(
      server,
      () => call(first.socket, 'devices.remove', { deviceId: stranger, list: sameList }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(first.socket, 'devices.remove', { deviceId: first.deviceId, list: sameList }),
      'BAD_REQUEST',
    );
  });

  it('a socket that is a device may not reserve; one that is not may not touch prekeys or conversation messages', async () => {
    await expectRefusedUnchanged(
      server,
      () =>
        call(first.socket, 'devices.reserve', {
          deviceKey: toBase64Url(generateDeviceKey().publicKey),
        }),
      'FORBIDDEN',
    );
    for (const [event, payload] of [
      ['prekeys.status', {}],
      ['conversations.fetch', { conversation: newId(), after: 0 }],
      ['prekeys.fetch', { accountId: owner.accountId }],
    ] as const) {
      await expectRefusedUnchanged(server, () => rawCall(bare, event, payload), 'FORBIDDEN');
    }
    await expectRefusedUnchanged(
      server,
      () =>
        call(bare, 'devices.reserve', { deviceKey: toBase64Url(new Uint8Array(32).fill(0xff)) }),
      'BAD_REQUEST',
    );
  });

  it('a handshake naming a device without its key, another account’s device, or none for a bound session', async () => {
    const refused = async (auth: Record<string, unknown>) => {
      await expectUnchanged(server, async () => {
        const error = await connect(server.url, auth).then(
          () => undefined,
          (e: { data?: { code: string } }) => e,
        );
        expect(error?.data?.code).toBe('UNAUTHENTICATED');
      });
    };
    const forged = { id: first.deviceId, signature: toBase64Url(new Uint8Array(64)) };
    const token = await login(server.url, owner.account);
    await refused({ token, protocol: PROTOCOL_VERSION, device: forged });
    const other = await registerAndLogin(server.url, 'other', { role: 'volunteer' });
    const otherDevice = await addDevice(server.url, other);
    await refused({
      token,
      protocol: PROTOCOL_VERSION,
      device: {
        id: otherDevice.deviceId,
        signature: toBase64Url(otherDevice.prekeys.signSession(token)),
      },
    });
    // first.token's session is bound to `first`: it must name it.
    await refused({ token: first.token, protocol: PROTOCOL_VERSION });
  });

  it('too many reservations waiting', async () => {
    const busy = await registerAndLogin(server.url, 'busy', { role: 'volunteer' });
    const socket = await connectWithToken(server.url, busy.token);
    for (let i = 0; i < 3; i += 1) await reserve(socket);
    await expectRefusedUnchanged(
      server,
      () =>
        call(socket, 'devices.reserve', { deviceKey: toBase64Url(generateDeviceKey().publicKey) }),
      'RATE_LIMITED',
    );
  });

  it('the owner’s own list, and a peer’s only across a channel', async () => {
    const own = await call(bare, 'devices.list', {});
    expect(own).toMatchObject({ ok: true, data: { accountId: owner.accountId } });
    const contact = await registerAndLogin(server.url, 'contact');
    const contactSocket = await connectWithToken(server.url, contact.token);
    await expectRefusedUnchanged(
      server,
      () => call(contactSocket, 'devices.list', { accountId: owner.accountId }),
      'NOT_FOUND',
    );
    const mod = await enrolStaff(server, 'moderator');
    const modSocket = await connectWithToken(server.url, mod.token);
    const seen = await deviceListOf(
      modSocket,
      owner.accountId,
      publicIdentity(owner.account.identity),
    );
    expect(seen?.devices.map((d) => d.deviceId)).toContain(first.deviceId);
    // A fresh account has no list yet.
    expect(await call(contactSocket, 'devices.list', {})).toEqual({
      ok: true,
      data: { accountId: contact.accountId, list: null },
    });
  });

  it('after all of that, a good list still adds the reserved device (version may skip ahead)', async () => {
    const current = await list();
    const ack = await call(bare, 'devices.add', {
      list: withDeviceSync(reserved, current, current.version + 5),
    });
    expect(ack).toEqual({ ok: true, data: { version: current.version + 5 } });
  });
});
