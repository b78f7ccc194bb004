// End to end over the real server: a volunteer verifies a moderator's certificate against the
// pinned root, fetches its prekey bundle, runs PQXDH, and the two exchange Double Ratchet
// messages through a conversation on the server — which stores none of the plaintext.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationMessageSchema,
  MAX_ENVELOPE_BYTES,
  toBase64Url,
  type ConversationMessageWire,
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
import { envelopeBody } from '../support/conversations.js';
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

function nextPush(
  socket: ClientSocket,
): Promise<ReturnType<typeof conversationMessageSchema.parse>> {
  return new Promise((resolve) =>
    socket.once('conversations.message', (m: ConversationMessageWire) =>
      resolve(conversationMessageSchema.parse(m)),
    ),
  );
}

/** Opens (or finds) the conversation between the socket's account and `peer`. */
async function openWith(socket: ClientSocket, peer: TestDevice): Promise<string> {
  const opened = await call(socket, 'conversations.open', { peer: peer.accountId });
  if (!opened.ok) throw new Error(`open failed: ${opened.error.code}`);
  return opened.data.conversation.id;
}

/** Sends one envelope, to the recipient's one device. */
async function send(
  socket: ClientSocket,
  conversation: string,
  to: TestDevice,
  body: Uint8Array,
  clientId = newId(),
) {
  const ack = await call(socket, 'conversations.send', {
    conversation,
    clientId,
    envelopes: [{ device: to.deviceId, body: toBase64Url(body) }],
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

    // The volunteer opens a conversation with the moderator (staff may talk with anyone).
    // Staff start conversations with everyone else (the volunteer's own open finds none before).
    expect(await call(volSocket, 'conversations.open', { peer: mod.accountId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const talk = await openWith(modSocket, vol);
    expect(await openWith(volSocket, mod)).toBe(talk);

    // Online delivery: pushed as it is stored.
    const pushed = nextPush(modSocket);
    const firstSent = await send(
      volSocket,
      talk,
      mod,
      volSession.encrypt(utf8(secrets[0]!), Date.now()),
    );
    const first = await pushed;
    expect(first).toMatchObject({
      conversation: talk,
      seq: firstSent.seq,
      from: vol.accountId,
      fromDevice: vol.deviceId,
    });
    expect(firstSent.seq).toBe(1);
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
      talk,
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
    const sent = await send(volSocket, talk, mod, second, clientId);
    // A retry (the ack was lost) returns the first ack and stores nothing new.
    const retried = await send(volSocket, talk, mod, second, clientId);
    expect(retried).toEqual(sent);
    await send(volSocket, talk, mod, volSession.encrypt(utf8(secrets[2]!), Date.now()));

    const stored = await storedBytes();
    for (const secret of [...secrets, 'Мы поможем'])
      expect(stored.includes(Buffer.from(secret))).toBe(false);

    modSocket = await connectDevice(server.url, mod.token, mod.prekeys);
    // The moderator's device acknowledged nothing yet: everything after 0 waits, its own
    // reply (seq 2) is for the volunteer's device and not among them.
    const fetched = await call(modSocket, 'conversations.fetch', { conversation: talk, after: 0 });
    if (!fetched.ok) throw new Error(fetched.error.code);
    const waiting = fetched.data.messages.map((m) => conversationMessageSchema.parse(m));
    expect(waiting.map((m) => m.from)).toEqual([vol.accountId, vol.accountId, vol.accountId]);
    expect(waiting.map((m) => m.seq)).toEqual([1, 3, 4]);
    // The first (already decrypted) message is still unacknowledged; a replay of it is refused.
    expect(() => modSession.decrypt(waiting[0]!.body, Date.now())).toThrow();
    expect(waiting.slice(1).map((m) => fromUtf8(modSession.decrypt(m.body, Date.now())))).toEqual(
      secrets.slice(1),
    );

    const acked = await call(modSocket, 'conversations.ack', { conversation: talk, seq: 4 });
    expect(acked).toEqual({ ok: true, data: { ackedSeq: 4 } });
    expect(await call(modSocket, 'conversations.fetch', { conversation: talk, after: 0 })).toEqual({
      ok: true,
      data: { messages: [] },
    });
  });
});

describe('conversation sends refuse what they must and change nothing', () => {
  let mod: TestDevice;
  let modSocket: ClientSocket;
  let contact: TestDevice;
  let contactSocket: ClientSocket;
  let volunteer: TestDevice;
  let talk: string;
  /** A conversations.send payload to the contact's one device; `override` replaces fields. */
  const payload = (override: Record<string, unknown> = {}) => ({
    conversation: talk,
    clientId: newId(),
    envelopes: [{ device: contact.deviceId, body: envelopeBody() }],
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
    talk = await openWith(modSocket, contact);
  });

  it('no contact↔volunteer channel before a moderated match', async () => {
    await expectRefusedUnchanged(
      server,
      () => call(contactSocket, 'conversations.open', { peer: volunteer.accountId }),
      'NOT_FOUND',
    );
  });

  it('no conversation with oneself or with an unknown account', async () => {
    await expectRefusedUnchanged(
      server,
      () => call(modSocket, 'conversations.open', { peer: mod.accountId }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(modSocket, 'conversations.open', { peer: newId() }),
      'NOT_FOUND',
    );
  });

  it.each([
    ['an empty body', { envelopes: [{ device: newId(), body: '' }] }, 'BAD_REQUEST'],
    [
      'a body that is not base64url',
      { envelopes: [{ device: newId(), body: 'not base64!' }] },
      'BAD_REQUEST',
    ],
    ['a malformed clientId', { clientId: 'x' }, 'BAD_REQUEST'],
    [
      'a body over the largest envelope',
      {
        envelopes: [
          { device: newId(), body: 'A'.repeat(Math.ceil(((MAX_ENVELOPE_BYTES + 1) * 4) / 3)) },
        ],
      },
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown field', { priority: 'high' }, 'BAD_REQUEST'],
    ['no envelopes', { envelopes: [] }, 'BAD_REQUEST'],
    ['an envelope without a device', { envelopes: [{ body: envelopeBody() }] }, 'BAD_REQUEST'],
    ['no conversation', { conversation: undefined }, 'BAD_REQUEST'],
    ['an unknown conversation', { conversation: newId() }, 'NOT_FOUND'],
    [
      'a device the recipient’s list does not name',
      { envelopes: [{ device: newId(), body: envelopeBody() }] },
      'DEVICE_LIST_CHANGED',
    ],
  ])('%s', async (_name, override, code) => {
    await expectRefusedUnchanged(
      server,
      () => rawCall(modSocket, 'conversations.send', payload(override)),
      code,
    );
  });

  it('acknowledging someone else’s conversation deletes nothing', async () => {
    const sent = await sendTo(modSocket);
    await expectRefusedUnchanged(
      server,
      () => call(volunteer.socket, 'conversations.ack', { conversation: talk, seq: sent.seq }),
      'NOT_FOUND',
    );
  });

  async function sendTo(socket: ClientSocket) {
    const ack = await call(socket, 'conversations.send', payload());
    if (!ack.ok) throw new Error(ack.error.code);
    return ack.data;
  }
});
