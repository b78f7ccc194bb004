// EnrolmentStore on SQLite: handles reserved by the operator for a one-time enrolment code.
import type Database from 'better-sqlite3';
import type { Role } from '@kolokol/shared';
import type { EnrolmentRecord, EnrolmentStore } from '../ports.js';
import { toPlainBytes, toRole, settle } from './codec.js';

interface EnrolmentRow {
  readonly handle: string;
  readonly role: string;
  readonly code_hash: Uint8Array;
  readonly created_at: number;
  readonly expires_at: number;
}

type UpsertParams = [
  handle: string,
  role: Role,
  codeHash: Uint8Array,
  createdAt: number,
  expiresAt: number,
];

export function createSqliteEnrolmentStore(db: Database.Database): EnrolmentStore {
  const handleExists = db.prepare<[string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM accounts WHERE handle = ?',
  );
  // Upsert rather than delete + insert: one statement, and a new code voids the old one.
  const upsert = db.prepare<UpsertParams>(
    `INSERT INTO enrolments (handle, role, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (handle) DO UPDATE SET
       role = excluded.role, code_hash = excluded.code_hash,
       created_at = excluded.created_at, expires_at = excluded.expires_at`,
  );
  const pendingFor = db.prepare<[string, number], EnrolmentRow>(
    `SELECT handle, role, code_hash, created_at, expires_at FROM enrolments
     WHERE handle = ? AND expires_at > ?`,
  );

  const pendingHandles = db.prepare<[number], { readonly handle: string }>(
    'SELECT handle FROM enrolments WHERE expires_at > ?',
  );

  // IMMEDIATE: the account check and the reservation must see the same state, even when a
  // registration for the handle is being committed by another connection.
  const createTx = db.transaction(
    (
      enrolment: EnrolmentRecord,
      replacePending: boolean,
    ): 'created' | 'replaced' | 'pending' | 'handle-taken' => {
      if (handleExists.get(enrolment.handle) !== undefined) {
        return 'handle-taken';
      }
      const pending = pendingFor.get(enrolment.handle, enrolment.createdAt) !== undefined;
      if (pending && !replacePending) {
        return 'pending';
      }
      upsert.run(
        enrolment.handle,
        enrolment.role,
        enrolment.codeHash,
        enrolment.createdAt,
        enrolment.expiresAt,
      );
      return pending ? 'replaced' : 'created';
    },
  );

  return {
    create(enrolment, options) {
      return settle(() => createTx.immediate(enrolment, options?.replacePending === true));
    },

    pendingHandles(now) {
      return settle(() => pendingHandles.all(now).map((row) => row.handle));
    },

    findByHandle(handle, now) {
      return settle(() => {
        const row = pendingFor.get(handle, now);
        if (row === undefined) {
          return undefined;
        }
        return {
          handle: row.handle,
          role: toRole(row.role),
          codeHash: toPlainBytes(row.code_hash),
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        };
      });
    },
  };
}
