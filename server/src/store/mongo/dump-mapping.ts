// The dump format (../dump/dump-format.ts) on MongoDB: for every kind, its collection, the order an
// export reads it in, and the two pure conversions record → document and document → record. Pure
// and server-free, so tests/store/mongo-dump.test.ts checks every kind's round trip on real records
// against the real schemas (validateSync) without a MongoDB server.
//
// Where a collection differs from the format (docs/storage-mongodb.md#dump):
// - the record's key is the document's `_id` (accounts by id, enrolments by handle, …);
// - auditEntry's entryType is the 1-based index of AUDIT_ENTRY_TYPES (SQLite's encoding), the
//   document holds the name; vetting's decidedBy is comma-joined text, the document holds a list;
//   proposal's reasons/alternatives are JSON values, the document holds their JSON text;
// - revocationList's slot is always 1 (SQLite's check), the document's _id is 'current';
// - moderatorCertificate's seq is the document's storedSeq (the import sets the counter after it);
// - conversation's `open` and `devicesEpoch`, and messages' and envelopes' `expireAt` (sent + the
//   conversation's timer) are derived on import; a conversation device's pendingEnvelopes and
//   pendingBytes are not stored on MongoDB at all: an export counts its envelopes (ADR below).
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { AUDIT_ENTRY_TYPES } from '@kolokol/shared/crypto';
import type { DumpKind } from '../dump/dump-format.js';
import type { DumpValue } from '../ports/dump.js';
import { toBytes } from './codec.js';
import type { MongoModels } from './context.js';

/** A record's fields, as the dump format names and types them. */
export type DumpData = { readonly [field: string]: DumpValue };

/** A document as the adapter writes it or reads it back (lean). */
export type MongoDoc = Record<string, unknown>;

/** What an import knows from records it has already mapped (the dump's order guarantees it). */
export interface ImportLinks {
  /** The timer of conversation `id`, or undefined when the dump holds no such conversation. */
  ttlOf(id: string): number | undefined;
}

/** Thrown by a mapping when a record cannot be a document (the import reports REJECTED_BY_STORE). */
export class UnmappableRecord extends Error {}

export interface KindMapping {
  readonly model: keyof MongoModels;
  /**
   * The order of an export: `$natural` (insertion order, like SQLite's rowid, so an imported
   * store exports its records in the order it was given them) or, for the kinds SQLite keeps in
   * a WITHOUT ROWID table, the same key SQLite orders by.
   */
  readonly order: Readonly<Record<string, 1>>;
  toDoc(data: DumpData, links: ImportLinks): MongoDoc;
  fromDoc(doc: MongoDoc): DumpData;
}

// The file reader checked every record against the format before a mapping sees it: these casts
// restate that. Reads from the database go through the schemas' types, checked the same way.
const text = (value: unknown) => value as string;
const int = (value: unknown) => value as number;
const textOrNull = (value: unknown) => (value ?? null) as string | null;
const intOrNull = (value: unknown) => (value ?? null) as number | null;
const buffer = (value: DumpValue | undefined) => Buffer.from(fromBase64Url(value as string)!);
const bufferOrNull = (value: DumpValue | undefined) =>
  value === null || value === undefined ? null : buffer(value);
const base64 = (value: unknown) => toBase64Url(toBytes(value));
const base64OrNull = (value: unknown) =>
  value === null || value === undefined ? null : base64(value);
const list = (value: unknown) => [...(value as readonly DumpValue[])];

