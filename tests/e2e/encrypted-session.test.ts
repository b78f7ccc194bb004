// End to end over the real server: a volunteer verifies a moderator's certificate against the
// pinned root, fetches its prekey bundle, runs PQXDH, and the two exchange Double Ratchet
// messages through the server's mailbox — which stores none of the plaintext.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directMessageSchema,
  MAX_DIRECT_BODY_BYTES,
  toBase64Url,
  type DirectMessageWire,
} from '@kolokol/shared';
import {
  acceptSession,
  encodeRootPublicKey,
  equalBytes,
  fromUtf8,
  generateRootKey,
  initiateSession,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  publicIdentity,
  utf8,
  verifyModeratorDirectory,
  type Session,
} from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import {
  addDevice,
  connectDevice,
  fetchBundle,
  publishPrekeys,
  type TestDevice,
} from '../support/keys.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const root = generateRootKey();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(root.publicKey) });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

function nextPush(socket: ClientSocket): Promise<ReturnType<typeof directMessageSchema.parse>> {
  return new Promise((resolve) =>
    socket.once('direct.message', (m: DirectMessageWire) => resolve(directMessageSchema.parse(m))),
  );
}

/** Sends to the recipient's one device, at its device list's version 1. */
async function send(socket: ClientSocket, to: TestDevice, body: Uint8Array, clientId = newId()) {
  const ack = await call(socket, 'direct.send', {
    to: to.accountId,
    device: to.deviceId,
    deviceListVersion: 1,
    clientId,
    body: toBase64Url(body),
  });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.data;
}

async function storedBytes(): Promise<Buffer> {
  const parts = [Buffer.from(JSON.stringify(server.snapshot()))];
  for (const suffix of ['', '-wal'])
    parts.push(await readFile(server.dbFile + suffix).catch(() => Buffer.alloc(0)));
  return Buffer.concat(parts);
}

describe('an end-to-end-encrypted session through the server', () => {
  it('certificate → bundle → PQXDH → ratchet messages both ways, online and offline, no plaintext stored', async () => {
    // The moderator: enrolled, certified by the offline root, prekeys published.
    const mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    let modSocket = mod.socket;
    const certificate = issueModeratorCertificate(root.secretKey, {
      handle: mod.account.handle,
      moderator: publicIdentity(mod.account.identity),
      issuedAt: Date.now(),
      expiresAt: Date.now() + 86_400_000,
    });
    expect(
      await call(modSocket, 'certificates.publish', { certificate: toBase64Url(certificate) }),
    ).toMatchObject({ ok: true });
    const modPrekeys = await publishPrekeys(mod, 5);
    // The operator keeps a current (here: empty) revocation list published; clients require one.
    const admin = await enrolStaff(server, 'admin');
    const adminSocket = await connectWithToken(server.url, admin.token);
    const signer = generateRootKey();
    const revocations = issueRevocationStatement(
      signer.secretKey,
      issueRevocationSignerCertificate(root.secretKey, {
        signerKey: signer.publicKey,
        issuedAt: Date.now() - 1000,
        expiresAt: Date.now() + 30 * 24 * 3600 * 1000,
      }),
      { issuedAt: Date.now(), expiresAt: Date.now() + 48 * 3600 * 1000, revoked: [] },
    );
    expect(
      await call(adminSocket, 'revocations.publish', { revocationList: toBase64Url(revocations) }),
    ).toMatchObject({ ok: true });

    // The volunteer: trusts only the pinned root, and the moderator key that root certified.
    const vol = await addDevice(
      server.url,
      await registerAndLogin(server.url, 'vol', { role: 'volunteer' }),
    );
    const volSocket = vol.socket;
    await publishPrekeys(vol, 5);
    const listed = await call(volSocket, 'certificates.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const directory = verifyModeratorDirectory(
      { deployment: 'kolokol-test', rootPublicKey: root.publicKey, minRevocationIssuedAt: 0 },
      listed.data,
      { now: Date.now() },
    );
    const certified = directory.moderators.find((m) => m.accountId === mod.accountId)!.certificate;
    const bundle = await fetchBundle(volSocket, mod.accountId);
    expect(equalBytes(bundle.identity.signingKey, certified.moderator.signingKey)).toBe(true);
    expect(equalBytes(bundle.identity.exchangeKey, certified.moderator.exchangeKey)).toBe(true);

    // The moderator's device list is verified against the certified identity, not the server's word.
    const volSession: Session = initiateSession(
      vol.account.identity,
      bundle,
      certified.moderator,
      bundle.devices,
    );
    const secrets = [
      'Повестка пришла вчера, что делать?',
      'Second message: our address is Lenina 5',
      'third',
    ];

    // Online delivery: pushed as it is stored.
    const pushed = nextPush(modSocket);
    const firstSent = await send(volSocket, mod, volSession.encrypt(utf8(secrets[0]!), Date.now()));
    const first = await pushed;
    expect(first).toMatchObject({
      id: firstSent.id,
      from: vol.accountId,
      fromDevice: vol.deviceId,
    });
    const accepted = acceptSession(mod.account.identity, modPrekeys, first.body, Date.now());
    expect(fromUtf8(accepted.plaintext)).toBe(secrets[0]);
    const modSession = accepted.session;
    expect(
      equalBytes(modSession.remoteIdentity.signingKey, vol.account.identity.signing.publicKey),
    ).toBe(true);

    // The moderator answers; the volunteer decrypts.
    const reply = nextPush(volSocket);
    await send(
      modSocket,
      vol,
      modSession.encrypt(utf8('Мы поможем. Do not sign anything yet.'), Date.now()),
    );
    expect(fromUtf8(volSession.decrypt((await reply).body, Date.now()))).toBe(
      'Мы поможем. Do not sign anything yet.',
    );

    // Offline delivery: the moderator is away; messages wait, then arrive by fetch, in order.
    modSocket.close();
    const clientId = newId();
    const second = volSession.encrypt(utf8(secrets[1]!), Date.now());
    const sent = await send(volSocket, mod, second, clientId);
    const retried = await send(volSocket, mod, second, clientId);
    expect(retried).toEqual({ ...sent, duplicate: true });
    await send(volSocket, mod, volSession.encrypt(utf8(secrets[2]!), Date.now()));

    const stored = await storedBytes();
    for (const secret of [...secrets, 'Мы поможем'])
      expect(stored.includes(Buffer.from(secret))).toBe(false);

    modSocket = await connectDevice(server.url, mod.token, mod.prekeys);
    const fetched = await call(modSocket, 'direct.fetch', {});
    if (!fetched.ok) throw new Error(fetched.error.code);
    const waiting = fetched.data.messages.map((m) => directMessageSchema.parse(m));
    expect(waiting.map((m) => m.from)).toEqual([vol.accountId, vol.accountId, vol.accountId]);
    // The first (already decrypted) message is still unacknowledged; a replay of it is refused.
    expect(() => modSession.decrypt(waiting[0]!.body, Date.now())).toThrow();
    expect(waiting.slice(1).map((m) => fromUtf8(modSession.decrypt(m.body, Date.now())))).toEqual(
      secrets.slice(1),
    );

    const acked = await call(modSocket, 'direct.ack', { ids: waiting.map((m) => m.id) });
    expect(acked).toEqual({ ok: true, data: { deleted: 3 } });
    expect(await call(modSocket, 'direct.fetch', {})).toEqual({ ok: true, data: { messages: [] } });
  });
});

