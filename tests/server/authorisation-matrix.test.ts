// The authorisation matrix (issue 8): every socket event in shared's `clientEvents` × every role,
// and owner / not owner (or the kind of socket) where that matters, with the result the real
// server must answer. An event without a row fails this test, so a new event cannot ship without
// someone deciding who may call it.
//
// The router parses the payload before it checks the role (docs/protocol.md, "Every event": 7
// schema, 8 role), so every payload here is schema-valid: a refused role then gets FORBIDDEN, and
// an allowed one reaches the handler — which answers OK for a payload that is valid all the way
// down, or its own code (BAD_REQUEST for a bad signature, NOT_FOUND for an unknown id) where a
// valid one would take a ceremony unrelated to authorisation. Either way each cell names one
// code, so each can fail. Every FORBIDDEN changes nothing.
//
// The matches and the approval are the exception: their rows act on real matches and a real
// pending proposal, made by the whole pipeline (tests/support/matching.ts) with the matrix's own
// staff — the moderator and admin actors hold envelope prekeys the requests' details are sealed
// to, the moderator actor vets and approves, and the volunteer actor is vetted too so that it can
// own matches.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_OFFER_CAPACITY,
  ROLES,
  clientEvents,
  fromBase64Url,
  toBase64Url,
  type ClientEventName,
  type ErrorCode,
  type ProposalState,
  type Role,
  toEnvelopePrekeyWire,
} from '@kolokol/shared';
import {
  encodeRootPublicKey,
  generateDeviceKey,
  generateEnvelopePrekey,
  generateRootKey,
  issueAuditStatement,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  publicIdentity,
  randomBytes,
  sealIdentityBackup,
  signDeviceList,
  verifyDeviceList,
  x25519KeyPair,
} from '@kolokol/shared/crypto';
import { expectRefusedUnchanged } from '../support/assertions.js';
import {
  backupPutPayload,
  call,
  closeAllSockets,
  connectWithToken,
  login,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import {
  addDevice,
  connectDevice,
  publishPrekeys,
  wireSigned,
  type LoggedIn,
  type TestDevice,
} from '../support/keys.js';
import {
  approvalBy,
  approved,
  approvedPair,
  bytes,
  contactWithRequest,
  freshLanguage,
  pendingEntry,
  publishEnvelopePrekey,
  vettedVolunteer,
  type Board,
  type Moderator,
} from '../support/matching.js';
import { offerInput, requestInput, wireRequest } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

type Outcome = 'OK' | ErrorCode;

/** A member of a role: a device (its session is bound to it) and a second session bound to none. */
interface Actor extends TestDevice {
  readonly role: Role;
  readonly bareToken: string;
}

/** The accounts rows act on besides the caller. */
interface Fixtures {
  readonly actors: Readonly<Record<Role, Actor>>;
  /** Each actor's conversation with the staff peer, holding one message for the actor's device. */
  readonly conversations: Readonly<Record<Role, string>>;
  /** The staff peer's conversation with the contact peer (foreign to every actor), one message in it. */
  readonly foreignConversation: string;
  /** A moderator with prekeys: a channel anyone may open. */
  readonly staffPeer: TestDevice;
  /** A contact with prekeys and a request. */
  readonly contactPeer: TestDevice & { readonly requestId: string };
  /** A volunteer with an offer and an envelope prekey. */
  readonly volunteerPeer: TestDevice;
  /** Matches between other accounts (a vetted volunteer and a contact): one approved, one accepted. */
  readonly others: { readonly approved: OtherMatch; readonly accepted: OtherMatch };
}

interface OtherMatch {
  readonly id: string;
  readonly volunteerId: string;
  readonly contactId: string;
}

interface Row {
  /** What distinguishes this row from the event's others (owner / not owner, socket kind, …). */
  readonly case: string;
  /** The socket the call is made on: acting as the caller's device (default) or as none. */
  readonly socket?: 'device' | 'bare';
  readonly payload: (caller: Actor, fixtures: Fixtures) => unknown;
  readonly expect: Readonly<Record<Role, Outcome>>;
  /** Checked after each call: what a refusal or a no-op must have left alone. */
  readonly after?: (fixtures: Fixtures) => Promise<void>;
}

const ALL_OK: Readonly<Record<Role, Outcome>> = {
  contact: 'OK',
  volunteer: 'OK',
  moderator: 'OK',
  admin: 'OK',
};
const every = (outcome: Outcome): Readonly<Record<Role, Outcome>> => ({
  contact: outcome,
  volunteer: outcome,
  moderator: outcome,
  admin: outcome,
});
const only = (allowed: readonly Role[], outcome: Outcome = 'OK') =>
  Object.fromEntries(
    ROLES.map((role) => [role, allowed.includes(role) ? outcome : 'FORBIDDEN']),
  ) as Record<Role, Outcome>;

const randomId = () => toBase64Url(randomBytes(16));
const junk = (length: number) => toBase64Url(randomBytes(length));
const DAY = 24 * 3600 * 1000;
const root = generateRootKey();
const signer = generateRootKey();
let counter = 0;
const next = () => (counter += 1);
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

/**
 * A language no request uses. The volunteer actor is vetted (so that it can own matches), and the
 * engine matches every open request against every offer: outside its own matches its offer stays
 * in this language, or the engine would propose it for the other rows' requests.
 */
const QUIET_LANGUAGE = freshLanguage();
const quietOffer = () => offerInput({ languages: [QUIET_LANGUAGE] });

/** A root-signed moderator certificate for `who` (the caller may or may not be its subject). */
function certificateFor(who: LoggedIn): string {
  return toBase64Url(
    issueModeratorCertificate(root.secretKey, {
      handle: who.account.handle,
      moderator: publicIdentity(who.account.identity),
      issuedAt: Date.now() - 60_000,
      expiresAt: Date.now() + 30 * DAY,
    }),
  );
}

/** A decision statement signed by `who`'s identity now, as its client makes one. */
function statementBy(
  who: LoggedIn,
  fields: Omit<Parameters<typeof issueAuditStatement>[1], 'actor' | 'issuedAt'>,
): string {
  return toBase64Url(
    issueAuditStatement(who.account.identity, {
      actor: who.accountId,
      issuedAt: Date.now(),
      ...fields,
    }),
  );
}

/** A fresh account for a decision row to act on (each call its own, so no call is a no-op). */
async function subject(role: 'contact' | 'volunteer'): Promise<string> {
  return (await registerAndLogin(server.url, 'subject', { role })).accountId;
}

/** The moderator actor, certified in beforeAll, makes a decision the row's call then acts on. */
async function decidedByModerator(
  event: 'volunteers.vet' | 'moderation.suspend',
  fields: Parameters<typeof statementBy>[1],
): Promise<void> {
  const moderator = fixtures.actors.moderator;
  const socket = await connectWithToken(server.url, moderator.bareToken);
  try {
    const answer = await call(socket, event, { statement: statementBy(moderator, fields) });
    expect(answer).toMatchObject({ ok: true });
  } finally {
    socket.close();
  }
}

/** Per-device events: on a socket that names no device they are FORBIDDEN for everyone. */
const onBareSocket = (payload: Row['payload']): Row => ({
  case: 'on a socket that names no device',
  socket: 'bare',
  payload,
  expect: every('FORBIDDEN'),
});

/** A conversation of the caller's with a fresh contact, made in the store (for close rows). */
async function freshConversationOf(caller: Actor): Promise<string> {
  const other = await subject('contact');
  const opened = await server.store.conversations.openConversation({
    id: randomId(),
    participants: [caller.accountId, other],
    ttlMs: DAY,
    createdAt: Date.now(),
  });
  return opened.conversation.id;
}

/** The foreign conversation's message is still there, its high water untouched. */
async function foreignUntouched({ foreignConversation, contactPeer }: Fixtures): Promise<void> {
  const held = await server.store.conversations.fetchEnvelopes(
    foreignConversation,
    contactPeer.deviceId,
    { after: 0, sentAfter: 0, limit: 10 },
  );
  expect(held.map((envelope) => envelope.seq)).toEqual([1]);
  expect((await server.store.conversations.findConversation(foreignConversation))?.closedAt).toBe(
    null,
  );
}

const MATRIX: { readonly [E in ClientEventName]: readonly Row[] } = {
  'session.whoami': [{ case: 'own', payload: () => ({}), expect: ALL_OK }],
  'keys.backup_put': [
    {
      case: 'own backup, signed by the login key',
      payload: (caller) =>
        backupPutPayload(
          server.url,
          caller.account,
          sealIdentityBackup(caller.account.storageKey, caller.account.identity, {
            account: caller.account.handle,
            generation: 1 + next(),
          }),
        ),
      expect: ALL_OK,
    },
  ],
  'account.rekey': [
    {
      // A real rekey would end the actor's other session; a header check refuses this one first.
      case: 'a backup that is not a key-store blob',
      payload: () => ({
        challengeId: randomId(),
        salt: junk(16),
        authKey: junk(32),
        keyBackup: junk(200),
        authSignature: junk(64),
        signature: junk(64),
      }),
      expect: every('BAD_REQUEST'),
    },
  ],
  'devices.reserve': [
    {
      case: 'on a socket that names no device',
      socket: 'bare',
      payload: () => ({ deviceKey: toBase64Url(generateDeviceKey().publicKey) }),
      expect: ALL_OK,
    },
    {
      case: 'on a device socket',
      payload: () => ({ deviceKey: toBase64Url(generateDeviceKey().publicKey) }),
      expect: every('FORBIDDEN'),
    },
  ],
  'devices.add': [
    {
      case: 'an unsigned list',
      payload: () => ({ list: junk(200) }),
      expect: every('BAD_REQUEST'),
    },
  ],
  'devices.remove': [
    {
      case: 'an unsigned list',
      payload: () => ({ deviceId: randomId(), list: junk(200) }),
      expect: every('BAD_REQUEST'),
    },
    {
      case: 'another account’s device (not owner), in a list the caller signed',
      payload: async (caller, { contactPeer }) => {
        const stored = await server.store.devices.findList(caller.accountId);
        if (stored === undefined) throw new Error('the actor has no device list');
        const current = verifyDeviceList(stored.bytes, {
          accountId: caller.accountId,
          identity: publicIdentity(caller.account.identity),
        });
        const list = signDeviceList(caller.account.identity, {
          accountId: caller.accountId,
          version: current.version + 1,
          devices: current.devices,
        });
        return { deviceId: contactPeer.deviceId, list: toBase64Url(list) };
      },
      expect: every('NOT_FOUND'),
      after: async ({ contactPeer }) => {
        expect(await server.store.devices.findDevice(contactPeer.deviceId)).toBeDefined();
      },
    },
  ],
  'devices.list': [
    { case: 'own', payload: () => ({}), expect: ALL_OK },
    {
      case: 'a contact’s (a channel needs staff on one side)',
      payload: (_caller, { contactPeer }) => ({ accountId: contactPeer.accountId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
  ],
  'prekeys.set_signed': [
    {
      case: 'own device’s, signed by its device key',
      payload: (caller) => {
        const { signedPrekey, kemPrekey } = caller.prekeys.rotate(Date.now());
        return { signedPrekey: wireSigned(signedPrekey), kemPrekey: wireSigned(kemPrekey) };
      },
      expect: ALL_OK,
    },
    onBareSocket(() => ({
      signedPrekey: { id: 1, publicKey: junk(32), signature: junk(64) },
      kemPrekey: { id: 1, publicKey: junk(1184), signature: junk(64) },
    })),
  ],
  'prekeys.add_one_time': [
    {
      case: 'own device’s',
      payload: () => ({
        prekeys: [{ id: 1_000_000 + next(), publicKey: toBase64Url(x25519KeyPair().publicKey) }],
      }),
      expect: ALL_OK,
    },
    onBareSocket(() => ({
      prekeys: [{ id: 1, publicKey: toBase64Url(x25519KeyPair().publicKey) }],
    })),
  ],
  'prekeys.add_one_time_kem': [
    {
      case: 'own device’s, signed by its device key',
      payload: (caller) => ({ prekeys: caller.prekeys.addOneTimeKemPrekeys(1).map(wireSigned) }),
      expect: ALL_OK,
    },
    onBareSocket(() => ({ prekeys: [{ id: 1, publicKey: junk(1184), signature: junk(64) }] })),
  ],
  'prekeys.status': [
    { case: 'own device’s', payload: () => ({}), expect: ALL_OK },
    onBareSocket(() => ({})),
  ],
  'prekeys.fetch': [
    {
      case: 'a moderator’s bundle',
      payload: (_caller, { staffPeer }) => ({ accountId: staffPeer.accountId }),
      expect: ALL_OK,
    },
    {
      case: 'a contact’s bundle (a channel needs staff on one side)',
      payload: (_caller, { contactPeer }) => ({ accountId: contactPeer.accountId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    onBareSocket((_caller, { staffPeer }) => ({ accountId: staffPeer.accountId })),
  ],
  'certificates.publish': [
    {
      case: 'own certificate',
      payload: (caller) => ({ certificate: certificateFor(caller) }),
      expect: only(['moderator', 'admin']),
    },
    {
      case: 'another moderator’s certificate',
      payload: (_caller, { staffPeer }) => ({ certificate: certificateFor(staffPeer) }),
      expect: { contact: 'FORBIDDEN', volunteer: 'FORBIDDEN', moderator: 'FORBIDDEN', admin: 'OK' },
    },
  ],
  'certificates.list': [{ case: 'the directory', payload: () => ({}), expect: ALL_OK }],
  'envelope_prekeys.publish': [
    {
      case: 'own, signed by the caller’s identity',
      payload: (caller) => {
        const prekey = generateEnvelopePrekey(caller.account.identity, {
          id: next(),
          now: Date.now() + next(), // each newer than the last
        });
        return {
          prekey: toEnvelopePrekeyWire(prekey),
        };
      },
      expect: only(['volunteer', 'moderator', 'admin']),
    },
  ],
  'envelope_prekeys.fetch': [
    {
      case: 'a volunteer’s',
      payload: (_caller, { volunteerPeer }) => ({ accountId: volunteerPeer.accountId }),
      expect: only(['moderator', 'admin']),
    },
  ],
  'revocations.publish': [
    {
      case: 'a statement from the root-certified signer',
      payload: () => {
        const now = Date.now();
        const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
          signerKey: signer.publicKey,
          issuedAt: now - DAY,
          expiresAt: now + 30 * DAY,
        });
        const statement = issueRevocationStatement(signer.secretKey, signerCertificate, {
          issuedAt: now - 60_000 + next(), // each newer than the last
          expiresAt: now + DAY,
          revoked: [],
        });
        return { revocationList: toBase64Url(statement) };
      },
      expect: only(['admin']),
    },
  ],
  'conversations.open': [
    {
      // The staff peer started a conversation with every actor: opening finds it.
      case: 'with a moderator who started one with the caller',
      payload: (_caller, { staffPeer }) => ({ peer: staffPeer.accountId }),
      expect: ALL_OK,
    },
    {
      // Staff start conversations with everyone else, never the other way round (a throwaway
      // account must not be able to open a backlog on every moderator's device).
      case: 'with a staff member who started none with the caller',
      payload: (caller, { actors }) => ({
        peer: (caller.role === 'moderator' ? actors.admin : actors.moderator).accountId,
      }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    {
      // Staff with anyone: vetting and moderation. Nobody else without an accepted match.
      case: 'with a contact (a channel needs staff on one side)',
      payload: (_caller, { contactPeer }) => ({ peer: contactPeer.accountId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    {
      case: 'with a volunteer who has no match with the caller',
      payload: (_caller, { volunteerPeer }) => ({ peer: volunteerPeer.accountId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    {
      // Another pair's accepted match opens a channel between those two only.
      case: 'with the volunteer of another pair’s accepted match',
      payload: (_caller, { others }) => ({ peer: others.accepted.volunteerId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    {
      case: 'with the contact of another pair’s accepted match',
      payload: (_caller, { others }) => ({ peer: others.accepted.contactId }),
      expect: { contact: 'NOT_FOUND', volunteer: 'NOT_FOUND', moderator: 'OK', admin: 'OK' },
    },
    {
      // (Before it is accepted there is no channel: tests/server/matches.test.ts. The contact
      // actor's hourly budget of new requests leaves room for one more own match here.)
      case: 'with the volunteer or contact of the caller’s own accepted match',
      payload: async (caller) => ({ peer: await ownMatchPeer(caller, 'accepted') }),
      expect: ALL_OK,
    },
  ],
  'conversations.list': [
    { case: 'own', payload: () => ({}), expect: ALL_OK },
    {
      case: 'own, on a socket that names no device',
      socket: 'bare',
      payload: () => ({}),
      expect: ALL_OK,
    },
  ],
  'conversations.send': [
    {
      case: 'into own conversation',
      payload: (caller, { conversations, staffPeer }) => ({
        conversation: conversations[caller.role],
        clientId: randomId(),
        envelopes: [{ device: staffPeer.deviceId, body: junk(356) }],
      }),
      expect: ALL_OK,
    },
    {
      case: 'into another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation, contactPeer }) => ({
        conversation: foreignConversation,
        clientId: randomId(),
        envelopes: [{ device: contactPeer.deviceId, body: junk(356) }],
      }),
      expect: every('NOT_FOUND'),
      after: foreignUntouched,
    },
    onBareSocket((caller, { conversations, staffPeer }) => ({
      conversation: conversations[caller.role],
      clientId: randomId(),
      envelopes: [{ device: staffPeer.deviceId, body: junk(356) }],
    })),
  ],
  'conversations.fetch': [
    {
      case: 'own conversation',
      payload: (caller, { conversations }) => ({
        conversation: conversations[caller.role],
        after: 0,
      }),
      expect: ALL_OK,
    },
    {
      case: 'another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation }) => ({
        conversation: foreignConversation,
        after: 0,
      }),
      expect: every('NOT_FOUND'),
    },
    onBareSocket((caller, { conversations }) => ({
      conversation: conversations[caller.role],
      after: 0,
    })),
  ],
  'conversations.ack': [
    {
      case: 'own conversation’s first message',
      payload: (caller, { conversations }) => ({
        conversation: conversations[caller.role],
        seq: 1,
      }),
      expect: ALL_OK,
    },
    {
      case: 'another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation }) => ({
        conversation: foreignConversation,
        seq: 1,
      }),
      expect: every('NOT_FOUND'),
      after: foreignUntouched,
    },
    onBareSocket((caller, { conversations }) => ({
      conversation: conversations[caller.role],
      seq: 1,
    })),
  ],
  'conversations.set_timer': [
    {
      case: 'own conversation',
      payload: (caller, { conversations }) => ({
        conversation: conversations[caller.role],
        ttlSeconds: 7200 + next(),
      }),
      expect: ALL_OK,
    },
    {
      case: 'another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation }) => ({
        conversation: foreignConversation,
        ttlSeconds: 7200,
      }),
      expect: every('NOT_FOUND'),
    },
  ],
  'conversations.close': [
    {
      case: 'own conversation',
      payload: async (caller) => ({ conversation: await freshConversationOf(caller) }),
      expect: ALL_OK,
    },
    {
      case: 'another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation }) => ({ conversation: foreignConversation }),
      expect: every('NOT_FOUND'),
      after: foreignUntouched,
    },
  ],
  'conversations.block': [
    {
      // Staff have no match: for them the row names another pair's, refused by role.
      case: 'own match’s conversation (owner)',
      payload: async (caller) => ({ conversation: await matchConversation(caller) }),
      expect: only(['contact', 'volunteer']),
      after: preparedIs({ contact: 'withdrawn', volunteer: 'withdrawn' }, 'accepted'),
    },
    {
      case: 'own conversation with staff',
      payload: (caller, { conversations }) => ({ conversation: conversations[caller.role] }),
      expect: every('FORBIDDEN'),
    },
    {
      case: 'another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation }) => ({ conversation: foreignConversation }),
      expect: only(['contact', 'volunteer'], 'NOT_FOUND'),
      after: foreignUntouched,
    },
  ],
  'offers.put': [{ case: 'own offer', payload: quietOffer, expect: only(['volunteer']) }],
  'offers.get': [
    { case: 'own offer', payload: () => ({}), expect: only(['volunteer', 'moderator', 'admin']) },
    {
      case: 'a volunteer’s offer (not owner)',
      payload: (_caller, { volunteerPeer }) => ({ accountId: volunteerPeer.accountId }),
      expect: only(['moderator', 'admin']),
    },
  ],
  'offers.set_paused': [
    { case: 'own offer', payload: () => ({ paused: true }), expect: only(['volunteer']) },
  ],
  'requests.create': [
    {
      case: 'own request',
      payload: () => wireRequest(requestInput()),
      expect: only(['contact']),
    },
  ],
  'requests.list': [{ case: 'own requests', payload: () => ({}), expect: only(['contact']) }],
  'requests.cancel': [
    {
      case: 'own request (owner)',
      payload: (caller) => ({ id: ownRequests.get(caller.role) ?? randomId() }),
      expect: only(['contact']),
    },
    {
      case: 'another contact’s request (not owner)',
      payload: (_caller, { contactPeer }) => ({ id: contactPeer.requestId }),
      expect: only(['contact'], 'NOT_FOUND'),
      after: async ({ contactPeer }) => {
        expect((await server.store.requests.findRequest(contactPeer.requestId))?.state).toBe(
          'open',
        );
      },
    },
  ],
  'volunteers.vet': [
    {
      case: 'a new volunteer at standard, signed by the caller',
      payload: async (caller) => ({
        statement: statementBy(caller, {
          kind: 'vet',
          subject: await subject('volunteer'),
          tier: 'standard',
        }),
      }),
      expect: only(['moderator', 'admin']),
    },
  ],
  'volunteers.unvet': [
    {
      case: 'a volunteer vetted by a moderator, signed by the caller',
      payload: async (caller) => {
        const volunteer = await subject('volunteer');
        await decidedByModerator('volunteers.vet', {
          kind: 'vet',
          subject: volunteer,
          tier: 'standard',
        });
        return { statement: statementBy(caller, { kind: 'unvet', subject: volunteer }) };
      },
      expect: only(['moderator', 'admin']),
    },
  ],
  'vetting.status': [
    {
      case: 'own (staff are not volunteers)',
      payload: () => ({}),
      expect: { contact: 'FORBIDDEN', volunteer: 'OK', moderator: 'NOT_FOUND', admin: 'NOT_FOUND' },
    },
    {
      case: 'another volunteer’s',
      payload: (_caller, { volunteerPeer }) => ({ accountId: volunteerPeer.accountId }),
      expect: only(['moderator', 'admin']),
    },
  ],
  'moderation.suspend': [
    {
      case: 'a new contact, signed by the caller',
      payload: async (caller) => ({
        statement: statementBy(caller, {
          kind: 'suspend',
          subject: await subject('contact'),
          reason: 'spam',
        }),
      }),
      expect: only(['moderator', 'admin']),
    },
    {
      case: 'a contact, naming an open report about them',
      payload: async (caller) => {
        const reportId = await openReport();
        const report = await server.store.reports.findReport(reportId);
        return {
          statement: statementBy(caller, {
            kind: 'suspend',
            subject: report!.subjectId,
            reason: 'abuse',
            report: reportId,
          }),
        };
      },
      expect: only(['moderator', 'admin']),
    },
  ],
  'moderation.reinstate': [
    {
      case: 'a contact a moderator suspended, signed by the caller',
      payload: async (caller) => {
        const contact = await subject('contact');
        await decidedByModerator('moderation.suspend', {
          kind: 'suspend',
          subject: contact,
          reason: 'spam',
        });
        return { statement: statementBy(caller, { kind: 'reinstate', subject: contact }) };
      },
      expect: only(['moderator', 'admin']),
    },
  ],
  'audit.head': [
    { case: 'the log’s head', payload: () => ({}), expect: only(['moderator', 'admin']) },
  ],
  'audit.entries': [
    {
      case: 'the first page of the log',
      payload: () => ({ after: 0, limit: 10 }),
      expect: only(['moderator', 'admin']),
    },
  ],
  'moderation.queue': [
    { case: 'the pending proposals', payload: () => ({}), expect: only(['moderator', 'admin']) },
  ],
  'moderation.approve': [
    {
      case: 'an unknown proposal, details a sealed envelope, signed by the caller',
      payload: (caller) => {
        const details = wireRequest(requestInput()).details;
        return {
          details,
          statement: statementBy(caller, {
            kind: 'approve',
            subject: randomId(),
            request: randomId(),
            proposal: randomId(),
            envelopeDigest: new Uint8Array(
              createHash('sha256').update(fromBase64Url(details)!).digest(),
            ),
          }),
        };
      },
      expect: only(['moderator', 'admin'], 'NOT_FOUND'),
    },
    {
      case: 'a real pending proposal, the details re-wrapped for its volunteer, signed by the caller',
      payload: async (caller) => {
        const language = freshLanguage();
        const volunteer = await vettedVolunteer(board, {
          skills: [{ code: 'legal.military-law', level: 3 }],
          languages: [language],
        });
        const contact = await contactWithRequest(board, {
          skills: ['legal.military-law'],
          languages: [language],
        });
        volunteer.socket.close();
        contact.socket.close();
        const entry = await pendingEntry(board.anna, contact.requestId);
        prepared = { id: entry.proposal.id, role: caller.role };
        // Staff re-wrap with their own envelope keys; anyone else could not, so they replay the
        // moderator actor's re-wrapping under a statement of their own.
        const rewrapper = caller.role === 'admin' ? board.boris : board.anna;
        const { details } = await approvalBy(rewrapper, entry, volunteer);
        return {
          details,
          statement: statementBy(caller, {
            kind: 'approve',
            subject: entry.proposal.volunteerId,
            request: entry.request.id,
            proposal: entry.proposal.id,
            envelopeDigest: sha256(bytes(details)),
          }),
        };
      },
      expect: only(['moderator', 'admin']),
      after: preparedIs({ moderator: 'approved', admin: 'approved' }, 'pending'),
    },
  ],
  'moderation.reject': [
    {
      case: 'an unknown proposal, signed by the caller',
      payload: (caller) => ({
        statement: statementBy(caller, {
          kind: 'reject',
          subject: randomId(),
          request: randomId(),
          proposal: randomId(),
          reason: 'mismatch',
        }),
      }),
      expect: only(['moderator', 'admin'], 'NOT_FOUND'),
    },
  ],
  'moderation.repropose': [
    {
      case: 'an unknown proposal, signed by the caller',
      payload: (caller) => ({
        statement: statementBy(caller, {
          kind: 'repropose',
          subject: randomId(),
          request: randomId(),
          proposal: randomId(),
        }),
      }),
      expect: only(['moderator', 'admin'], 'NOT_FOUND'),
    },
  ],
  'matches.list': [
    { case: 'own matches', payload: () => ({}), expect: only(['contact', 'volunteer']) },
  ],
  'matches.accept': [
    {
      case: 'an unknown match (not owner)',
      payload: () => ({ id: randomId() }),
      expect: only(['volunteer'], 'NOT_FOUND'),
    },
    {
      // The contact's own match is not theirs to accept: refused by role before it is looked up.
      case: 'own approved match (owner)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'approved') }),
      expect: only(['volunteer']),
      after: preparedIs({ volunteer: 'accepted' }, 'approved'),
    },
    ...notOwner(() => ({}), only(['volunteer'], 'NOT_FOUND')),
  ],
  'matches.decline': [
    {
      case: 'an unknown match (not owner)',
      payload: () => ({ id: randomId() }),
      expect: only(['contact', 'volunteer'], 'NOT_FOUND'),
    },
    {
      case: 'own match where its side declines: volunteer approved, contact accepted (owner)',
      payload: async (caller) => ({
        id: await ownMatch(caller, caller.role === 'contact' ? 'accepted' : 'approved'),
      }),
      expect: only(['contact', 'volunteer']),
      after: preparedIs({ contact: 'withdrawn', volunteer: 'declined' }, 'approved'),
    },
    {
      // Before the volunteer accepts, the contact is not told of the match: it answers as unknown.
      case: 'own match still approved (owner, not yet accepted)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'approved') }),
      expect: { contact: 'NOT_FOUND', volunteer: 'OK', moderator: 'FORBIDDEN', admin: 'FORBIDDEN' },
      after: preparedIs({ volunteer: 'declined' }, 'approved'),
    },
    ...notOwner(() => ({}), only(['contact', 'volunteer'], 'NOT_FOUND')),
  ],
  'matches.end': [
    {
      case: 'an unknown match (not owner)',
      payload: () => ({ id: randomId(), outcome: 'resolved' }),
      expect: only(['contact', 'volunteer'], 'NOT_FOUND'),
    },
    {
      case: 'own accepted match (owner)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'accepted'), outcome: 'resolved' }),
      expect: only(['contact', 'volunteer']),
      after: preparedIs({ contact: 'ended', volunteer: 'ended' }, 'accepted'),
    },
    {
      // Only a live match ends: the volunteer's not yet accepted one is a state conflict.
      case: 'own match still approved (owner, not yet accepted)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'approved'), outcome: 'resolved' }),
      expect: {
        contact: 'NOT_FOUND',
        volunteer: 'CONFLICT',
        moderator: 'FORBIDDEN',
        admin: 'FORBIDDEN',
      },
      after: preparedIs({}, 'approved'),
    },
    ...notOwner(() => ({ outcome: 'resolved' }), only(['contact', 'volunteer'], 'NOT_FOUND')),
  ],
  'matches.block': [
    {
      case: 'an unknown match (not owner)',
      payload: () => ({ id: randomId() }),
      expect: only(['contact', 'volunteer'], 'NOT_FOUND'),
    },
    {
      case: 'own accepted match (owner)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'accepted') }),
      expect: only(['contact', 'volunteer']),
      after: preparedIs({ contact: 'withdrawn', volunteer: 'withdrawn' }, 'accepted'),
    },
    {
      case: 'own match still approved (owner, not yet accepted)',
      payload: async (caller) => ({ id: await ownMatch(caller, 'approved') }),
      expect: { contact: 'NOT_FOUND', volunteer: 'OK', moderator: 'FORBIDDEN', admin: 'FORBIDDEN' },
      after: preparedIs({ volunteer: 'withdrawn' }, 'approved'),
    },
    ...notOwner(() => ({}), only(['contact', 'volunteer'], 'NOT_FOUND')),
  ],
  'reports.create': [
    {
      case: 'about a new contact',
      payload: async () => ({ subject: await subject('contact'), reason: 'spam' }),
      expect: ALL_OK,
    },
    {
      case: 'about oneself',
      payload: (caller) => ({ subject: caller.accountId, reason: 'spam' }),
      expect: every('BAD_REQUEST'),
    },
    {
      case: 'about the other participant of own conversation (the staff peer)',
      payload: (caller, { conversations, staffPeer }) => ({
        subject: staffPeer.accountId,
        reason: 'harassment',
        conversation: conversations[caller.role],
      }),
      expect: ALL_OK,
    },
    {
      case: 'about a participant of another pair’s conversation (not a participant)',
      payload: (_caller, { foreignConversation, contactPeer }) => ({
        subject: contactPeer.accountId,
        reason: 'harassment',
        conversation: foreignConversation,
      }),
      expect: every('NOT_FOUND'),
      after: foreignUntouched,
    },
  ],
  'reports.list': [
    { case: 'the open reports', payload: () => ({}), expect: only(['moderator', 'admin']) },
  ],
  'reports.dismiss': [
    {
      case: 'an open report about a contact, signed by the caller',
      payload: async (caller) => ({
        statement: statementBy(caller, { kind: 'dismiss_report', report: await openReport() }),
      }),
      expect: only(['moderator', 'admin']),
    },
  ],
};

/** An open report by a fresh contact about another fresh contact: its id. */
async function openReport(): Promise<string> {
  const reporter = await registerAndLogin(server.url, 'reporter');
  const socket = await connectWithToken(server.url, reporter.token);
  try {
    const made = await call(socket, 'reports.create', {
      subject: await subject('contact'),
      reason: 'harassment',
    });
    if (!made.ok) throw new Error(made.error.code);
    return made.data.id;
  } finally {
    socket.close();
  }
}

/**
 * The two rows of a `matches.*` event on another pair's match (not owner), approved and accepted:
 * `extra` completes the payload. Both matches must be left as they were, with no bar added.
 */
function notOwner(
  extra: () => Record<string, unknown>,
  expected: Readonly<Record<Role, Outcome>>,
): Row[] {
  return (['approved', 'accepted'] as const).map((state) => ({
    case: `another pair’s ${state} match (not owner)`,
    payload: (_caller, { others }) => ({ id: others[state].id, ...extra() }),
    expect: expected,
    after: async ({ others }) => {
      for (const [state, match] of Object.entries(others)) {
        expect((await server.store.proposals.findProposal(match.id))?.state).toBe(state);
        expect(
          await server.store.proposals.barsBetween(match.contactId, match.volunteerId),
        ).toEqual([]);
      }
    },
  }));
}

/** The match or proposal the last owner row's payload made or picked, and for whom. */
let prepared: { readonly id: string; readonly role: Role } | undefined;

/** After an owner row: the prepared proposal is in the state its caller's answer implies. */
function preparedIs(
  changed: Partial<Record<Role, ProposalState>>,
  unchanged: ProposalState,
): NonNullable<Row['after']> {
  return async () => {
    if (prepared === undefined) throw new Error('the row prepared nothing');
    const { id, role } = prepared;
    prepared = undefined;
    expect((await server.store.proposals.findProposal(id))?.state).toBe(changed[role] ?? unchanged);
  };
}

/**
 * The caller's own match in `state`, made for this call (staff have none: another pair's, from
 * the fixtures). The volunteer actor's: its offer moved to a fresh language, a new contact's
 * request in it, approved by the moderator actor. The contact actor's: its own request in a fresh
 * language, a new vetted volunteer for it, approved likewise. Accepted by the volunteer for
 * 'accepted'.
 */
async function ownMatch(caller: Actor, state: 'approved' | 'accepted'): Promise<string> {
  const id =
    caller.role === 'volunteer'
      ? await volunteerActorMatch(caller, state)
      : caller.role === 'contact'
        ? await contactActorMatch(caller, state)
        : fixtures.others[state].id;
  prepared = { id, role: caller.role };
  return id;
}

/**
 * The other side of the caller's own match in `state` (staff: the contact of another pair's, as
 * they have none).
 */
async function ownMatchPeer(caller: Actor, state: 'approved' | 'accepted'): Promise<string> {
  const match = await server.store.proposals.findProposal(await ownMatch(caller, state));
  if (match === undefined) throw new Error('no such match');
  return match.contactId === caller.accountId ? match.volunteerId : match.contactId;
}

/** The conversation of the caller's own accepted match (ownMatch), opened in the store. */
async function matchConversation(caller: Actor): Promise<string> {
  const match = await server.store.proposals.findProposal(await ownMatch(caller, 'accepted'));
  if (match === undefined) throw new Error('no such match');
  const opened = await server.store.conversations.openConversation({
    id: randomId(),
    participants: [match.contactId, match.volunteerId],
    ttlMs: DAY,
    createdAt: Date.now(),
  });
  return opened.conversation.id;
}

async function volunteerActorMatch(
  volunteer: Actor,
  state: 'approved' | 'accepted',
): Promise<string> {
  const language = freshLanguage();
  const socket = await connectWithToken(server.url, volunteer.bareToken);
  try {
    const offer = offerInput({ languages: [language], capacity: MAX_OFFER_CAPACITY });
    expect(await call(socket, 'offers.put', offer)).toMatchObject({ ok: true });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    contact.socket.close();
    const id = await approved(board, contact, volunteer);
    if (state === 'accepted') {
      expect(await call(socket, 'matches.accept', { id })).toMatchObject({ ok: true });
    }
    // Back to a language no request uses, so the engine proposes it for nothing else.
    expect(await call(socket, 'offers.put', quietOffer())).toMatchObject({ ok: true });
    await server.server.services.proposer.idle();
    return id;
  } finally {
    socket.close();
  }
}

async function contactActorMatch(contact: Actor, state: 'approved' | 'accepted'): Promise<string> {
  const language = freshLanguage();
  const volunteer = await vettedVolunteer(board, {
    skills: [{ code: 'legal.military-law', level: 3 }],
    languages: [language],
  });
  const socket = await connectWithToken(server.url, contact.bareToken);
  try {
    const input = requestInput({
      fields: { skills: ['legal.military-law'], languages: [language] },
      sender: contact.account.identity,
      recipients: [board.anna.recipient, board.boris.recipient],
    });
    const created = await call(socket, 'requests.create', wireRequest(input));
    if (!created.ok) throw new Error(`requests.create failed: ${created.error.code}`);
    await server.server.services.proposer.idle();
    const id = await approved(board, { requestId: created.data.request.id }, volunteer);
    if (state === 'accepted') {
      expect(await call(volunteer.socket, 'matches.accept', { id })).toMatchObject({ ok: true });
    }
    return id;
  } finally {
    socket.close();
    volunteer.socket.close();
  }
}

/** A staff actor as the moderation pipeline drives it: an envelope prekey whose keys the test holds. */
async function boardMember(member: Actor, certificate: string): Promise<Moderator> {
  const socket = await connectWithToken(server.url, await login(server.url, member.account));
  const envelopePrekeys = await publishEnvelopePrekey(socket, member);
  const prekey = envelopePrekeys.current();
  if (prekey === undefined) throw new Error('no envelope prekey');
  return {
    account: member.account,
    accountId: member.accountId,
    token: member.token,
    socket,
    certificate: bytes(certificate),
    statement: (fields) => statementBy(member, fields),
    envelopePrekeys,
    recipient: { signingKey: member.account.identity.signing.publicKey, prekey },
  };
}

let server: TestServer;
let fixtures: Fixtures;
/** The matrix's staff as matching.ts's moderators: anna the moderator actor, boris the admin one. */
let board: Board;
/** A live request of the contact actor, made before the owner row runs. */
const ownRequests = new Map<Role, string>();

async function device(who: LoggedIn): Promise<TestDevice> {
  return addDevice(server.url, who);
}

async function actor(role: Role): Promise<Actor> {
  const who =
    role === 'contact' || role === 'volunteer'
      ? await registerAndLogin(server.url, role, { role })
      : await enrolStaff(server, role);
  const member = await device(who);
  member.socket.close();
  return { ...member, role, bareToken: await login(server.url, who.account) };
}

beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(root.publicKey),
    // The contact actor owns a fresh request for each of its match rows, some left live.
    KOLOKOL_MAX_OPEN_REQUESTS: '20',
    KOLOKOL_REQUEST_CREATES_PER_HOUR: '100',
  });
  const actors = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, await actor(role)] as const)),
  ) as Record<Role, Actor>;
  for (const member of Object.values(actors)) {
    // Prekeys, so that the device is complete (status, fetches of it) like a real one.
    const socket = await connectDevice(server.url, member.token, member.prekeys);
    await publishPrekeys({ ...member, socket }, 2);
    socket.close();
  }

  const staffPeer = await device(await enrolStaff(server, 'moderator'));
  await publishPrekeys(staffPeer, 50);
  const contact = await device(await registerAndLogin(server.url, 'peer'));
  await publishPrekeys(contact, 50);
  const created = await call(contact.socket, 'requests.create', wireRequest(requestInput()));
  if (!created.ok) throw new Error(created.error.code);
  const volunteerPeer = await device(
    await registerAndLogin(server.url, 'peer', { role: 'volunteer' }),
  );
  expect(await call(volunteerPeer.socket, 'offers.put', offerInput())).toMatchObject({ ok: true });
  const prekey = generateEnvelopePrekey(volunteerPeer.account.identity, { id: 1, now: Date.now() });
  expect(
    await call(volunteerPeer.socket, 'envelope_prekeys.publish', {
      prekey: toEnvelopePrekeyWire(prekey),
    }),
  ).toMatchObject({ ok: true });
  // Conversations: each actor's with the staff peer, and the staff peer's with the contact peer,
  // each holding one message from the staff peer.
  const conversationWith = async (peer: { accountId: string; deviceId: string }) => {
    const opened = await call(staffPeer.socket, 'conversations.open', { peer: peer.accountId });
    if (!opened.ok) throw new Error(opened.error.code);
    const id = opened.data.conversation.id;
    const message = await call(staffPeer.socket, 'conversations.send', {
      conversation: id,
      clientId: randomId(),
      envelopes: [{ device: peer.deviceId, body: junk(356) }],
    });
    if (!message.ok) throw new Error(message.error.code);
    return id;
  };
  const conversations = {} as Record<Role, string>;
  for (const role of ROLES) conversations[role] = await conversationWith(actors[role]);
  const foreignConversation = await conversationWith(contact);
  // The staff actors hold current root-certified certificates, so their decisions count.
  const certificates = new Map<Role, string>();
  for (const role of ['moderator', 'admin'] as const) {
    const socket = await connectWithToken(server.url, actors[role].bareToken);
    const certificate = certificateFor(actors[role]);
    certificates.set(role, certificate);
    const published = await call(socket, 'certificates.publish', { certificate });
    expect(published).toMatchObject({ ok: true });
    socket.close();
  }
  board = {
    server,
    org: {
      root,
      signer,
      signerCertificate: issueRevocationSignerCertificate(root.secretKey, {
        signerKey: signer.publicKey,
        issuedAt: Date.now() - DAY,
        expiresAt: Date.now() + 30 * DAY,
      }),
    },
    anna: await boardMember(actors.moderator, certificates.get('moderator')!),
    boris: await boardMember(actors.admin, certificates.get('admin')!),
  };
  const approvedOne = await approvedPair(board);
  const acceptedOne = await approvedPair(board, { accept: true });
  const other = ({ matchId, volunteer, contact }: typeof approvedOne): OtherMatch => {
    volunteer.socket.close();
    contact.socket.close();
    return { id: matchId, volunteerId: volunteer.accountId, contactId: contact.accountId };
  };
  fixtures = {
    actors,
    conversations,
    foreignConversation,
    staffPeer,
    contactPeer: { ...contact, requestId: created.data.request.id },
    volunteerPeer,
    others: { approved: other(approvedOne), accepted: other(acceptedOne) },
  };

  // Preconditions of the rows whose success needs them: the volunteer actor has an offer (to
  // pause) and is vetted with an envelope prekey (to be matched), the contact actor a request (to
  // cancel as its owner).
  const volunteer = await connectDevice(
    server.url,
    actors.volunteer.token,
    actors.volunteer.prekeys,
  );
  expect(await call(volunteer, 'offers.put', quietOffer())).toMatchObject({ ok: true });
  await publishEnvelopePrekey(volunteer, actors.volunteer);
  volunteer.close();
  await decidedByModerator('volunteers.vet', {
    kind: 'vet',
    subject: actors.volunteer.accountId,
    tier: 'standard',
  });
  const asker = await connectDevice(server.url, actors.contact.token, actors.contact.prekeys);
  const own = await call(asker, 'requests.create', wireRequest(requestInput()));
  if (!own.ok) throw new Error(own.error.code);
  ownRequests.set('contact', own.data.request.id);
  asker.close();
});

