// AuditStore on MongoDB: the append-only audit_log collection, and the audited writes — one
// transaction checks the head the entry was chained to (under the log's lock), refuses a payload
// already logged, applies the decision's effect with the same helpers the other stores use, and
// appends the entry; majority-committed before the caller hears of it.
import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import { AUDIT_ENTRY_TYPES, auditGenesisHash } from '@kolokol/shared/crypto';
import type {
  AppendOutcome,
  AuditEffect,
  AuditEntryRecord,
  AuditHead,
  AuditStore,
} from '../ports.js';
import { accountFilters, suspendIn } from './accounts.js';
import { putCertificateIn, putRevocationListIn } from './certificates.js';
import { toBuffer, toBufferOrNull, toBytes, toBytesOrNull } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { ProposalConflict, applyProposalChangeIn } from './proposals.js';
import { closeReportIn } from './reports.js';
import { Rollback, inTransaction, lock } from './transactions.js';
import { applyVettingIn } from './vetting.js';

export interface AuditEntryDoc {
  /** The entry's seq: 1, 2, 3, … without gaps. */
  readonly _id: number;
  readonly type: string;
  readonly recordedAt: number;
  readonly payload: Buffer;
  readonly certificate: Buffer | null;
  readonly payloadDigest: Buffer;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

export const auditEntrySchema = new Schema<AuditEntryDoc>(
  {
    _id: { type: Number, required: true, min: 1 },
    type: { type: String, required: true, enum: AUDIT_ENTRY_TYPES },
    recordedAt: { type: Number, required: true },
    payload: { type: Buffer, required: true },
    certificate: { type: Buffer, default: null },
    payloadDigest: { type: Buffer, required: true },
    prevHash: { type: Buffer, required: true },
    hash: { type: Buffer, required: true },
  },
  schemaOptions('audit_log'),
);
// Payloads are unique by SHA-256 (a replayed statement is refused), and so are hashes.
auditEntrySchema.index({ payloadDigest: 1 }, { unique: true, name: 'audit_log_by_payload_digest' });
auditEntrySchema.index({ hash: 1 }, { unique: true, name: 'audit_log_by_hash' });

export const auditFilters = {
  byDigest: (digest: Uint8Array): FilterQuery<AuditEntryDoc> => ({
    payloadDigest: toBuffer(digest),
  }),
  byHash: (hash: Uint8Array): FilterQuery<AuditEntryDoc> => ({ hash: toBuffer(hash) }),
  after: (seq: number): FilterQuery<AuditEntryDoc> => ({ _id: op({ $gt: seq }) }),
};

/** The lock every append takes: appends are rare, and the chain admits one at a time anyway. */
const AUDIT_LOCK = 'audit-log';

function toEntry(doc: AuditEntryDoc): AuditEntryRecord {
  const type = AUDIT_ENTRY_TYPES.find((known) => known === doc.type);
  if (type === undefined) throw new Error('store: unknown audit entry type');
  return {
    seq: doc._id,
    type,
    recordedAt: doc.recordedAt,
    payload: toBytes(doc.payload),
    certificate: toBytesOrNull(doc.certificate),
    prevHash: toBytes(doc.prevHash),
    hash: toBytes(doc.hash),
  };
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

type NotApplied = Extract<AppendOutcome, { kind: 'not-applied' }>;

function refuse(reason: NotApplied['reason']): never {
  throw new Rollback<AppendOutcome>({ kind: 'not-applied', reason });
}

/** Applies the effect inside the append's transaction; the sessions a suspension revoked. */
async function apply(
  models: MongoModels,
  session: ClientSession,
  effect: AuditEffect,
): Promise<string[]> {
  switch (effect.kind) {
    case 'vetting':
      await applyVettingIn(models, session, effect.change);
      return [];
    case 'suspend': {
      // The report first: a suspension that names one happens only with it.
      if (
        effect.reportId !== undefined &&
        !(await closeReportIn(models, session, {
          id: effect.reportId,
          state: 'actioned',
          at: effect.at,
          subjectId: effect.accountId,
        }))
      ) {
        refuse('report-not-open');
      }
      return (
        (await suspendIn(models, session, effect.accountId, effect.at)) ?? refuse('no-such-account')
      );
    }
    case 'reinstate': {
      const result = await models.accounts.updateOne(
        accountFilters.byId(effect.accountId),
        { $set: { suspendedAt: null } },
        { session },
      );
      if (result.matchedCount === 0) refuse('no-such-account');
      return [];
    }
    case 'certificate': {
      const outcome = await putCertificateIn(models, session, effect.certificate);
      if (outcome !== 'stored') refuse(outcome);
      return [];
    }
    case 'revocation-list':
      if ((await putRevocationListIn(models, session, effect.list)) !== 'stored') refuse('stale');
      return [];
    case 'proposal':
      try {
        await applyProposalChangeIn(models, session, effect.change);
      } catch (error) {
        if (error instanceof ProposalConflict) refuse('state-moved');
        throw error;
      }
      return [];
    case 'dismiss-report':
      if (
        !(await closeReportIn(models, session, {
          id: effect.reportId,
          state: 'dismissed',
          at: effect.at,
        }))
      ) {
        refuse('report-not-open');
      }
      return [];
  }
}

async function headIn(models: MongoModels, session?: ClientSession): Promise<AuditHead> {
  const query = models.audit.findOne({}, { _id: 1, hash: 1 }).sort({ _id: -1 });
  const last = await (session === undefined ? query : query.session(session)).lean<{
    _id: number;
    hash: Buffer;
  }>();
  return last === null
    ? { length: 0, hash: auditGenesisHash() }
    : { length: last._id, hash: toBytes(last.hash) };
}

export function createMongoAuditStore({ connection, models }: MongoContext): AuditStore {
  const { audit, locks } = models;
  return {
    head() {
      return headIn(models);
    },

    append(entry, effect) {
      return inTransaction(connection, async (session): Promise<AppendOutcome> => {
        await lock(locks, session, AUDIT_LOCK);
        const current = await headIn(models, session);
        if (
          current.length !== entry.seq - 1 ||
          Buffer.compare(current.hash, entry.prevHash) !== 0
        ) {
          return { kind: 'head-moved' };
        }
        const digest = sha256(entry.payload);
        if ((await audit.exists(auditFilters.byDigest(digest)).session(session)) !== null) {
          return { kind: 'duplicate' };
        }
        const revokedSessionIds = await apply(models, session, effect);
        await audit.create(
          [
            {
              _id: entry.seq,
              type: entry.type,
              recordedAt: entry.recordedAt,
              payload: toBuffer(entry.payload),
              certificate: toBufferOrNull(entry.certificate),
              payloadDigest: toBuffer(digest),
              prevHash: toBuffer(entry.prevHash),
              hash: toBuffer(entry.hash),
            },
          ],
          { session },
        );
        return { kind: 'appended', revokedSessionIds };
      });
    },

    async hasPayloadDigest(digest) {
      return (await audit.exists(auditFilters.byDigest(digest))) !== null;
    },

    async seqOfHash(hash) {
      const doc = await audit
        .findOne(auditFilters.byHash(hash), { _id: 1 })
        .lean<{ _id: number }>();
      return doc?._id;
    },

    async entries(afterSeq, limit) {
      const docs = await audit
        .find(auditFilters.after(afterSeq))
        .sort({ _id: 1 })
        .limit(limit)
        .lean<AuditEntryDoc[]>();
      return docs.map(toEntry);
    },
  };
}
