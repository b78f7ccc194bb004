// EnrolmentStore on MongoDB: handles reserved by the operator for a one-time enrolment code.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import { ROLES } from '@kolokol/shared';
import type { EnrolmentStore } from '../ports.js';
import { handleLock } from './accounts.js';
import { toBuffer, toBytes, toRole } from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface EnrolmentDoc {
  /** The handle reserved: one enrolment per handle. */
  readonly _id: string;
  readonly role: string;
  readonly codeHash: Buffer;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export const enrolmentSchema = new Schema<EnrolmentDoc>(
  {
    _id: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    codeHash: { type: Buffer, required: true },
    createdAt: { type: Number, required: true },
    expiresAt: { type: Number, required: true },
  },
  schemaOptions('enrolments'),
);
enrolmentSchema.index({ expiresAt: 1 }, { name: 'enrolments_by_expiry' });

export const enrolmentFilters = {
  pendingFor: (handle: string, now: number): FilterQuery<EnrolmentDoc> => ({
    _id: handle,
    expiresAt: op({ $gt: now }),
  }),
  pending: (now: number): FilterQuery<EnrolmentDoc> => ({ expiresAt: op({ $gt: now }) }),
};

export function createMongoEnrolmentStore({ connection, models }: MongoContext): EnrolmentStore {
  const { enrolments, accounts, locks } = models;
  return {
    create(enrolment, options) {
      const replacePending = options?.replacePending === true;
      return inTransaction(connection, async (session) => {
        // The same lock as registration: the account check and the reservation see one state.
        await lock(locks, session, handleLock(enrolment.handle));
        if ((await accounts.exists({ handle: enrolment.handle }).session(session)) !== null) {
          return 'handle-taken' as const;
        }
        const pending =
          (await enrolments
            .exists(enrolmentFilters.pendingFor(enrolment.handle, enrolment.createdAt))
            .session(session)) !== null;
        if (pending && !replacePending) return 'pending' as const;
        // A new code voids the old one.
        await enrolments.replaceOne(
          { _id: enrolment.handle },
          {
            _id: enrolment.handle,
            role: enrolment.role,
            codeHash: toBuffer(enrolment.codeHash),
            createdAt: enrolment.createdAt,
            expiresAt: enrolment.expiresAt,
          },
          { upsert: true, session },
        );
        return pending ? ('replaced' as const) : ('created' as const);
      });
    },

    async findByHandle(handle, now) {
      const doc = await enrolments
        .findOne(enrolmentFilters.pendingFor(handle, now))
        .lean<EnrolmentDoc>();
      if (doc === null) return undefined;
      return {
        handle: doc._id,
        role: toRole(doc.role),
        codeHash: toBytes(doc.codeHash),
        createdAt: doc.createdAt,
        expiresAt: doc.expiresAt,
      };
    },

    async pendingHandles(now) {
      const docs = await enrolments
        .find(enrolmentFilters.pending(now), { _id: 1 })
        .lean<{ _id: string }[]>();
      return docs.map((doc) => doc._id);
    },
  };
}
