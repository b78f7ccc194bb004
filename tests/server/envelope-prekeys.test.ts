// Envelope prekeys over the real server: a moderator publishes its identity-signed X-Wing prekey,
// a contact reads it with the moderator directory (certificates.list), verifies it against the
// root-certified identity and seals request details to it; a moderator fetches a volunteer's
// prekey and shares the envelope. Every refused upload names its code and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  XWING_PUBLIC_KEY_WIRE_BYTES,
  envelopePrekeyResultSchema,
  toBase64Url,
  toEnvelopePrekeyWire,
} from '@kolokol/shared';
import {
  ENVELOPE_PREKEY_LIFETIME_MS,
  EnvelopePrekeyStore,
  XWING_PUBLIC_KEY_BYTES,
  addEnvelopeRecipient,
  encodeRootPublicKey,
  envelopeRecipients,
  generateEnvelopePrekey,
  generateIdentity,
  generateRootKey,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  openEnvelope,
  publicIdentity,
  sealEnvelope,
  sign,
  utf8,
  verifyModeratorDirectory,
  type EnvelopePrekey,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Clock } from '../../server/src/domain/clock.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import {
  DEPLOYMENT,
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const DAY = 24 * 3600 * 1000;
const root = generateRootKey();
const signer = generateRootKey();
let offset = 0;
const clock: Clock = { now: () => Date.now() + offset };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(
    { KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(root.publicKey) },
    { clock },
  );
  // A fresh revocation statement, as the operator's daily routine publishes it.
  const admin = await enrolStaff(server, 'admin');
  const socket = await connectWithToken(server.url, admin.token);
  const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
    signerKey: signer.publicKey,
    issuedAt: Date.now() - DAY,
    expiresAt: Date.now() + 30 * DAY,
  });
  const statement = issueRevocationStatement(signer.secretKey, signerCertificate, {
    issuedAt: Date.now() - 60_000,
    expiresAt: Date.now() + DAY,
    revoked: [],
  });
  const published = await call(socket, 'revocations.publish', {
    revocationList: toBase64Url(statement),
  });
  expect(published).toMatchObject({ ok: true });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

interface Member {
  readonly identity: Identity;
  readonly accountId: string;
  readonly socket: ClientSocket;
  readonly store: EnvelopePrekeyStore;
}

async function moderator(): Promise<Member> {
  const enrolled = await enrolStaff(server, 'moderator');
  const socket = await connectWithToken(server.url, enrolled.token);
  const certificate = issueModeratorCertificate(root.secretKey, {
    handle: enrolled.account.handle,
    moderator: publicIdentity(enrolled.account.identity),
    issuedAt: Date.now() - 60_000,
    expiresAt: Date.now() + 30 * DAY,
  });
  expect(
    await call(socket, 'certificates.publish', { certificate: toBase64Url(certificate) }),
  ).toMatchObject({ ok: true });
  return member(enrolled.account.identity, enrolled.accountId, socket);
}

async function selfRegistered(role: 'contact' | 'volunteer'): Promise<Member> {
  const registered = await registerAndLogin(server.url, role, { role });
  const socket = await connectWithToken(server.url, registered.token);
  return member(registered.account.identity, registered.accountId, socket);
}

function member(identity: Identity, accountId: string, socket: ClientSocket): Member {
  return { identity, accountId, socket, store: new EnvelopePrekeyStore() };
}

async function publish(who: Member, now = clock.now()): Promise<EnvelopePrekey> {
  const prekey = who.store.rotate(who.identity, now);
  const ack = await call(who.socket, 'envelope_prekeys.publish', {
    prekey: toEnvelopePrekeyWire(prekey),
  });
  expect(ack).toEqual({ ok: true, data: {} });
  return prekey;
}

async function directory(reader: Member) {
  const ack = await call(reader.socket, 'certificates.list', {});
  if (!ack.ok) throw new Error(ack.error.code);
  return verifyModeratorDirectory(
    { deployment: DEPLOYMENT, rootPublicKey: root.publicKey, minRevocationIssuedAt: 0 },
    JSON.parse(JSON.stringify(ack.data)),
    { now: clock.now() },
  );
}

