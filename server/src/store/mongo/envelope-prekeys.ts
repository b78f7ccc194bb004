// EnvelopePrekeyStore on MongoDB: one document per account, its newest envelope prekey.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import type { EnvelopePrekeyRecord, EnvelopePrekeyStore } from '../ports.js';
import { toBuffer, toBytes } from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface EnvelopePrekeyDoc {
  /** The account: one current prekey each. */
  readonly _id: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly signature: Buffer;
}

export const envelopePrekeySchema = new Schema<EnvelopePrekeyDoc>(
  {
    _id: { type: String, required: true },
    keyId: { type: Number, required: true, min: 1, max: 0xffff_ffff },
    publicKey: { type: Buffer, required: true },
    createdAt: { type: Number, required: true },
    expiresAt: { type: Number, required: true },
    signature: { type: Buffer, required: true },
  },
  schemaOptions('envelope_prekeys'),
);

export const envelopePrekeyFilters = {
  ofAccounts: (accountIds: readonly string[]): FilterQuery<EnvelopePrekeyDoc> => ({
    _id: op({ $in: [...accountIds] }),
  }),
};

function toRecord(doc: EnvelopePrekeyDoc): EnvelopePrekeyRecord {
  return {
    accountId: doc._id,
    id: doc.keyId,
    publicKey: toBytes(doc.publicKey),
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    signature: toBytes(doc.signature),
  };
}

function sameRecord(doc: EnvelopePrekeyDoc, record: EnvelopePrekeyRecord): boolean {
  return (
    doc.keyId === record.id &&
    doc.createdAt === record.createdAt &&
    doc.expiresAt === record.expiresAt &&
    Buffer.compare(toBytes(doc.publicKey), record.publicKey) === 0 &&
    Buffer.compare(toBytes(doc.signature), record.signature) === 0
  );
}

export function createMongoEnvelopePrekeyStore({
  connection,
  models,
}: MongoContext): EnvelopePrekeyStore {
  const { envelopePrekeys, locks } = models;
  return {
    putEnvelopePrekey(record) {
      return inTransaction(connection, async (session) => {
        await lock(locks, session, `envelope-prekey:${record.accountId}`);
        const stored = await envelopePrekeys
          .findOne({ _id: record.accountId })
          .session(session)
          .lean<EnvelopePrekeyDoc>();
        if (stored !== null && !(record.createdAt > stored.createdAt)) {
          return sameRecord(stored, record) ? ('already-stored' as const) : ('stale' as const);
        }
        await envelopePrekeys.replaceOne(
          { _id: record.accountId },
          {
            _id: record.accountId,
            keyId: record.id,
            publicKey: toBuffer(record.publicKey),
            createdAt: record.createdAt,
            expiresAt: record.expiresAt,
            signature: toBuffer(record.signature),
          },
          { upsert: true, session },
        );
        return 'stored' as const;
      });
    },

    async findEnvelopePrekey(accountId) {
      const doc = await envelopePrekeys.findOne({ _id: accountId }).lean<EnvelopePrekeyDoc>();
      return doc === null ? undefined : toRecord(doc);
    },

    async findEnvelopePrekeys(accountIds) {
      if (accountIds.length === 0) return [];
      const docs = await envelopePrekeys
        .find(envelopePrekeyFilters.ofAccounts(accountIds))
        .sort({ _id: 1 })
        .lean<EnvelopePrekeyDoc[]>();
      return docs.map(toRecord);
    },
  };
}
