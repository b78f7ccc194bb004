// The MongoDB adapter's schemas, checked without a server: every schema validates a well-formed
// document and refuses malformed ones (validateSync), is strict for writes and queries, builds no
// index lazily, and declares the indexes the store's guarantees rest on.
import { describe, expect, it } from 'vitest';
import type { Schema } from 'mongoose';
import { MONGO_SCHEMAS } from '../../server/src/store/mongo/context.js';
import type { MongoModels } from '../../server/src/store/mongo/context.js';
import { offlineContext } from './support/mongo-offline.js';

const bytes = (length: number) => Buffer.alloc(length, 7);

/** One well-formed document per model. */
const VALID: Record<keyof MongoModels, Record<string, unknown>> = {
  accounts: {
    _id: 'acc-1',
    handle: 'alice',
    role: 'contact',
    signingKey: bytes(32),
    exchangeKey: bytes(32),
    exchangeSignature: bytes(64),
    salt: bytes(16),
    authKey: bytes(32),
    keyBackup: bytes(100),
    createdAt: 1_000,
    suspendedAt: null,
  },
  enrolments: { _id: 'mod', role: 'moderator', codeHash: bytes(32), createdAt: 1, expiresAt: 2 },
  sessions: {
    _id: 's-1',
    accountId: 'acc-1',
    deviceId: null,
    tokenHash: bytes(32),
    createdAt: 1,
    expiresAt: 2,
    revokedAt: null,
  },
  spentChallenges: { _id: 'c-1', expiresAt: 5 },
  meta: { _id: 'fake-salt-key', value: bytes(32) },
  devices: { _id: 'd-1', accountId: 'acc-1', deviceKey: bytes(32), addedAt: 1 },
  deviceLists: { _id: 'acc-1', version: 1, bytes: bytes(80), updatedAt: 1 },
  pendingDevices: { _id: 'd-2', accountId: 'acc-1', deviceKey: bytes(32), expiresAt: 9 },
  signedPrekeys: {
    _id: 'd-1',
    signedId: 1,
    signedPublicKey: bytes(32),
    signedSignature: bytes(64),
    kemId: 2,
    kemPublicKey: bytes(1184),
    kemSignature: bytes(64),
    updatedAt: 1,
  },
  oneTimePrekeys: { deviceId: 'd-1', keyId: 5, publicKey: bytes(32), signature: Buffer.alloc(0) },
  oneTimeKemPrekeys: { deviceId: 'd-1', keyId: 5, publicKey: bytes(1184), signature: bytes(64) },
  certificates: {
    _id: 'serial-1',
    accountId: 'acc-1',
    bytes: bytes(200),
    expiresAt: 9,
    createdAt: 1,
    storedSeq: 1,
  },
  revocationLists: { _id: 'current', issuedAt: 1, bytes: bytes(100) },
  counters: { _id: 'moderator_certificates', value: 3 },
  envelopePrekeys: {
    _id: 'acc-1',
    keyId: 7,
    publicKey: bytes(1216),
    createdAt: 1,
    expiresAt: 9,
    signature: bytes(64),
  },
  audit: {
    _id: 1,
    type: 'statement',
    recordedAt: 1,
    payload: bytes(50),
    certificate: null,
    payloadDigest: bytes(32),
    prevHash: bytes(32),
    hash: bytes(32),
  },
  vetting: { _id: 'vol-1', tier: 'high', since: 1, decidedBy: ['mod-1', 'mod-2'] },
  endorsements: {
    volunteerId: 'vol-1',
    moderatorId: 'mod-1',
    seq: 3,
    certificateSerial: 'serial-1',
    certificateExpiresAt: 9,
    endorsedAt: 1,
  },
  offers: {
    _id: 'vol-1',
    skills: [{ code: 'legal.asylum', level: 2 }],
    languages: ['ru'],
    regions: ['RU-MOW'],
    utcOffsetMinutes: 180,
    availability: bytes(21),
    capacity: 2,
    paused: false,
    note: null,
    updatedAt: 1,
  },
  requests: {
    _id: 'r-1',
    ownerId: 'acc-1',
    clientId: 'c-1',
    skills: ['legal.asylum'],
    urgency: 'high',
    languages: ['ru'],
    region: 'RU-MOW',
    state: 'open',
    details: bytes(100),
    createdAt: 1,
    updatedAt: 1,
  },
  proposals: {
    _id: 'p-1',
    requestId: 'r-1',
    volunteerId: 'vol-1',
    contactId: 'acc-1',
    score: 0.5,
    reasons: '[]',
    alternatives: '[]',
    state: 'pending',
    approvals: [{ moderatorId: 'mod-1', seq: 4 }],
    createdAt: 1,
    decidedAt: null,
    offeredUntil: null,
    updatedAt: 1,
    decidedBy: null,
    decisionSeq: null,
    decisionReason: null,
    note: null,
  },
  pairBars: { contactId: 'acc-1', volunteerId: 'vol-1', reason: 'blocked', at: 1 },
  reports: {
    _id: 'rep-1',
    reporterId: 'acc-1',
    subjectId: 'vol-1',
    reason: 'harassment',
    requestId: null,
    conversationId: null,
    note: null,
    fromNewAccount: true,
    state: 'open',
    createdAt: 1,
    closedAt: null,
  },
  conversations: {
    _id: 'conv-1',
    firstId: 'acc-1',
    secondId: 'vol-1',
    open: true,
    ttlMs: 86_400_000,
    lastSeq: 0,
    createdAt: 1,
    closedAt: null,
    devicesEpoch: 0,
  },
  messages: {
    conversationId: 'conv-1',
    seq: 1,
    senderId: 'acc-1',
    senderDeviceId: 'd-1',
    clientId: 'm-1',
    sentAt: 1,
    expireAt: new Date(86_400_001),
  },
  envelopes: {
    conversationId: 'conv-1',
    deviceId: 'd-9',
    seq: 1,
    senderId: 'acc-1',
    senderDeviceId: 'd-1',
    sentAt: 1,
    bytes: 10,
    body: bytes(10),
    expireAt: new Date(86_400_001),
  },
  conversationDevices: { conversationId: 'conv-1', deviceId: 'd-9', ackedSeq: 0 },
  locks: { _id: 'handle:alice', n: 1 },
};

