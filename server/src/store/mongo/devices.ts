// DeviceStore on MongoDB: one signed list per account, the devices it names, and reservations of
// new devices' ids. Publishing a list is one transaction; removing a device deletes its prekeys
// and undelivered envelopes and revokes its sessions in it (MongoDB has no cascading deletes).
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import type {
  DeviceListRecord,
  DeviceRecord,
  DeviceStore,
  PendingDeviceRecord,
  PublishDeviceListResult,
} from '../ports.js';
import { isDuplicateKey, toBuffer, toBytes } from './codec.js';
import type { MongoContext } from './context.js';
import { markDevicesChanged } from './conversations.js';
import { op, schemaOptions } from './mongoose.js';
import { revokeSessionsOfDevice } from './sessions.js';
import { Rollback, inTransaction, lock } from './transactions.js';

export interface DeviceDoc {
  readonly _id: string;
  readonly accountId: string;
  readonly deviceKey: Buffer;
  readonly addedAt: number;
}

export interface DeviceListDoc {
  /** The account: one list each. */
  readonly _id: string;
  readonly version: number;
  readonly bytes: Buffer;
  readonly updatedAt: number;
}

export interface PendingDeviceDoc {
  readonly _id: string;
  readonly accountId: string;
  readonly deviceKey: Buffer;
  readonly expiresAt: number;
}

export const deviceSchema = new Schema<DeviceDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    deviceKey: { type: Buffer, required: true },
    addedAt: { type: Number, required: true },
  },
  schemaOptions('devices'),
);
deviceSchema.index({ accountId: 1, _id: 1 }, { name: 'devices_by_account' });

export const deviceListSchema = new Schema<DeviceListDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, min: 0 },
    bytes: { type: Buffer, required: true },
    updatedAt: { type: Number, required: true },
  },
  schemaOptions('device_lists'),
);

export const pendingDeviceSchema = new Schema<PendingDeviceDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    deviceKey: { type: Buffer, required: true },
    expiresAt: { type: Number, required: true },
  },
  schemaOptions('pending_devices'),
);
pendingDeviceSchema.index({ accountId: 1, expiresAt: 1 }, { name: 'pending_devices_by_account' });
pendingDeviceSchema.index({ expiresAt: 1 }, { name: 'pending_devices_by_expiry' });

export const deviceFilters = {
  ofAccount: (accountId: string): FilterQuery<DeviceDoc> => ({ accountId }),
  ofAccountById: (accountId: string, id: string): FilterQuery<DeviceDoc> => ({
    _id: id,
    accountId,
  }),
  pendingOf: (accountId: string, id: string, now: number): FilterQuery<PendingDeviceDoc> => ({
    _id: id,
    accountId,
    expiresAt: op({ $gt: now }),
  }),
  expiredPendingOf: (accountId: string, now: number): FilterQuery<PendingDeviceDoc> => ({
    accountId,
    expiresAt: op({ $lte: now }),
  }),
  expiredPending: (now: number): FilterQuery<PendingDeviceDoc> => ({
    expiresAt: op({ $lte: now }),
  }),
  listAt: (accountId: string, version: number): FilterQuery<DeviceListDoc> => ({
    _id: accountId,
    version,
  }),
};

/** The lock of one device: taken by every write that needs the device to exist or not. */
export function deviceLock(deviceId: string): string {
  return `device:${deviceId}`;
}

function toDevice(doc: DeviceDoc): DeviceRecord {
  return {
    id: doc._id,
    accountId: doc.accountId,
    deviceKey: toBytes(doc.deviceKey),
    addedAt: doc.addedAt,
  };
}

function toPending(doc: PendingDeviceDoc): PendingDeviceRecord {
  return {
    id: doc._id,
    accountId: doc.accountId,
    deviceKey: toBytes(doc.deviceKey),
    expiresAt: doc.expiresAt,
  };
}

