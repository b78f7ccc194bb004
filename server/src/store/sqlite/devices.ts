// DeviceStore on SQLite: one signed list per account, the devices it names, and reservations of
// new devices' ids. A removed device's prekeys and envelopes go with its row (ON DELETE CASCADE)
// and its sessions are revoked in the same transaction.
import type Database from 'better-sqlite3';
import type {
  DeviceListRecord,
  DeviceRecord,
  DeviceStore,
  PendingDeviceRecord,
  PublishDeviceListResult,
} from '../ports.js';
import { settle, toPlainBytes } from './codec.js';

interface DeviceRow {
  readonly id: string;
  readonly account_id: string;
  readonly device_key: Uint8Array;
  readonly added_at: number;
}

interface ListRow {
  readonly account_id: string;
  readonly version: number;
  readonly bytes: Uint8Array;
  readonly updated_at: number;
}

interface PendingRow {
  readonly id: string;
  readonly account_id: string;
  readonly device_key: Uint8Array;
  readonly expires_at: number;
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    deviceKey: toPlainBytes(row.device_key),
    addedAt: row.added_at,
  };
}

function toPending(row: PendingRow): PendingDeviceRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    deviceKey: toPlainBytes(row.device_key),
    expiresAt: row.expires_at,
  };
}

type PublishUpdate = Parameters<DeviceStore['publish']>[0];

export function createSqliteDeviceStore(db: Database.Database): DeviceStore {
  const deleteExpiredOf = db.prepare<[string, number]>(
    'DELETE FROM pending_devices WHERE account_id = ? AND expires_at <= ?',
  );
  const pendingCount = db.prepare<[string], { readonly count: number }>(
    'SELECT count(*) AS count FROM pending_devices WHERE account_id = ?',
  );
  const insertPending = db.prepare<[string, string, Uint8Array, number]>(
    'INSERT INTO pending_devices (id, account_id, device_key, expires_at) VALUES (?, ?, ?, ?)',
  );
  const pendingOf = db.prepare<[string, string, number], PendingRow>(
    `SELECT id, account_id, device_key, expires_at FROM pending_devices
     WHERE account_id = ? AND id = ? AND expires_at > ?`,
  );
  const deletePending = db.prepare<[string]>('DELETE FROM pending_devices WHERE id = ?');
  const purgeExpired = db.prepare<[number]>('DELETE FROM pending_devices WHERE expires_at <= ?');
  const listOf = db.prepare<[string], ListRow>(
    'SELECT account_id, version, bytes, updated_at FROM device_lists WHERE account_id = ?',
  );
  const devicesOf = db.prepare<[string], DeviceRow>(
    'SELECT id, account_id, device_key, added_at FROM devices WHERE account_id = ? ORDER BY id',
  );
  const deviceById = db.prepare<[string], DeviceRow>(
    'SELECT id, account_id, device_key, added_at FROM devices WHERE id = ?',
  );
  const insertList = db.prepare<[string, number, Uint8Array, number]>(
    'INSERT INTO device_lists (account_id, version, bytes, updated_at) VALUES (?, ?, ?, ?)',
  );
  // Compare-and-swap on the version: a concurrent change leaves this one writing nothing.
  const swapList = db.prepare<[number, Uint8Array, number, string, number]>(
    `UPDATE device_lists SET version = ?, bytes = ?, updated_at = ?
     WHERE account_id = ? AND version = ?`,
  );
  const insertDevice = db.prepare<[string, string, Uint8Array, number]>(
    'INSERT INTO devices (id, account_id, device_key, added_at) VALUES (?, ?, ?, ?)',
  );
  const deleteDevice = db.prepare<[string, string]>(
    'DELETE FROM devices WHERE id = ? AND account_id = ?',
  );
  const revokeSessionsOf = db.prepare<[number, string], { readonly id: string }>(
    `UPDATE sessions SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL
     RETURNING id`,
  );

  const reserveTx = db.transaction(
    (pending: PendingDeviceRecord, maxPending: number, now: number): 'reserved' | 'too-many' => {
      deleteExpiredOf.run(pending.accountId, now);
      if ((pendingCount.get(pending.accountId)?.count ?? 0) >= maxPending) return 'too-many';
      insertPending.run(pending.id, pending.accountId, pending.deviceKey, pending.expiresAt);
      return 'reserved';
    },
  );

  // IMMEDIATE: the version read, the reservation consumed and the device rows written must all
  // still hold at commit, also against a second process on the same file.
  const publishTx = db.transaction((update: PublishUpdate): PublishDeviceListResult => {
    const { accountId, expectedVersion, list, change, now } = update;
    if (expectedVersion === null) {
      if (listOf.get(accountId) !== undefined) return { kind: 'conflict' };
    } else if (
      swapList.run(list.version, list.bytes, now, accountId, expectedVersion).changes !== 1
    ) {
      return { kind: 'conflict' };
    }
    let revokedSessionIds: string[] = [];
    if (change.kind === 'add') {
      const { device } = change;
      if (pendingOf.get(accountId, device.id, now) === undefined) {
        throw new GoneError();
      }
      deletePending.run(device.id);
      insertDevice.run(device.id, accountId, device.deviceKey, device.addedAt);
    } else {
      if (deleteDevice.run(change.deviceId, accountId).changes !== 1) throw new GoneError();
      revokedSessionIds = revokeSessionsOf.all(now, change.deviceId).map((row) => row.id);
    }
    if (expectedVersion === null) insertList.run(accountId, list.version, list.bytes, now);
    return { kind: 'published', revokedSessionIds };
  });

  return {
    reserve(pending, maxPending, now) {
      return settle(() => reserveTx.immediate(pending, maxPending, now));
    },

    findPending(accountId, deviceId, now) {
      return settle(() => {
        const row = pendingOf.get(accountId, deviceId, now);
        return row === undefined ? undefined : toPending(row);
      });
    },

    findList(accountId) {
      return settle(() => {
        const row = listOf.get(accountId);
        return row === undefined
          ? undefined
          : ({
              accountId: row.account_id,
              version: row.version,
              bytes: toPlainBytes(row.bytes),
              updatedAt: row.updated_at,
            } satisfies DeviceListRecord);
      });
    },

    listDevices(accountId) {
      return settle(() => devicesOf.all(accountId).map(toDevice));
    },

    findDevice(deviceId) {
      return settle(() => {
        const row = deviceById.get(deviceId);
        return row === undefined ? undefined : toDevice(row);
      });
    },

    publish(update) {
      return settle(() => {
        try {
          return publishTx.immediate(update);
        } catch (error) {
          // Thrown inside the transaction so that it rolls back the list already swapped.
          if (error instanceof GoneError) return { kind: 'gone' };
          throw error;
        }
      });
    },

    purgePending(now) {
      return settle(() => purgeExpired.run(now).changes);
    },
  };
}

/** Aborts the publish transaction (rolling it back) when its change no longer applies. */
class GoneError extends Error {}
