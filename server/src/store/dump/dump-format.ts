// The dump format: every kind of stored record, its fields and their types. The one definition
// every adapter's dump maps to (SQLite: a table per kind, a column per field in snake_case), so a
// dump written by one store reads into another. Change it only together with DUMP_FORMAT_VERSION.
import { z } from 'zod';
import { fromBase64Url } from '@kolokol/shared';

/**
 * The version of the record shapes below. Raised whenever a kind or field is added, removed or
 * changes meaning (a store migration that touches a dumped table does); an importer refuses a
 * dump of a newer format rather than drop what it does not know.
 */
export const DUMP_FORMAT_VERSION = 1;

/**
 * A field's type in the dump: text; integer (a safe integer: times are ms since the epoch);
 * real; bytes (base64url, no padding); bool; json (a JSON value the store keeps as such, e.g. a
 * list of skill codes). A trailing `?` allows null.
 */
type FieldType = 'text' | 'integer' | 'real' | 'bytes' | 'bool' | 'json';
export type FieldSpec = FieldType | `${FieldType}?`;

/**
 * Every kind, in an order where what a record refers to comes first (accounts before devices,
 * conversations before their messages), the order of export and import.
 */
export const DUMP_KINDS = {
  meta: { name: 'text', value: 'bytes' },
  account: {
    id: 'text',
    handle: 'text',
    role: 'text',
    signingKey: 'bytes',
    exchangeKey: 'bytes',
    exchangeSignature: 'bytes',
    salt: 'bytes',
    createdAt: 'integer',
    suspendedAt: 'integer?',
    authKey: 'bytes',
    keyBackup: 'bytes',
  },
  enrolment: {
    handle: 'text',
    role: 'text',
    codeHash: 'bytes',
    createdAt: 'integer',
    expiresAt: 'integer',
  },
  session: {
    id: 'text',
    accountId: 'text',
    tokenHash: 'bytes',
    createdAt: 'integer',
    expiresAt: 'integer',
    revokedAt: 'integer?',
    deviceId: 'text?',
  },
  spentChallenge: { id: 'text', expiresAt: 'integer' },
  deviceList: { accountId: 'text', version: 'integer', bytes: 'bytes', updatedAt: 'integer' },
  device: { id: 'text', accountId: 'text', deviceKey: 'bytes', addedAt: 'integer' },
  pendingDevice: { id: 'text', accountId: 'text', deviceKey: 'bytes', expiresAt: 'integer' },
  signedPrekey: {
    deviceId: 'text',
    signedId: 'integer',
    signedPublicKey: 'bytes',
    signedSignature: 'bytes',
    kemId: 'integer',
    kemPublicKey: 'bytes',
    kemSignature: 'bytes',
    updatedAt: 'integer',
  },
  oneTimePrekey: { deviceId: 'text', id: 'integer', publicKey: 'bytes', signature: 'bytes' },
  oneTimeKemPrekey: { deviceId: 'text', id: 'integer', publicKey: 'bytes', signature: 'bytes' },
  envelopePrekey: {
    accountId: 'text',
    id: 'integer',
    publicKey: 'bytes',
    createdAt: 'integer',
    expiresAt: 'integer',
    signature: 'bytes',
  },
  moderatorCertificate: {
    seq: 'integer',
    accountId: 'text',
    serial: 'text',
    bytes: 'bytes',
    expiresAt: 'integer',
    createdAt: 'integer',
  },
  revocationList: { slot: 'integer', issuedAt: 'integer', bytes: 'bytes' },
  auditEntry: {
    seq: 'integer',
    entryType: 'integer',
    recordedAt: 'integer',
    payload: 'bytes',
    certificate: 'bytes?',
    payloadDigest: 'bytes',
    prevHash: 'bytes',
    hash: 'bytes',
  },
  vetting: { volunteerId: 'text', tier: 'text', since: 'integer', decidedBy: 'text' },
  vettingEndorsement: {
    volunteerId: 'text',
    moderatorId: 'text',
    seq: 'integer',
    certificateSerial: 'text',
    certificateExpiresAt: 'integer',
    endorsedAt: 'integer',
  },
  offer: {
    accountId: 'text',
    skills: 'json',
    languages: 'json',
    regions: 'json',
    utcOffsetMinutes: 'integer',
    availability: 'bytes',
    capacity: 'integer',
    paused: 'bool',
    note: 'bytes?',
    updatedAt: 'integer',
  },
  request: {
    id: 'text',
    ownerId: 'text',
    clientId: 'text',
    skills: 'json',
    urgency: 'text',
    languages: 'json',
    region: 'text',
    state: 'text',
    details: 'bytes?',
    createdAt: 'integer',
    updatedAt: 'integer',
  },
  proposal: {
    id: 'text',
    requestId: 'text',
    volunteerId: 'text',
    contactId: 'text',
    score: 'real',
    reasons: 'json',
    alternatives: 'json',
    state: 'text',
    approvals: 'json',
    createdAt: 'integer',
    decidedAt: 'integer?',
    offeredUntil: 'integer?',
    updatedAt: 'integer',
    decidedBy: 'text?',
    decisionSeq: 'integer?',
    decisionReason: 'text?',
    note: 'bytes?',
  },
  pairBar: { contactId: 'text', volunteerId: 'text', reason: 'text', at: 'integer' },
  conversation: {
    id: 'text',
    firstId: 'text',
    secondId: 'text',
    ttlMs: 'integer',
    lastSeq: 'integer',
    createdAt: 'integer',
    closedAt: 'integer?',
  },
  conversationMessage: {
    conversationId: 'text',
    seq: 'integer',
    senderId: 'text',
    senderDeviceId: 'text',
    clientId: 'text',
    sentAt: 'integer',
  },
  conversationDevice: {
    conversationId: 'text',
    deviceId: 'text',
    ackedSeq: 'integer',
    pendingEnvelopes: 'integer',
    pendingBytes: 'integer',
  },
  conversationEnvelope: {
    conversationId: 'text',
    deviceId: 'text',
    seq: 'integer',
    senderId: 'text',
    senderDeviceId: 'text',
    sentAt: 'integer',
    bytes: 'integer',
    body: 'bytes',
  },
  report: {
    id: 'text',
    reporterId: 'text',
    subjectId: 'text',
    reason: 'text',
    requestId: 'text?',
    note: 'bytes?',
    fromNewAccount: 'bool',
    state: 'text',
    createdAt: 'integer',
    closedAt: 'integer?',
    conversationId: 'text?',
  },
} as const satisfies Record<string, Record<string, FieldSpec>>;

