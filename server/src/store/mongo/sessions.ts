// SessionStore on MongoDB: bearer-token sessions kept only as token hashes, with expiry and
// revocation; binding a session to a device is checked against the device in one transaction.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import type { SessionRecord, SessionStore } from '../ports.js';
import { toBuffer, toBytes } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { deviceLock } from './devices.js';
import { Rollback, inTransaction, lock } from './transactions.js';

export interface SessionDoc {
  readonly _id: string;
  readonly accountId: string;
  readonly deviceId: string | null;
  readonly tokenHash: Buffer;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

export const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    deviceId: { type: String, default: null },
    tokenHash: { type: Buffer, required: true },
    createdAt: { type: Number, required: true },
    expiresAt: { type: Number, required: true },
    revokedAt: { type: Number, default: null },
  },
  schemaOptions('sessions'),
);
sessionSchema.index({ tokenHash: 1 }, { unique: true, name: 'sessions_by_token_hash' });
sessionSchema.index({ accountId: 1 }, { name: 'sessions_by_account' });
sessionSchema.index({ deviceId: 1 }, { name: 'sessions_by_device' });
sessionSchema.index({ expiresAt: 1 }, { name: 'sessions_by_expiry' });

// A session is live while `now < expiresAt` and it has not been revoked.
export const sessionFilters = {
  byId: (id: string): FilterQuery<SessionDoc> => ({ _id: id }),
  byTokenHash: (tokenHash: Uint8Array): FilterQuery<SessionDoc> => ({
    tokenHash: toBuffer(tokenHash),
  }),
  /** Unbound, or bound to this very device. */
  bindable: (id: string, deviceId: string): FilterQuery<SessionDoc> => ({
    _id: id,
    deviceId: op({ $in: [null, deviceId] }),
  }),
  unrevoked: (id: string): FilterQuery<SessionDoc> => ({ _id: id, revokedAt: null }),
  liveOfAccount: (accountId: string, now: number, exceptId?: string): FilterQuery<SessionDoc> => ({
    accountId,
    revokedAt: null,
    expiresAt: op({ $gt: now }),
    ...(exceptId === undefined ? {} : { _id: op({ $ne: exceptId }) }),
  }),
  unrevokedOfDevice: (deviceId: string): FilterQuery<SessionDoc> => ({
    deviceId,
    revokedAt: null,
  }),
  liveAmong: (ids: readonly string[], now: number): FilterQuery<SessionDoc> => ({
    _id: op({ $in: [...ids] }),
    revokedAt: null,
    expiresAt: op({ $gt: now }),
  }),
  purgeable: (before: number): FilterQuery<SessionDoc> => ({
    $or: [{ expiresAt: op({ $lt: before }) }, { revokedAt: op({ $ne: null, $lt: before }) }],
  }),
};

function toSession(doc: SessionDoc): SessionRecord {
  return {
    id: doc._id,
    accountId: doc.accountId,
    deviceId: doc.deviceId ?? null,
    tokenHash: toBytes(doc.tokenHash),
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt ?? null,
  };
}

/**
 * Revokes every live session of an account (but `exceptId`) at `at`, inside the caller's
 * transaction, and returns their ids. Shared with suspension, re-keying and the audited writes.
 */
export async function revokeLiveSessions(
  models: MongoModels,
  session: ClientSession,
  options: { readonly accountId: string; readonly at: number; readonly exceptId?: string },
): Promise<string[]> {
  const live = await models.sessions
    .find(sessionFilters.liveOfAccount(options.accountId, options.at, options.exceptId), { _id: 1 })
    .session(session)
    .lean<{ _id: string }[]>();
  const ids = live.map((doc) => doc._id);
  if (ids.length > 0) {
    await models.sessions.updateMany(
      { _id: op({ $in: ids }) },
      { $set: { revokedAt: options.at } },
      { session },
    );
  }
  return ids;
}

/** Revokes the device's unrevoked sessions inside the caller's transaction: their ids. */
export async function revokeSessionsOfDevice(
  models: MongoModels,
  session: ClientSession,
  deviceId: string,
  at: number,
): Promise<string[]> {
  const bound = await models.sessions
    .find(sessionFilters.unrevokedOfDevice(deviceId), { _id: 1 })
    .session(session)
    .lean<{ _id: string }[]>();
  const ids = bound.map((doc) => doc._id);
  if (ids.length > 0) {
    await models.sessions.updateMany(
      { _id: op({ $in: ids }) },
      { $set: { revokedAt: at } },
      { session },
    );
  }
  return ids;
}

export function createMongoSessionStore({ connection, models }: MongoContext): SessionStore {
  const { sessions, accounts, devices, locks } = models;
  return {
    async create(record) {
      await sessions.create([
        {
          _id: record.id,
          accountId: record.accountId,
          deviceId: record.deviceId,
          tokenHash: toBuffer(record.tokenHash),
          createdAt: record.createdAt,
          expiresAt: record.expiresAt,
          revokedAt: record.revokedAt,
        },
      ]);
    },

    async findByTokenHash(tokenHash) {
      const doc = await sessions.findOne(sessionFilters.byTokenHash(tokenHash)).lean<SessionDoc>();
      return doc === null ? undefined : toSession(doc);
    },

    bindDevice(sessionId, deviceId) {
      // The device lock is the one a device list change takes: a device removed meanwhile (and
      // its sessions revoked) cannot be bound, and a bound session never moves.
      return inTransaction(connection, async (session) => {
        await lock(locks, session, deviceLock(deviceId));
        const current = await sessions
          .findOne(sessionFilters.byId(sessionId), { accountId: 1, deviceId: 1 })
          .session(session)
          .lean<{ accountId: string; deviceId: string | null }>();
        if (current === null) return false;
        const device = await devices
          .exists({ _id: deviceId, accountId: current.accountId })
          .session(session);
        if (device === null) throw new Rollback(false);
        const bound = await sessions.updateOne(
          sessionFilters.bindable(sessionId, deviceId),
          { $set: { deviceId } },
          { session },
        );
        return bound.matchedCount === 1;
      });
    },

    async revoke(id, at) {
      const result = await sessions.updateOne(sessionFilters.unrevoked(id), {
        $set: { revokedAt: at },
      });
      return result.matchedCount > 0;
    },

    revokeAllForAccount(accountId, at) {
      return inTransaction(connection, (session) =>
        revokeLiveSessions(models, session, { accountId, at }),
      );
    },

    async filterLive(ids, now) {
      if (ids.length === 0) return new Set();
      const live = await sessions
        .find(sessionFilters.liveAmong(ids, now), { _id: 1, accountId: 1 })
        .lean<{ _id: string; accountId: string }[]>();
      if (live.length === 0) return new Set();
      // A suspension ends its sessions even where no revocation was written.
      const active = await accounts
        .find(
          { _id: op({ $in: [...new Set(live.map((doc) => doc.accountId))] }), suspendedAt: null },
          { _id: 1 },
        )
        .lean<{ _id: string }[]>();
      const activeIds = new Set(active.map((doc) => doc._id));
      return new Set(live.filter((doc) => activeIds.has(doc.accountId)).map((doc) => doc._id));
    },

    async purge(before) {
      const result = await sessions.deleteMany(sessionFilters.purgeable(before));
      return result.deletedCount;
    },
  };
}