/** Kinds whose fields are the document's fields, with `key` as `_id`, bytes as Binary. */
function sameFields(
  model: keyof MongoModels,
  key: string | undefined,
  fields: Readonly<Record<string, 'text' | 'int' | 'bytes' | 'bool' | 'list' | 'nullable'>>,
): KindMapping {
  const toDocValue = (value: DumpValue | undefined, type: string): unknown =>
    type === 'bytes' ? buffer(value) : type === 'list' ? list(value) : value;
  const fromDocValue = (value: unknown, type: string): DumpValue => {
    if (type === 'bytes') return base64(value);
    if (type === 'list') return (value as readonly string[]).map(text);
    if (type === 'nullable') return (value ?? null) as DumpValue;
    return value as DumpValue;
  };
  return {
    model,
    order: { $natural: 1 },
    toDoc(data) {
      const doc: MongoDoc = key === undefined ? {} : { _id: data[key] };
      for (const [field, type] of Object.entries(fields)) {
        if (field !== key) doc[field] = toDocValue(data[field], type);
      }
      return doc;
    },
    fromDoc(doc) {
      const data: Record<string, DumpValue> = {};
      for (const [field, type] of Object.entries(fields)) {
        data[field] = fromDocValue(field === key ? doc._id : doc[field], type);
      }
      return data;
    },
  };
}

function bytesOrNullField(field: string) {
  return {
    to: (data: DumpData) => bufferOrNull(data[field]),
    from: (doc: MongoDoc) => base64OrNull(doc[field]),
  };
}

function oneTimePrekey(model: 'oneTimePrekeys' | 'oneTimeKemPrekeys'): KindMapping {
  return {
    model,
    order: { deviceId: 1, keyId: 1 },
    toDoc: (data) => ({
      deviceId: data.deviceId,
      keyId: data.id,
      publicKey: buffer(data.publicKey),
      signature: buffer(data.signature),
    }),
    fromDoc: (doc) => ({
      deviceId: text(doc.deviceId),
      id: int(doc.keyId),
      publicKey: base64(doc.publicKey),
      signature: base64(doc.signature),
    }),
  };
}

function expireAt(data: DumpData, links: ImportLinks): Date {
  const ttl = links.ttlOf(text(data.conversationId));
  if (ttl === undefined) throw new UnmappableRecord('no such conversation');
  return new Date(int(data.sentAt) + ttl);
}

const note = bytesOrNullField('note');

