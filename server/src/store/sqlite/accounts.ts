// AccountStore on SQLite: registration, with or without an operator's enrolment code, in one transaction.
import { timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Role } from '@kolokol/shared';
import type {
  AccountRecord,
  AccountSecrets,
  AccountStore,
  CreateAccountResult,
  NewAccount,
} from '../ports.js';
import { toPlainBytes, isUniqueViolation, toRole, settle } from './codec.js';
import { prepareRevokeLiveSessions } from './sessions.js';

interface AccountRow {
  readonly id: string;
  readonly handle: string;
  readonly role: string;
  readonly signing_key: Uint8Array;
  readonly exchange_key: Uint8Array;
  readonly exchange_signature: Uint8Array;
  readonly salt: Uint8Array;
  readonly auth_key: Uint8Array;
  readonly created_at: number;
  readonly suspended_at: number | null;
}

interface EnrolmentMatchRow {
  readonly role: string;
  readonly code_hash: Uint8Array;
  readonly expires_at: number;
}

type InsertAccountParams = [
  id: string,
  handle: string,
  role: Role,
  signingKey: Uint8Array,
  exchangeKey: Uint8Array,
  exchangeSignature: Uint8Array,
  salt: Uint8Array,
  authKey: Uint8Array,
  keyBackup: Uint8Array,
  createdAt: number,
];

const ACCOUNT_COLUMNS =
  'id, handle, role, signing_key, exchange_key, exchange_signature, salt, auth_key, created_at, suspended_at';

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    handle: row.handle,
    role: toRole(row.role),
    signingKey: toPlainBytes(row.signing_key),
    exchangeKey: toPlainBytes(row.exchange_key),
    exchangeSignature: toPlainBytes(row.exchange_signature),
    salt: toPlainBytes(row.salt),
    authKey: toPlainBytes(row.auth_key),
    createdAt: row.created_at,
    suspendedAt: row.suspended_at,
  };
}

/** Code hashes are compared in constant time even though they are hashes: it costs nothing. */
function sameCodeHash(stored: Uint8Array, given: Uint8Array): boolean {
  return stored.length === given.length && timingSafeEqual(stored, given);
}