describe('envelope_prekeys.publish and the moderator directory', () => {
  it('a contact seals request details to the prekeys the directory verifies; each moderator opens them', async () => {
    const anna = await moderator();
    const boris = await moderator();
    await publish(anna);
    await publish(boris);
    const contact = await selfRegistered('contact');

    const listed = await directory(contact);
    const recipients = envelopeRecipients(listed).filter((r) =>
      [anna, boris].some((m) => Buffer.compare(m.identity.signing.publicKey, r.signingKey) === 0),
    );
    expect(recipients).toHaveLength(2);
    const context = utf8('request:e2e');
    const details = utf8('Повестка пришла вчера; нужен юрист.');
    const envelope = sealEnvelope(details, contact.identity, recipients, {
      context,
      now: clock.now(),
    });
    for (const reader of [anna, boris]) {
      const opened = openEnvelope(envelope, reader.store.openingKeys(), {
        context,
        expectedSenderSigningKey: contact.identity.signing.publicKey,
      });
      expect(opened.plaintext).toEqual(details);
    }
  });

  it('keeps only the newest prekey: a rotation replaces it, the old one cannot come back', async () => {
    const anna = await moderator();
    const first = await publish(anna);
    const second = await publish(anna, first.createdAt + 1000);
    const contact = await selfRegistered('contact');
    const mine = (await directory(contact)).moderators.find((m) => m.accountId === anna.accountId);
    expect(mine?.envelopePrekey).toEqual(second);
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'envelope_prekeys.publish', { prekey: toEnvelopePrekeyWire(first) }),
      'CONFLICT',
    );
    // The same prekey again is answered as the first time and changes nothing.
    const again = await expectUnchanged(server, () =>
      call(anna.socket, 'envelope_prekeys.publish', { prekey: toEnvelopePrekeyWire(second) }),
    );
    expect(again).toEqual({ ok: true, data: {} });
  });

  it('lists an expired prekey as null, so nothing is sealed to it', async () => {
    const anna = await moderator();
    const now = clock.now();
    const shortLived = generateEnvelopePrekey(anna.identity, { id: 11, now, lifetimeMs: 60_000 });
    expect(
      await call(anna.socket, 'envelope_prekeys.publish', {
        prekey: toEnvelopePrekeyWire(shortLived),
      }),
    ).toMatchObject({ ok: true });
    offset += 61_000;
    try {
      const contact = await selfRegistered('contact');
      const ack = await call(contact.socket, 'certificates.list', {});
      if (!ack.ok) throw new Error(ack.error.code);
      const entry = ack.data.certificates.find((c) => c.accountId === anna.accountId);
      expect(entry).toBeDefined();
      expect(entry!.envelopePrekey).toBeNull();
    } finally {
      offset -= 61_000;
    }
  });

  it('refuses, changing nothing: a prekey not signed by the caller, expired, not yet valid, or claiming too long a validity', async () => {
    const anna = await moderator();
    const now = clock.now();
    const other = generateIdentity();
    // Properly signed by anna, so only the validity rule can refuse it.
    const resigned = (fields: Omit<EnvelopePrekey, 'signature'>): EnvelopePrekey => ({
      ...fields,
      signature: signEnvelopePrekey(anna.identity, fields),
    });
    const good = generateEnvelopePrekey(anna.identity, { id: 21, now });
    // The helper signs exactly what the library signs (Ed25519 is deterministic).
    expect(signEnvelopePrekey(anna.identity, good)).toEqual(good.signature);
    const cases: [string, EnvelopePrekey][] = [
      ['signed by another identity', generateEnvelopePrekey(other, { id: 22, now })],
      ['a signed field changed', { ...good, expiresAt: good.expiresAt - 1 }],
      [
        'expired',
        generateEnvelopePrekey(anna.identity, { id: 23, now: now - 2 * DAY, lifetimeMs: DAY }),
      ],
      [
        'made an hour ahead',
        generateEnvelopePrekey(anna.identity, { id: 24, now: now + 3600_000 }),
      ],
      [
        'valid longer than 14 days',
        resigned({
          id: 25,
          publicKey: good.publicKey,
          createdAt: now,
          expiresAt: now + ENVELOPE_PREKEY_LIFETIME_MS + 1,
        }),
      ],
    ];
    for (const [what, prekey] of cases) {
      const answer = await expectUnchanged(server, () =>
        call(anna.socket, 'envelope_prekeys.publish', { prekey: toEnvelopePrekeyWire(prekey) }),
      );
      expect(answer, what).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    const tooLong = await call(anna.socket, 'envelope_prekeys.publish', {
      prekey: toEnvelopePrekeyWire(cases[4]![1]),
    });
    expect(tooLong.ok ? '' : tooLong.error.message).toContain('validity');
  });

  it('refuses malformed payloads with BAD_REQUEST, oversized ones with PAYLOAD_TOO_LARGE, and contacts with FORBIDDEN', async () => {
    const anna = await moderator();
    const good = toEnvelopePrekeyWire(
      generateEnvelopePrekey(anna.identity, { id: 31, now: clock.now() }),
    );
    const malformed: unknown[] = [
      {},
      { prekey: { ...good, id: 0 } },
      { prekey: { ...good, id: 2 ** 32 } },
      { prekey: { ...good, publicKey: good.publicKey.slice(4) } },
      { prekey: { ...good, signature: 'AAAA' } },
      { prekey: { ...good, createdAt: -1 } },
      { prekey: { ...good, expiresAt: 1.5 } },
      { prekey: { ...good, extra: 1 } },
      { prekey: good, extra: 1 },
      { prekey: { id: good.id, publicKey: good.publicKey } },
      'prekey',
    ];
    for (const payload of malformed) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(anna.socket, 'envelope_prekeys.publish', payload),
        'BAD_REQUEST',
      );
    }
    await expectRefusedUnchanged(
      server,
      () =>
        rawCall(anna.socket, 'envelope_prekeys.publish', {
          prekey: { ...good, publicKey: 'A'.repeat(5000) },
        }),
      'PAYLOAD_TOO_LARGE',
    );
    const contact = await selfRegistered('contact');
    const contactPrekey = generateEnvelopePrekey(contact.identity, { id: 32, now: clock.now() });
    await expectRefusedUnchanged(
      server,
      () =>
        call(contact.socket, 'envelope_prekeys.publish', {
          prekey: toEnvelopePrekeyWire(contactPrekey),
        }),
      'FORBIDDEN',
    );
  });

  it('pins the wire size of an X-Wing public key to libsodium’s', () => {
    expect(XWING_PUBLIC_KEY_WIRE_BYTES).toBe(XWING_PUBLIC_KEY_BYTES);
  });
});