/** Every kind's mapping; a kind added to the format without one fails to compile here. */
export const MONGO_DUMP_MAPPINGS: Readonly<Record<DumpKind, KindMapping>> = {
  meta: sameFields('meta', 'name', { name: 'text', value: 'bytes' }),
  account: {
    ...sameFields('accounts', 'id', {
      id: 'text',
      handle: 'text',
      role: 'text',
      signingKey: 'bytes',
      exchangeKey: 'bytes',
      exchangeSignature: 'bytes',
      salt: 'bytes',
      createdAt: 'int',
      suspendedAt: 'nullable',
      authKey: 'bytes',
      keyBackup: 'bytes',
    }),
  },
  enrolment: sameFields('enrolments', 'handle', {
    handle: 'text',
    role: 'text',
    codeHash: 'bytes',
    createdAt: 'int',
    expiresAt: 'int',
  }),
  session: sameFields('sessions', 'id', {
    id: 'text',
    accountId: 'text',
    tokenHash: 'bytes',
    createdAt: 'int',
    expiresAt: 'int',
    revokedAt: 'nullable',
    deviceId: 'nullable',
  }),
  spentChallenge: {
    ...sameFields('spentChallenges', 'id', { id: 'text', expiresAt: 'int' }),
    order: { _id: 1 },
  },
  deviceList: sameFields('deviceLists', 'accountId', {
    accountId: 'text',
    version: 'int',
    bytes: 'bytes',
    updatedAt: 'int',
  }),
  device: sameFields('devices', 'id', {
    id: 'text',
    accountId: 'text',
    deviceKey: 'bytes',
    addedAt: 'int',
  }),
  pendingDevice: sameFields('pendingDevices', 'id', {
    id: 'text',
    accountId: 'text',
    deviceKey: 'bytes',
    expiresAt: 'int',
  }),
  signedPrekey: sameFields('signedPrekeys', 'deviceId', {
    deviceId: 'text',
    signedId: 'int',
    signedPublicKey: 'bytes',
    signedSignature: 'bytes',
    kemId: 'int',
    kemPublicKey: 'bytes',
    kemSignature: 'bytes',
    updatedAt: 'int',
  }),
  oneTimePrekey: oneTimePrekey('oneTimePrekeys'),
  oneTimeKemPrekey: oneTimePrekey('oneTimeKemPrekeys'),
  envelopePrekey: {
    model: 'envelopePrekeys',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.accountId,
      keyId: data.id,
      publicKey: buffer(data.publicKey),
      createdAt: data.createdAt,
      expiresAt: data.expiresAt,
      signature: buffer(data.signature),
    }),
    fromDoc: (doc) => ({
      accountId: text(doc._id),
      id: int(doc.keyId),
      publicKey: base64(doc.publicKey),
      createdAt: int(doc.createdAt),
      expiresAt: int(doc.expiresAt),
      signature: base64(doc.signature),
    }),
  },
  moderatorCertificate: {
    model: 'certificates',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.serial,
      accountId: data.accountId,
      bytes: buffer(data.bytes),
      expiresAt: data.expiresAt,
      createdAt: data.createdAt,
      storedSeq: data.seq,
    }),
    fromDoc: (doc) => ({
      seq: int(doc.storedSeq),
      accountId: text(doc.accountId),
      serial: text(doc._id),
      bytes: base64(doc.bytes),
      expiresAt: int(doc.expiresAt),
      createdAt: int(doc.createdAt),
    }),
  },
  revocationList: {
    model: 'revocationLists',
    order: { $natural: 1 },
    toDoc(data) {
      // SQLite keeps one list, in slot 1 (a CHECK); MongoDB keeps it under 'current'.
      if (data.slot !== 1) throw new UnmappableRecord('revocation list slot other than 1');
      return { _id: 'current', issuedAt: data.issuedAt, bytes: buffer(data.bytes) };
    },
    fromDoc: (doc) => ({ slot: 1, issuedAt: int(doc.issuedAt), bytes: base64(doc.bytes) }),
  },
  auditEntry: {
    model: 'audit',
    order: { $natural: 1 },
    toDoc(data) {
      // 1-based, as the SQLite adapter stores it (sqlite/audit.ts).
      const type = AUDIT_ENTRY_TYPES[int(data.entryType) - 1];
      if (type === undefined) throw new UnmappableRecord('unknown audit entry type');
      return {
        _id: data.seq,
        type,
        recordedAt: data.recordedAt,
        payload: buffer(data.payload),
        certificate: bufferOrNull(data.certificate),
        payloadDigest: buffer(data.payloadDigest),
        prevHash: buffer(data.prevHash),
        hash: buffer(data.hash),
      };
    },
    fromDoc(doc) {
      const index = (AUDIT_ENTRY_TYPES as readonly unknown[]).indexOf(doc.type);
      if (index < 0) throw new Error('store: unknown audit entry type in database');
      return {
        seq: int(doc._id),
        entryType: index + 1,
        recordedAt: int(doc.recordedAt),
        payload: base64(doc.payload),
        certificate: base64OrNull(doc.certificate),
        payloadDigest: base64(doc.payloadDigest),
        prevHash: base64(doc.prevHash),
        hash: base64(doc.hash),
      };
    },
  },
  vetting: {
    model: 'vetting',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.volunteerId,
      tier: data.tier,
      since: data.since,
      // Comma-joined on SQLite (sqlite/vetting.ts); ids hold no comma.
      decidedBy: text(data.decidedBy).split(','),
    }),
    fromDoc: (doc) => ({
      volunteerId: text(doc._id),
      tier: text(doc.tier),
      since: int(doc.since),
      decidedBy: (doc.decidedBy as readonly string[]).join(','),
    }),
  },
  vettingEndorsement: sameFields('endorsements', undefined, {
    volunteerId: 'text',
    moderatorId: 'text',
    seq: 'int',
    certificateSerial: 'text',
    certificateExpiresAt: 'int',
    endorsedAt: 'int',
  }),
  offer: {
    model: 'offers',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.accountId,
      skills: list(data.skills),
      languages: list(data.languages),
      regions: list(data.regions),
      utcOffsetMinutes: data.utcOffsetMinutes,
      availability: buffer(data.availability),
      capacity: data.capacity,
      paused: data.paused,
      note: note.to(data),
      updatedAt: data.updatedAt,
    }),
    fromDoc: (doc) => ({
      accountId: text(doc._id),
      skills: (doc.skills as readonly { code: unknown; level: unknown }[]).map((skill) => ({
        code: text(skill.code),
        level: int(skill.level),
      })),
      languages: list(doc.languages),
      regions: list(doc.regions),
      utcOffsetMinutes: int(doc.utcOffsetMinutes),
      availability: base64(doc.availability),
      capacity: int(doc.capacity),
      paused: doc.paused as boolean,
      note: note.from(doc),
      updatedAt: int(doc.updatedAt),
    }),
  },
  request: {
    model: 'requests',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.id,
      ownerId: data.ownerId,
      clientId: data.clientId,
      skills: list(data.skills),
      urgency: data.urgency,
      languages: list(data.languages),
      region: data.region,
      state: data.state,
      details: bufferOrNull(data.details),
      createdAt: data.createdAt,
      updatedAt: data.updatedAt,
    }),
    fromDoc: (doc) => ({
      id: text(doc._id),
      ownerId: text(doc.ownerId),
      clientId: text(doc.clientId),
      skills: list(doc.skills),
      urgency: text(doc.urgency),
      languages: list(doc.languages),
      region: text(doc.region),
      state: text(doc.state),
      details: base64OrNull(doc.details),
      createdAt: int(doc.createdAt),
      updatedAt: int(doc.updatedAt),
    }),
  },
  proposal: {
    model: 'proposals',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.id,
      requestId: data.requestId,
      volunteerId: data.volunteerId,
      contactId: data.contactId,
      score: data.score,
      // Stored as JSON text on both stores: the same text back (JSON.stringify of a parse).
      reasons: JSON.stringify(data.reasons),
      alternatives: JSON.stringify(data.alternatives),
      state: data.state,
      approvals: list(data.approvals),
      createdAt: data.createdAt,
      decidedAt: data.decidedAt,
      offeredUntil: data.offeredUntil,
      updatedAt: data.updatedAt,
      decidedBy: data.decidedBy,
      decisionSeq: data.decisionSeq,
      decisionReason: data.decisionReason,
      note: note.to(data),
    }),
    fromDoc: (doc) => ({
      id: text(doc._id),
      requestId: text(doc.requestId),
      volunteerId: text(doc.volunteerId),
      contactId: text(doc.contactId),
      score: doc.score as number,
      reasons: JSON.parse(text(doc.reasons)) as DumpValue,
      alternatives: JSON.parse(text(doc.alternatives)) as DumpValue,
      state: text(doc.state),
      approvals: (doc.approvals as readonly { moderatorId: unknown; seq: unknown }[]).map(
        (approval) => ({ moderatorId: text(approval.moderatorId), seq: int(approval.seq) }),
      ),
      createdAt: int(doc.createdAt),
      decidedAt: intOrNull(doc.decidedAt),
      offeredUntil: intOrNull(doc.offeredUntil),
      updatedAt: int(doc.updatedAt),
      decidedBy: textOrNull(doc.decidedBy),
      decisionSeq: intOrNull(doc.decisionSeq),
      decisionReason: textOrNull(doc.decisionReason),
      note: note.from(doc),
    }),
  },
  pairBar: sameFields('pairBars', undefined, {
    contactId: 'text',
    volunteerId: 'text',
    reason: 'text',
    at: 'int',
  }),
  conversation: {
    model: 'conversations',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.id,
      firstId: data.firstId,
      secondId: data.secondId,
      open: data.closedAt === null,
      ttlMs: data.ttlMs,
      lastSeq: data.lastSeq,
      createdAt: data.createdAt,
      closedAt: data.closedAt,
      // Only raised while a server runs (conversations.ts); a fresh start from 0 is what it means.
      devicesEpoch: 0,
    }),
    fromDoc: (doc) => ({
      id: text(doc._id),
      firstId: text(doc.firstId),
      secondId: text(doc.secondId),
      ttlMs: int(doc.ttlMs),
      lastSeq: int(doc.lastSeq),
      createdAt: int(doc.createdAt),
      closedAt: intOrNull(doc.closedAt),
    }),
  },
  conversationMessage: {
    model: 'messages',
    order: { $natural: 1 },
    toDoc: (data, links) => ({
      conversationId: data.conversationId,
      seq: data.seq,
      senderId: data.senderId,
      senderDeviceId: data.senderDeviceId,
      clientId: data.clientId,
      sentAt: data.sentAt,
      expireAt: expireAt(data, links),
    }),
    fromDoc: (doc) => ({
      conversationId: text(doc.conversationId),
      seq: int(doc.seq),
      senderId: text(doc.senderId),
      senderDeviceId: text(doc.senderDeviceId),
      clientId: text(doc.clientId),
      sentAt: int(doc.sentAt),
    }),
  },
  conversationDevice: {
    model: 'conversationDevices',
    order: { conversationId: 1, deviceId: 1 },
    // pendingEnvelopes/pendingBytes are counted from the envelopes on MongoDB (conversations.ts
    // sums them when it needs them): an import leaves them out, an export adds them back
    // (PENDING_LOOKUP in dump.ts), and the import checks the dump's counts against its envelopes.
    toDoc: (data) => ({
      conversationId: data.conversationId,
      deviceId: data.deviceId,
      ackedSeq: data.ackedSeq,
    }),
    fromDoc: (doc) => ({
      conversationId: text(doc.conversationId),
      deviceId: text(doc.deviceId),
      ackedSeq: int(doc.ackedSeq),
      pendingEnvelopes: int(doc.pendingEnvelopes ?? 0),
      pendingBytes: int(doc.pendingBytes ?? 0),
    }),
  },
  conversationEnvelope: {
    model: 'envelopes',
    order: { $natural: 1 },
    toDoc: (data, links) => ({
      conversationId: data.conversationId,
      deviceId: data.deviceId,
      seq: data.seq,
      senderId: data.senderId,
      senderDeviceId: data.senderDeviceId,
      sentAt: data.sentAt,
      bytes: data.bytes,
      body: buffer(data.body),
      expireAt: expireAt(data, links),
    }),
    fromDoc: (doc) => ({
      conversationId: text(doc.conversationId),
      deviceId: text(doc.deviceId),
      seq: int(doc.seq),
      senderId: text(doc.senderId),
      senderDeviceId: text(doc.senderDeviceId),
      sentAt: int(doc.sentAt),
      bytes: int(doc.bytes),
      body: base64(doc.body),
    }),
  },
  report: {
    model: 'reports',
    order: { $natural: 1 },
    toDoc: (data) => ({
      _id: data.id,
      reporterId: data.reporterId,
      subjectId: data.subjectId,
      reason: data.reason,
      requestId: data.requestId,
      note: note.to(data),
      fromNewAccount: data.fromNewAccount,
      state: data.state,
      createdAt: data.createdAt,
      closedAt: data.closedAt,
      conversationId: data.conversationId,
    }),
    fromDoc: (doc) => ({
      id: text(doc._id),
      reporterId: text(doc.reporterId),
      subjectId: text(doc.subjectId),
      reason: text(doc.reason),
      requestId: textOrNull(doc.requestId),
      note: note.from(doc),
      fromNewAccount: doc.fromNewAccount as boolean,
      state: text(doc.state),
      createdAt: int(doc.createdAt),
      closedAt: intOrNull(doc.closedAt),
      conversationId: textOrNull(doc.conversationId),
    }),
  },
};
