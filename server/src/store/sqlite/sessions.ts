// SessionStore on SQLite: bearer-token sessions kept only as token hashes, with expiry and revocation.
import type Database from 'better-sqlite3';
import type { SessionRecord, SessionStore } from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

interface SessionRow {
  readonly id: string;
  readonly account_id: string;
  readonly device_id: string | null;
  readonly token_hash: Uint8Array;
  readonly created_at: number;
  readonly expires_at: number;
  readonly revoked_at: number | null;
}

type InsertParams = [
  id: string,
  accountId: string,
  deviceId: string | null,
  tokenHash: Uint8Array,
  createdAt: number,
  expiresAt: number,
  revokedAt: number | null,
];

/**
 * Revokes every live session of an account at a time and returns their ids; its parameters are
 * (revoked at, account id, now). Also run by the account store inside its suspension transaction.
 */
export function prepareRevokeLiveSessions(db: Database.Database) {
  return db.prepare<[number, string, number], { readonly id: string }>(
    `UPDATE sessions SET revoked_at = ?
     WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?
     RETURNING id`,
  );
}

// A session is live while `now < expires_at` and it has not been revoked; the same rule as
// enrolments and challenges, so "expires at t" means unusable from t on.
export function createSqliteSessionStore(db: Database.Database): SessionStore {
  const insert = db.prepare<InsertParams>(
    `INSERT INTO sessions (id, account_id, device_id, token_hash, created_at, expires_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byTokenHash = db.prepare<[Uint8Array], SessionRow>(
    `SELECT id, account_id, device_id, token_hash, created_at, expires_at, revoked_at
     FROM sessions WHERE token_hash = ?`,
  );
  // One statement: the device must be the account's when the binding is written, so a device
  // removed (and its sessions revoked) meanwhile cannot be bound; a bound session never moves.
  const bind = db.prepare<{ session: string; device: string }>(
    `UPDATE sessions SET device_id = :device
     WHERE id = :session AND (device_id IS NULL OR device_id = :device)
       AND EXISTS (SELECT 1 FROM devices WHERE devices.id = :device
                                          AND devices.account_id = sessions.account_id)`,
  );
  const revokeOne = db.prepare<[number, string]>(
    'UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const revokeLiveOfAccount = prepareRevokeLiveSessions(db);
  // The ids travel as one JSON array so that any number of them fits one prepared statement.
  const liveAmong = db.prepare<[string, number], { readonly id: string }>(
    `SELECT sessions.id FROM sessions JOIN accounts ON accounts.id = sessions.account_id
     WHERE sessions.id IN (SELECT value FROM json_each(?))
       AND sessions.revoked_at IS NULL AND sessions.expires_at > ? AND accounts.suspended_at IS NULL`,
  );
  const purgeBefore = db.prepare<[number, number]>(
    'DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)',
  );

  return {
    create(session) {
      return settle(() => {
        insert.run(
          session.id,
          session.accountId,
          session.deviceId,
          session.tokenHash,
          session.createdAt,
          session.expiresAt,
          session.revokedAt,
        );
      });
    },

    findByTokenHash(tokenHash) {
      return settle(() => {
        const row = byTokenHash.get(tokenHash);
        return row === undefined ? undefined : toSession(row);
      });
    },

    bindDevice(sessionId, deviceId) {
      return settle(() => bind.run({ session: sessionId, device: deviceId }).changes === 1);
    },

    revoke(id, at) {
      return settle(() => revokeOne.run(at, id).changes > 0);
    },

    revokeAllForAccount(accountId, at) {
      return settle(() => revokeLiveOfAccount.all(at, accountId, at).map((row) => row.id));
    },

    filterLive(ids, now) {
      return settle(() => {
        if (ids.length === 0) {
          return new Set();
        }
        return new Set(liveAmong.all(JSON.stringify(ids), now).map((row) => row.id));
      });
    },

    purge(before) {
      return settle(() => purgeBefore.run(before, before).changes);
    },
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    deviceId: row.device_id,
    tokenHash: toPlainBytes(row.token_hash),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