export function createSqliteAccountStore(db: Database.Database): AccountStore {
  const byHandle = db.prepare<[string], AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE handle = ?`,
  );
  const byId = db.prepare<[string], AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`,
  );
  const activeAmong = db.prepare<[string], { readonly id: string }>(
    `SELECT id FROM accounts
     WHERE id IN (SELECT value FROM json_each(?)) AND suspended_at IS NULL`,
  );
  // A LEFT JOIN from a one-row table: exactly one row comes back for a known and an unknown
  // handle alike, the decoy's values standing in where there is no account, and it is decoded
  // by the same toAccount call. `found` is the only difference. The covering index (migration 4)
  // makes both one index seek: a known handle never reads the table row an unknown one lacks.
  // Its named parameters are the decoy's fields, with the handle looked up.
  const forLogin = db.prepare<[AccountRecord], AccountRow & { readonly found: 0 | 1 }>(
    `SELECT a.id IS NOT NULL AS found,
            coalesce(a.id, @id) AS id,
            coalesce(a.handle, @handle) AS handle,
            coalesce(a.role, @role) AS role,
            coalesce(a.signing_key, @signingKey) AS signing_key,
            coalesce(a.exchange_key, @exchangeKey) AS exchange_key,
            coalesce(a.exchange_signature, @exchangeSignature) AS exchange_signature,
            coalesce(a.salt, @salt) AS salt,
            coalesce(a.auth_key, @authKey) AS auth_key,
            coalesce(a.created_at, @createdAt) AS created_at,
            CASE WHEN a.id IS NULL THEN @suspendedAt ELSE a.suspended_at END AS suspended_at
     FROM (SELECT 1) LEFT JOIN accounts AS a INDEXED BY accounts_for_login ON a.handle = @handle`,
  );
  const staffHandles = db.prepare<[], { readonly handle: string }>(
    "SELECT handle FROM accounts WHERE role IN ('moderator', 'admin')",
  );
  const handleExists = db.prepare<[string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM accounts WHERE handle = ?',
  );
  const enrolmentFor = db.prepare<[string], EnrolmentMatchRow>(
    'SELECT role, code_hash, expires_at FROM enrolments WHERE handle = ?',
  );
  const deleteEnrolment = db.prepare<[string]>('DELETE FROM enrolments WHERE handle = ?');
  const insert = db.prepare<InsertAccountParams>(
    `INSERT INTO accounts (id, handle, role, signing_key, exchange_key, exchange_signature, salt,
                           auth_key, key_backup, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const { updateSuspended, suspendTx } = prepareSuspensionWrites(db);
  const keyBackupOf = db.prepare<[string], { readonly key_backup: Uint8Array }>(
    'SELECT key_backup FROM accounts WHERE id = ?',
  );
  // One statement compares and swaps, so two replacements cannot both win.
  const updateKeyBackup = db.prepare<[Uint8Array, string, Uint8Array]>(
    'UPDATE accounts SET key_backup = ? WHERE id = ? AND key_backup = ?',
  );

  const updateSecrets = db.prepare<
    [Uint8Array, Uint8Array, Uint8Array, string, Uint8Array, Uint8Array]
  >(
    `UPDATE accounts SET salt = ?, auth_key = ?, key_backup = ?
     WHERE id = ? AND auth_key = ? AND key_backup = ?`,
  );
  const revokeOtherSessions = db.prepare<[number, string, string, number], { readonly id: string }>(
    `UPDATE sessions SET revoked_at = ?
     WHERE account_id = ? AND id <> ? AND revoked_at IS NULL AND expires_at > ?
     RETURNING id`,
  );
  const rekeyTx = db.transaction(
    (
      id: string,
      replacement: AccountSecrets,
      expected: Pick<AccountSecrets, 'authKey' | 'keyBackup'>,
      keepSessionId: string,
      now: number,
    ): string[] | undefined => {
      const swapped = updateSecrets.run(
        replacement.salt,
        replacement.authKey,
        replacement.keyBackup,
        id,
        expected.authKey,
        expected.keyBackup,
      );
      if (swapped.changes === 0) return undefined;
      return revokeOtherSessions.all(now, id, keepSessionId, now).map((row) => row.id);
    },
  );

  // Runs under an IMMEDIATE transaction: the reads decide the write, so the write lock is
  // taken first and another process (the admin CLI) cannot slip an enrolment in between.
  const createTx = db.transaction(
    (account: NewAccount, codeHash: Uint8Array | undefined, now: number): CreateAccountResult => {
      if (handleExists.get(account.handle) !== undefined) {
        return { kind: 'handle-taken' };
      }
      const enrolment = enrolmentFor.get(account.handle);
      const pending = enrolment !== undefined && enrolment.expires_at > now ? enrolment : undefined;

      let role: Role;
      if (codeHash !== undefined) {
        if (pending === undefined || !sameCodeHash(pending.code_hash, codeHash)) {
          return { kind: 'enrolment-invalid' };
        }
        role = toRole(pending.role);
      } else {
        if (pending !== undefined) {
          // The operator reserved this handle for someone holding the code.
          return { kind: 'handle-taken' };
        }
        role = account.role;
      }
      // Consumes a used enrolment, and clears an expired one that no longer reserves anything.
      if (enrolment !== undefined) {
        deleteEnrolment.run(account.handle);
      }

      insert.run(
        account.id,
        account.handle,
        role,
        account.signingKey,
        account.exchangeKey,
        account.exchangeSignature,
        account.salt,
        account.authKey,
        account.keyBackup,
        account.createdAt,
      );
      return { kind: 'created', account: { ...copyAccount(account), role, suspendedAt: null } };
    },
  );

  return {
    create(account, options) {
      return settle(() => {
        try {
          return createTx.immediate(account, options.enrolmentCodeHash, options.now);
        } catch (error) {
          // Unreachable while every writer takes the write lock before its handle check; kept
          // so that a uniqueness race can never surface as a raw SQL error.
          if (isUniqueViolation(error) && handleExists.get(account.handle) !== undefined) {
            return { kind: 'handle-taken' };
          }
          throw error;
        }
      });
    },

    findByHandle(handle) {
      return settle(() => {
        const row = byHandle.get(handle);
        return row === undefined ? undefined : toAccount(row);
      });
    },

    findForLogin(handle, decoy) {
      return settle(() => {
        const row = forLogin.get({ ...decoy, handle });
        if (row === undefined) {
          throw new Error('store: login lookup returned no row');
        }
        return { found: row.found === 1, account: toAccount(row) };
      });
    },

    staffHandles() {
      return settle(() => staffHandles.all().map((row) => row.handle));
    },

    findById(id) {
      return settle(() => {
        const row = byId.get(id);
        return row === undefined ? undefined : toAccount(row);
      });
    },

    activeAmong(ids) {
      return settle(() => new Set(activeAmong.all(JSON.stringify(ids)).map((row) => row.id)));
    },

    setSuspended(id, suspendedAt) {
      return settle(() => updateSuspended.run(suspendedAt, id).changes > 0);
    },

    suspend(id, at) {
      return settle(() => {
        const revokedSessionIds = suspendTx.immediate(id, at);
        return revokedSessionIds === undefined ? undefined : { revokedSessionIds };
      });
    },

    findKeyBackup(id) {
      return settle(() => {
        const row = keyBackupOf.get(id);
        return row === undefined ? undefined : toPlainBytes(row.key_backup);
      });
    },

    setKeyBackup(id, keyBackup, expected) {
      return settle(() => updateKeyBackup.run(keyBackup, id, expected).changes > 0);
    },

    rekey(id, replacement, expected, options) {
      return settle(() => {
        const revokedSessionIds = rekeyTx.immediate(
          id,
          replacement,
          expected,
          options.keepSessionId,
          options.now,
        );
        return revokedSessionIds === undefined ? undefined : { revokedSessionIds };
      });
    },
  };
}

/**
 * Suspension as synchronous writes, shared by this store and the audited decisions
 * (sqlite/audit.ts), which run them inside the transaction that appends the decision.
 * `suspendTx` suspends and revokes every live session (undefined when no such account).
 */
export function prepareSuspensionWrites(db: Database.Database) {
  const updateSuspended = db.prepare<[number | null, string]>(
    'UPDATE accounts SET suspended_at = ? WHERE id = ?',
  );
  // coalesce keeps the first suspension time when an account is suspended twice.
  const markSuspended = db.prepare<[number, string]>(
    'UPDATE accounts SET suspended_at = coalesce(suspended_at, ?) WHERE id = ?',
  );
  const revokeLiveSessions = prepareRevokeLiveSessions(db);
  const suspendTx = db.transaction((id: string, at: number): string[] | undefined => {
    if (markSuspended.run(at, id).changes === 0) {
      return undefined;
    }
    return revokeLiveSessions.all(at, id, at).map((row) => row.id);
  });
  return { updateSuspended, suspendTx };
}

/** The stored fields of a new account, copied so the caller's buffers are not aliased. */
function copyAccount(account: NewAccount): Omit<AccountRecord, 'role' | 'suspendedAt'> {
  return {
    id: account.id,
    handle: account.handle,
    signingKey: toPlainBytes(account.signingKey),
    exchangeKey: toPlainBytes(account.exchangeKey),
    exchangeSignature: toPlainBytes(account.exchangeSignature),
    salt: toPlainBytes(account.salt),
    authKey: toPlainBytes(account.authKey),
    createdAt: account.createdAt,
  };
}
