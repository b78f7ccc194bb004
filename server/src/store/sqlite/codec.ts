// Conversions at the SQLite boundary: BLOB ↔ plain Uint8Array, role text ↔ Role, and
// recognising the constraint errors that adapters turn into port result values.
import { ROLES } from '@kolokol/shared';
import type { Role } from '@kolokol/shared';

/**
 * Copies bytes into a fresh plain Uint8Array. Used on every BLOB read (better-sqlite3 returns
 * Node Buffers, possibly views of a shared pool) so all adapters return the same type, and on
 * values echoed back to a caller so no record aliases the caller's buffers.
 */
export function toPlainBytes(blob: Uint8Array): Uint8Array {
  return new Uint8Array(blob);
}

function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** A role column's value; the CHECK constraint makes anything else a corrupted file. */
export function toRole(text: string): Role {
  if (!isRole(text)) {
    throw new Error('store: unknown role in database');
  }
  return text;
}

/** True for a UNIQUE or PRIMARY KEY violation, the only constraint errors a caller can cause. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) {
    return false;
  }
  const code = error.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs a synchronous better-sqlite3 call behind the ports' Promise API: the ports are async so
 * that a networked adapter fits, and a thrown error must arrive as a rejection, not a throw.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
