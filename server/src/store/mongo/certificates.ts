// CertificateStore on MongoDB: root-signed moderator certificates (one document per serial, the
// newest stored per account served) and the newest revocation list, stored opaque.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import type {
  CertificateStore,
  ModeratorCertificateRecord,
  RevocationListRecord,
} from '../ports.js';
import { toBuffer, toBytes } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface CertificateDoc {
  /** The serial: a serial names one certificate. */
  readonly _id: string;
  readonly accountId: string;
  readonly bytes: Buffer;
  readonly expiresAt: number;
  readonly createdAt: number;
  /** Storage order (a counter taken in the storing transaction): the newest is served. */
  readonly storedSeq: number;
}

export interface RevocationListDoc {
  /** Always 'current': one list is kept. */
  readonly _id: string;
  readonly issuedAt: number;
  readonly bytes: Buffer;
}

export interface CounterDoc {
  readonly _id: string;
  readonly value: number;
}

export const certificateSchema = new Schema<CertificateDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    bytes: { type: Buffer, required: true },
    expiresAt: { type: Number, required: true },
    createdAt: { type: Number, required: true },
    storedSeq: { type: Number, required: true, min: 1 },
  },
  schemaOptions('moderator_certificates'),
);
certificateSchema.index(
  { accountId: 1, storedSeq: -1 },
  { name: 'moderator_certificates_by_account' },
);

export const revocationListSchema = new Schema<RevocationListDoc>(
  {
    _id: { type: String, required: true, enum: ['current'] },
    issuedAt: { type: Number, required: true },
    bytes: { type: Buffer, required: true },
  },
  schemaOptions('revocation_list'),
);

export const counterSchema = new Schema<CounterDoc>(
  {
    _id: { type: String, required: true },
    value: { type: Number, required: true, min: 0 },
  },
  schemaOptions('counters'),
);

const CURRENT_LIST = 'current';

export const certificateFilters = {
  ofAccount: (accountId: string): FilterQuery<CertificateDoc> => ({ accountId }),
  olderList: (issuedAt: number): FilterQuery<RevocationListDoc> => ({
    _id: CURRENT_LIST,
    issuedAt: op({ $lt: issuedAt }),
  }),
};

function toCertificate(doc: CertificateDoc): ModeratorCertificateRecord {
  return {
    accountId: doc.accountId,
    serial: doc._id,
    bytes: toBytes(doc.bytes),
    expiresAt: doc.expiresAt,
    createdAt: doc.createdAt,
  };
}

/** Stores a certificate inside the caller's transaction (shared with the audited writes). */
export async function putCertificateIn(
  models: MongoModels,
  session: ClientSession,
  certificate: ModeratorCertificateRecord,
): Promise<'stored' | 'already-stored' | 'serial-taken'> {
  await lock(models.locks, session, `certificate:${certificate.serial}`);
  const stored = await models.certificates
    .findOne({ _id: certificate.serial }, { accountId: 1, bytes: 1 })
    .session(session)
    .lean<{ accountId: string; bytes: Buffer }>();
  if (stored !== null) {
    return stored.accountId === certificate.accountId &&
      Buffer.compare(toBytes(stored.bytes), certificate.bytes) === 0
      ? 'already-stored'
      : 'serial-taken';
  }
  const counter = await models.counters
    .findOneAndUpdate(
      { _id: 'moderator_certificates' },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after', session },
    )
    .lean<CounterDoc>();
  if (counter === null) throw new Error('store: certificate counter not written');
  await models.certificates.create(
    [
      {
        _id: certificate.serial,
        accountId: certificate.accountId,
        bytes: toBuffer(certificate.bytes),
        expiresAt: certificate.expiresAt,
        createdAt: certificate.createdAt,
        storedSeq: counter.value,
      },
    ],
    { session },
  );
  return 'stored';
}

/** Stores the list if newer, inside the caller's transaction (shared with the audited writes). */
export async function putRevocationListIn(
  models: MongoModels,
  session: ClientSession,
  list: RevocationListRecord,
): Promise<'stored' | 'stale'> {
  await lock(models.locks, session, 'revocation-list');
  const current = await models.revocationLists
    .findOne({ _id: CURRENT_LIST }, { issuedAt: 1 })
    .session(session)
    .lean<{ issuedAt: number }>();
  if (current !== null && !(list.issuedAt > current.issuedAt)) return 'stale';
  await models.revocationLists.replaceOne(
    { _id: CURRENT_LIST },
    { _id: CURRENT_LIST, issuedAt: list.issuedAt, bytes: toBuffer(list.bytes) },
    { upsert: true, session },
  );
  return 'stored';
}

export function createMongoCertificateStore({
  connection,
  models,
}: MongoContext): CertificateStore {
  const { certificates, revocationLists } = models;
  return {
    putModeratorCertificate(certificate) {
      return inTransaction(connection, (session) => putCertificateIn(models, session, certificate));
    },

    async findModeratorCertificate(accountId) {
      const doc = await certificates
        .findOne(certificateFilters.ofAccount(accountId))
        .sort({ storedSeq: -1 })
        .lean<CertificateDoc>();
      return doc === null ? undefined : toCertificate(doc);
    },

    async listModeratorCertificates() {
      // One certificate per account, the one served: a superseded certificate is history.
      const docs = await certificates
        .find({})
        .sort({ accountId: 1, storedSeq: -1 })
        .lean<CertificateDoc[]>();
      const newest = new Map<string, CertificateDoc>();
      for (const doc of docs) if (!newest.has(doc.accountId)) newest.set(doc.accountId, doc);
      return [...newest.values()].map(toCertificate);
    },

    putRevocationList(list) {
      return inTransaction(connection, (session) => putRevocationListIn(models, session, list));
    },

    async latestRevocationList() {
      const doc = await revocationLists.findOne({ _id: CURRENT_LIST }).lean<RevocationListDoc>();
      return doc === null ? undefined : { issuedAt: doc.issuedAt, bytes: toBytes(doc.bytes) };
    },
  };
}