export type DumpKind = keyof typeof DUMP_KINDS;

export const DUMP_KIND_NAMES = Object.keys(DUMP_KINDS) as DumpKind[];

export function isDumpKind(name: string): name is DumpKind {
  return Object.hasOwn(DUMP_KINDS, name);
}

/** The fields of `kind` with their specs, in the catalogue's order. */
export function fieldsOf(kind: DumpKind): [string, FieldSpec][] {
  return Object.entries(DUMP_KINDS[kind]);
}

const base64url = z.string().refine((text) => fromBase64Url(text) !== undefined, 'not base64url');
// z.json() accepts any JSON value (no undefined, functions, NaN).
const VALUE_SCHEMAS: Record<FieldType, z.ZodType> = {
  text: z.string(),
  integer: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  real: z.number().finite(),
  bytes: base64url,
  bool: z.boolean(),
  json: z.json(),
};

function fieldSchema(spec: FieldSpec): z.ZodType {
  const nullable = spec.endsWith('?');
  const type = (nullable ? spec.slice(0, -1) : spec) as FieldType;
  return nullable ? VALUE_SCHEMAS[type].nullable() : VALUE_SCHEMAS[type];
}

function recordSchema(kind: DumpKind): z.ZodType {
  return z
    .object(Object.fromEntries(fieldsOf(kind).map(([name, spec]) => [name, fieldSchema(spec)])))
    .strict();
}

/** Per kind, the strict schema of a record's data: every field present, no other field. */
export const DUMP_RECORD_SCHEMAS: Readonly<Record<DumpKind, z.ZodType>> = (() => {
  const schemas: Partial<Record<DumpKind, z.ZodType>> = {};
  for (const kind of DUMP_KIND_NAMES) schemas[kind] = recordSchema(kind);
  return schemas as Record<DumpKind, z.ZodType>;
})();