const { models } = offlineContext();
const names = Object.keys(MONGO_SCHEMAS) as (keyof MongoModels)[];

/** validateSync's errors by path for `doc` on model `name` (undefined: valid). */
function errorsOf(name: keyof MongoModels, doc: Record<string, unknown>) {
  const model = models[name] as unknown as new (doc: unknown) => {
    validateSync(): { errors: Record<string, unknown> } | undefined;
    toObject(): Record<string, unknown>;
  };
  return new model(doc).validateSync()?.errors;
}

function instanceOf(name: keyof MongoModels, doc: Record<string, unknown>) {
  const model = models[name] as unknown as new (doc: unknown) => {
    toObject(): Record<string, unknown>;
  };
  return new model(doc).toObject();
}

/** The schema's paths by kind, for the generic refusals below. */
function pathsOf(schema: Schema) {
  return Object.entries(schema.paths).map(([path, type]) => ({
    path,
    instance: type.instance,
    required: Boolean((type as unknown as { isRequired?: boolean }).isRequired),
    hasDefault: (type as unknown as { defaultValue?: unknown }).defaultValue !== undefined,
    enumValues: ((type as unknown as { enumValues?: unknown[] }).enumValues ?? []).filter(
      (value) => value !== null,
    ),
  }));
}

describe('every schema validates (validateSync)', () => {
  it('has a valid document for every model and a model for every schema', () => {
    expect(Object.keys(VALID).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s accepts a well-formed document', (name) => {
    expect(errorsOf(name, VALID[name])).toBeUndefined();
  });

  it.each(names)('%s refuses a document missing any required path', (name) => {
    // A path with a default (a counter at 0; lists, which mongoose starts empty) is filled in:
    // the non-empty lists are checked below instead.
    const required = pathsOf(MONGO_SCHEMAS[name]).filter(
      (p) => p.required && !p.hasDefault && p.instance !== 'Array' && p.path !== '_id',
    );
    for (const { path } of required) {
      const { [path]: _gone, ...rest } = VALID[name];
      expect({ path, errors: Object.keys(errorsOf(name, rest) ?? {}) }).toEqual({
        path,
        errors: [path],
      });
    }
  });

  it.each(names)('%s refuses an operator object in place of any scalar value', (name) => {
    const scalars = pathsOf(MONGO_SCHEMAS[name]).filter((p) =>
      ['String', 'Number', 'Buffer', 'Date', 'Boolean'].includes(p.instance),
    );
    expect(scalars.length).toBeGreaterThan(0);
    for (const { path } of scalars) {
      const errors = errorsOf(name, { ...VALID[name], [path]: { $ne: null } });
      expect({ path, refused: errors !== undefined && path in errors }).toEqual({
        path,
        refused: true,
      });
    }
  });

  it.each(names)('%s refuses a value outside any enum', (name) => {
    for (const { path } of pathsOf(MONGO_SCHEMAS[name]).filter((p) => p.enumValues.length > 0)) {
      const errors = errorsOf(name, { ...VALID[name], [path]: 'not-a-listed-value' });
      expect({ path, refused: errors !== undefined && path in errors }).toEqual({
        path,
        refused: true,
      });
    }
  });

  it.each(names)('%s drops paths it does not declare (strict)', (name) => {
    const stored = instanceOf(name, { ...VALID[name], isAdmin: true, $where: 'sleep(1)' });
    expect(stored).not.toHaveProperty('isAdmin');
    expect(stored).not.toHaveProperty('$where');
  });

  it('refuses the specific malformed values the store must never hold', () => {
    expect(errorsOf('accounts', { ...VALID.accounts, role: 'root' })).toHaveProperty('role');
    expect(errorsOf('vetting', { ...VALID.vetting, decidedBy: [] })).toHaveProperty('decidedBy');
    expect(errorsOf('vetting', { ...VALID.vetting, decidedBy: ['a', 'b', 'c'] })).toHaveProperty(
      'decidedBy',
    );
    expect(
      errorsOf('offers', { ...VALID.offers, skills: [{ code: 'x', level: 4 }] }),
    ).toBeDefined();
    for (const path of ['skills', 'languages', 'regions']) {
      expect(errorsOf('offers', { ...VALID.offers, [path]: [] })).toHaveProperty(path);
    }
    for (const path of ['skills', 'languages']) {
      expect(errorsOf('requests', { ...VALID.requests, [path]: [] })).toHaveProperty(path);
    }
    expect(errorsOf('conversations', { ...VALID.conversations, lastSeq: -1 })).toHaveProperty(
      'lastSeq',
    );
    expect(errorsOf('audit', { ...VALID.audit, _id: 0 })).toHaveProperty('_id');
    expect(errorsOf('revocationLists', { ...VALID.revocationLists, _id: 'older' })).toHaveProperty(
      '_id',
    );
    expect(errorsOf('oneTimePrekeys', { ...VALID.oneTimePrekeys, keyId: 2 ** 32 })).toHaveProperty(
      'keyId',
    );
    expect(errorsOf('messages', { ...VALID.messages, seq: 0 })).toHaveProperty('seq');
  });
});

describe('every schema is strict and builds nothing lazily', () => {
  it.each(names)('%s', (name) => {
    const options = MONGO_SCHEMAS[name].options;
    expect(options).toMatchObject({
      strict: true,
      strictQuery: true,
      autoIndex: false,
      autoCreate: false,
      versionKey: false,
    });
  });
});

/** A schema's declared indexes as [fields, options] with only the options that matter here. */
function indexes(name: keyof MongoModels) {
  return MONGO_SCHEMAS[name].indexes().map(([fields, options]) => ({
    fields,
    unique: options.unique === true,
    ...(options.expireAfterSeconds === undefined
      ? {}
      : { expireAfterSeconds: options.expireAfterSeconds }),
    ...(options.partialFilterExpression === undefined
      ? {}
      : { partial: options.partialFilterExpression }),
  }));
}

describe('the indexes the guarantees rest on are declared', () => {
  it.each([
    [
      'one message per sender clientId',
      'messages',
      { conversationId: 1, senderId: 1, clientId: 1 },
      { unique: true },
    ],
    [
      'one message per sequence number',
      'messages',
      { conversationId: 1, seq: 1 },
      { unique: true },
    ],
    [
      'disappearing messages (TTL)',
      'messages',
      { expireAt: 1 },
      { unique: false, expireAfterSeconds: 0 },
    ],
    [
      'disappearing envelopes (TTL)',
      'envelopes',
      { expireAt: 1 },
      { unique: false, expireAfterSeconds: 0 },
    ],
    [
      'one envelope per device and number',
      'envelopes',
      { conversationId: 1, deviceId: 1, seq: 1 },
      { unique: true },
    ],
    [
      'one-time prekeys, taken lowest id first',
      'oneTimePrekeys',
      { deviceId: 1, keyId: 1 },
      { unique: true },
    ],
    ['one-time KEM prekeys', 'oneTimeKemPrekeys', { deviceId: 1, keyId: 1 }, { unique: true }],
    ['one account per handle', 'accounts', { handle: 1 }, { unique: true }],
    ['one session per token hash', 'sessions', { tokenHash: 1 }, { unique: true }],
    [
      'one open conversation per pair',
      'conversations',
      { firstId: 1, secondId: 1 },
      { unique: true, partial: { open: true } },
    ],
    ['one request per owner clientId', 'requests', { ownerId: 1, clientId: 1 }, { unique: true }],
    [
      'one proposal per request and volunteer',
      'proposals',
      { requestId: 1, volunteerId: 1 },
      { unique: true },
    ],
    [
      'one open report per reporter and subject',
      'reports',
      { reporterId: 1, subjectId: 1 },
      { unique: true, partial: { state: 'open' } },
    ],
    [
      'one bar per pair and reason',
      'pairBars',
      { contactId: 1, volunteerId: 1, reason: 1 },
      { unique: true },
    ],
    [
      'one endorsement per volunteer and moderator',
      'endorsements',
      { volunteerId: 1, moderatorId: 1 },
      { unique: true },
    ],
    ['audit payloads unique', 'audit', { payloadDigest: 1 }, { unique: true }],
    ['audit hashes unique', 'audit', { hash: 1 }, { unique: true }],
    [
      'one conversation high water per device',
      'conversationDevices',
      { conversationId: 1, deviceId: 1 },
      { unique: true },
    ],
  ] as const)('%s', (_what, name, fields, expected) => {
    expect(indexes(name)).toContainEqual({ fields, ...expected });
  });

  it('keys every one-per-something record by _id, which MongoDB keeps unique', () => {
    // Enrolments by handle, device lists and offers and envelope prekeys and vetting by account,
    // signed prekeys by device, certificates by serial, audit entries by seq, spent challenges
    // and meta values by their id: each `_id` is declared, a String or (audit) a Number.
    for (const name of [
      'enrolments',
      'deviceLists',
      'offers',
      'envelopePrekeys',
      'vetting',
      'signedPrekeys',
      'certificates',
      'spentChallenges',
      'meta',
    ] as const) {
      expect(MONGO_SCHEMAS[name].paths._id?.instance).toBe('String');
    }
    expect(MONGO_SCHEMAS.audit.paths._id?.instance).toBe('Number');
  });
});