describe('direct messages refuse what they must and change nothing', () => {
  let mod: TestDevice;
  let modSocket: ClientSocket;
  let contact: TestDevice;
  let contactSocket: ClientSocket;
  let volunteer: TestDevice;
  /** A direct.send payload to `to`'s one device; `override` replaces fields. */
  const payload = (to: TestDevice, override: Record<string, unknown> = {}) => ({
    to: to.accountId,
    device: to.deviceId,
    deviceListVersion: 1,
    clientId: newId(),
    body: 'AAAA',
    ...override,
  });
  beforeAll(async () => {
    mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    modSocket = mod.socket;
    contact = await addDevice(server.url, await registerAndLogin(server.url, 'contact'));
    contactSocket = contact.socket;
    volunteer = await addDevice(
      server.url,
      await registerAndLogin(server.url, 'vol', { role: 'volunteer' }),
    );
  });

  it('no contact↔volunteer channel before a moderated match', async () => {
    await expectRefusedUnchanged(
      server,
      () => call(contactSocket, 'direct.send', payload(volunteer)),
      'NOT_FOUND',
    );
  });

  it('no message to oneself or to an unknown account', async () => {
    await expectRefusedUnchanged(
      server,
      () => call(modSocket, 'direct.send', payload(mod)),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(modSocket, 'direct.send', payload(contact, { to: newId() })),
      'NOT_FOUND',
    );
  });

  it.each([
    ['an empty body', { body: '' }, 'BAD_REQUEST'],
    ['a body that is not base64url', { body: 'not base64!' }, 'BAD_REQUEST'],
    ['a malformed clientId', { clientId: 'x' }, 'BAD_REQUEST'],
    [
      'a body over the limit',
      { body: 'A'.repeat(Math.ceil(((MAX_DIRECT_BODY_BYTES + 1) * 4) / 3) + 600) },
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown field', { priority: 'high' }, 'BAD_REQUEST'],
    ['no device', { device: undefined }, 'BAD_REQUEST'],
    ['no device list version', { deviceListVersion: undefined }, 'BAD_REQUEST'],
    ['a device list version of 0', { deviceListVersion: 0 }, 'BAD_REQUEST'],
    ['a stale device list version', { deviceListVersion: 2 }, 'DEVICE_LIST_CHANGED'],
    ['a device the recipient’s list does not name', { device: newId() }, 'DEVICE_LIST_CHANGED'],
  ])('%s', async (_name, override, code) => {
    await expectRefusedUnchanged(
      server,
      () => rawCall(modSocket, 'direct.send', payload(contact, override)),
      code,
    );
  });

  it('a clientId reused for another recipient', async () => {
    const clientId = newId();
    await send(modSocket, contact, new Uint8Array([1, 2, 3]), clientId);
    await expectRefusedUnchanged(
      server,
      () => call(modSocket, 'direct.send', payload(volunteer, { clientId, body: 'AQID' })),
      'CONFLICT',
    );
  });

  it('acknowledging someone else’s messages deletes nothing', async () => {
    const sent = await send(modSocket, contact, new Uint8Array([9]));
    const before = server.snapshot();
    expect(await call(modSocket, 'direct.ack', { ids: [sent.id] })).toEqual({
      ok: true,
      data: { deleted: 0 },
    });
    expect(server.snapshot()).toEqual(before);
  });
});