export function createMongoDeviceStore(context: MongoContext): DeviceStore {
  const { connection, models } = context;
  const { devices, deviceLists, pendingDevices, locks } = models;
  const gone = (): never => {
    throw new Rollback<PublishDeviceListResult>({ kind: 'gone' });
  };
  const conflict = (): never => {
    throw new Rollback<PublishDeviceListResult>({ kind: 'conflict' });
  };

  return {
    reserve(pending, maxPending, now) {
      return inTransaction(connection, async (session) => {
        // The count decides the insert: one lock per account's reservations.
        await lock(locks, session, `pending-devices:${pending.accountId}`);
        await pendingDevices.deleteMany(deviceFilters.expiredPendingOf(pending.accountId, now), {
          session,
        });
        const held = await pendingDevices
          .countDocuments({ accountId: pending.accountId })
          .session(session);
        if (held >= maxPending) return 'too-many' as const;
        await pendingDevices.create(
          [
            {
              _id: pending.id,
              accountId: pending.accountId,
              deviceKey: toBuffer(pending.deviceKey),
              expiresAt: pending.expiresAt,
            },
          ],
          { session },
        );
        return 'reserved' as const;
      });
    },

    async findPending(accountId, deviceId, now) {
      const doc = await pendingDevices
        .findOne(deviceFilters.pendingOf(accountId, deviceId, now))
        .lean<PendingDeviceDoc>();
      return doc === null ? undefined : toPending(doc);
    },

    async findList(accountId) {
      const doc = await deviceLists.findOne({ _id: accountId }).lean<DeviceListDoc>();
      return doc === null
        ? undefined
        : ({
            accountId: doc._id,
            version: doc.version,
            bytes: toBytes(doc.bytes),
            updatedAt: doc.updatedAt,
          } satisfies DeviceListRecord);
    },

    async listDevices(accountId) {
      const docs = await devices
        .find(deviceFilters.ofAccount(accountId))
        .sort({ _id: 1 })
        .lean<DeviceDoc[]>();
      return docs.map(toDevice);
    },

    async findDevice(deviceId) {
      const doc = await devices.findOne({ _id: deviceId }).lean<DeviceDoc>();
      return doc === null ? undefined : toDevice(doc);
    },

    async publish(update) {
      const { accountId, expectedVersion, list, change, now } = update;
      const changedDevice = change.kind === 'add' ? change.device.id : change.deviceId;
      try {
        return await inTransaction(
          connection,
          async (session): Promise<PublishDeviceListResult> => {
            await lock(locks, session, deviceLock(changedDevice));
            if (expectedVersion === null) {
              // The list's _id is the account: a concurrent first list meets a duplicate key.
              if ((await deviceLists.exists({ _id: accountId }).session(session)) !== null)
                conflict();
              await deviceLists.create(
                [
                  {
                    _id: accountId,
                    version: list.version,
                    bytes: toBuffer(list.bytes),
                    updatedAt: now,
                  },
                ],
                { session },
              );
            } else {
              // Compare-and-swap on the version: a concurrent change leaves this one writing nothing.
              const swapped = await deviceLists.updateOne(
                deviceFilters.listAt(accountId, expectedVersion),
                { $set: { version: list.version, bytes: toBuffer(list.bytes), updatedAt: now } },
                { session },
              );
              if (swapped.matchedCount !== 1) conflict();
            }
            let revokedSessionIds: string[] = [];
            if (change.kind === 'add') {
              const { device } = change;
              const consumed = await pendingDevices.deleteOne(
                deviceFilters.pendingOf(accountId, device.id, now),
                { session },
              );
              if (consumed.deletedCount !== 1) gone();
              await devices.create(
                [
                  {
                    _id: device.id,
                    accountId,
                    deviceKey: toBuffer(device.deviceKey),
                    addedAt: device.addedAt,
                  },
                ],
                { session },
              );
            } else {
              const removed = await devices.deleteOne(
                deviceFilters.ofAccountById(accountId, change.deviceId),
                { session },
              );
              if (removed.deletedCount !== 1) gone();
              await deleteDeviceData(context, session, change.deviceId);
              revokedSessionIds = await revokeSessionsOfDevice(
                models,
                session,
                change.deviceId,
                now,
              );
            }
            // Sends to or from this account decided on the old device set now conflict with this
            // write and are retried against the new one.
            await markDevicesChanged(models, session, accountId);
            return { kind: 'published', revokedSessionIds };
          },
        );
      } catch (error) {
        if (isDuplicateKey(error)) return { kind: 'conflict' };
        throw error;
      }
    },

    async purgePending(now) {
      const result = await pendingDevices.deleteMany(deviceFilters.expiredPending(now));
      return result.deletedCount;
    },
  };
}

/** What goes with a removed device: its prekeys of every kind and its undelivered envelopes. */
async function deleteDeviceData(
  { models }: MongoContext,
  session: ClientSession,
  deviceId: string,
): Promise<void> {
  await models.signedPrekeys.deleteOne({ _id: deviceId }, { session });
  await models.oneTimePrekeys.deleteMany({ deviceId }, { session });
  await models.oneTimeKemPrekeys.deleteMany({ deviceId }, { session });
  await models.envelopes.deleteMany({ deviceId }, { session });
  await models.conversationDevices.deleteMany({ deviceId }, { session });
}