afterAll(async () => {
  closeAllSockets();
  await server.close();
});

function open(caller: Actor, kind: 'device' | 'bare'): Promise<ClientSocket> {
  return kind === 'device'
    ? connectDevice(server.url, caller.token, caller.prekeys)
    : connectWithToken(server.url, caller.bareToken);
}

describe('the authorisation matrix', () => {
  it('has a row for every socket event, and none for an event that does not exist', () => {
    const events = Object.keys(clientEvents);
    const rows = Object.keys(MATRIX);
    expect(events.filter((event) => !rows.includes(event))).toEqual([]);
    expect(rows.filter((event) => !events.includes(event))).toEqual([]);
    for (const event of events) expect(MATRIX[event as ClientEventName].length).toBeGreaterThan(0);
  });

  const cells = (Object.entries(MATRIX) as [ClientEventName, readonly Row[]][]).flatMap(
    ([event, rows]) =>
      rows.flatMap((row) => ROLES.map((role) => [event, row.case, role, row] as const)),
  );

  it.each(cells)('%s, %s, as %s', async (event, _case, role, row) => {
    const caller = fixtures.actors[role];
    const expected = row.expect[role];
    const socket = await open(caller, row.socket ?? 'device');
    try {
      const payload = await row.payload(caller, fixtures);
      if (expected === 'FORBIDDEN') {
        // No matching run still in flight (asked for by an earlier call) may change the store.
        await server.server.services.proposer.idle();
        await expectRefusedUnchanged(server, () => rawCall(socket, event, payload), 'FORBIDDEN');
      } else {
        const answer = (await rawCall(socket, event, payload)) as {
          ok: boolean;
          error?: { code: string; message: string };
        };
        expect(answer.ok ? 'OK' : answer.error?.code, answer.error?.message).toBe(expected);
      }
      await row.after?.(fixtures);
    } finally {
      socket.close();
    }
  });
});