describe('envelope_prekeys.fetch and sharing with a matched volunteer', () => {
  it('a moderator fetches the volunteer’s prekey, verifies it and adds the volunteer; the volunteer opens and sees who added it', async () => {
    const anna = await moderator();
    await publish(anna);
    const volunteer = await selfRegistered('volunteer');
    await publish(volunteer);
    const contact = await selfRegistered('contact');
    const context = utf8('request:shared');
    const details = utf8('Нужна помощь с документами для убежища.');
    const recipients = envelopeRecipients(await directory(contact)).filter(
      (r) => Buffer.compare(r.signingKey, anna.identity.signing.publicKey) === 0,
    );
    const stored = sealEnvelope(details, contact.identity, recipients, {
      context,
      now: clock.now(),
    });

    const ack = await call(anna.socket, 'envelope_prekeys.fetch', {
      accountId: volunteer.accountId,
    });
    if (!ack.ok) throw new Error(ack.error.code);
    const fetched = envelopePrekeyResultSchema.parse(ack.data);
    // The moderator checks the signing key against the one it pinned when vetting the volunteer.
    expect(fetched.signingKey).toEqual(volunteer.identity.signing.publicKey);
    const shared = addEnvelopeRecipient(
      stored,
      { identity: anna.identity, keys: anna.store.openingKeys() },
      { signingKey: volunteer.identity.signing.publicKey, prekey: fetched.prekey },
      { context, now: clock.now() },
    );
    const opened = openEnvelope(shared, volunteer.store.openingKeys(), {
      context,
      expectedSenderSigningKey: contact.identity.signing.publicKey,
    });
    expect(opened.plaintext).toEqual(details);
    expect(opened.addedBy).toEqual(anna.identity.signing.publicKey);
  });

  it('answers NOT_FOUND alike for no account, no prekey, a suspended account and oneself; FORBIDDEN to non-staff', async () => {
    const anna = await moderator();
    await publish(anna);
    const silent = await selfRegistered('volunteer');
    const suspended = await selfRegistered('volunteer');
    await publish(suspended);
    await server.store.accounts.suspend(suspended.accountId, Date.now());
    for (const accountId of [
      'AAAAAAAAAAAAAAAAAAAAAA',
      silent.accountId,
      suspended.accountId,
      anna.accountId,
    ]) {
      await expectRefusedUnchanged(
        server,
        () => call(anna.socket, 'envelope_prekeys.fetch', { accountId }),
        'NOT_FOUND',
      );
    }
    const volunteer = await selfRegistered('volunteer');
    const contact = await selfRegistered('contact');
    for (const caller of [volunteer, contact]) {
      await expectRefusedUnchanged(
        server,
        () => call(caller.socket, 'envelope_prekeys.fetch', { accountId: anna.accountId }),
        'FORBIDDEN',
      );
    }
    await expectRefusedUnchanged(
      server,
      () => rawCall(anna.socket, 'envelope_prekeys.fetch', { accountId: 'x' }),
      'BAD_REQUEST',
    );
  });
});

/** Signs an envelope prekey's fields as docs/crypto.md §6.1 describes (for a prekey the library would not make). */
function signEnvelopePrekey(
  identity: Identity,
  fields: Pick<EnvelopePrekey, 'id' | 'publicKey' | 'createdAt' | 'expiresAt'>,
): Uint8Array {
  const u64 = (value: number) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
    return bytes;
  };
  const u32 = (value: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    return bytes;
  };
  const field = (bytes: Uint8Array) => Buffer.concat([u32(bytes.length), bytes]);
  const message = Buffer.concat([
    field(utf8('kolokol/v1/envelope-prekey')),
    field(u32(fields.id)),
    field(u64(fields.createdAt)),
    field(u64(fields.expiresAt)),
    field(fields.publicKey),
  ]);
  return sign(identity.signing.secretKey, message);
}
