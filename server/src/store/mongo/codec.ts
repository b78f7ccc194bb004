// Conversions at the MongoDB boundary: bytes (BSON Binary ↔ plain Uint8Array), roles, and the
// duplicate-key error that adapters turn into port result values.
import type { z } from 'zod';
import { ROLES } from '@kolokol/shared';
import type { Role } from '@kolokol/shared';
import { kolokolMongoose } from './mongoose.js';

/**
 * Bytes as read back: a plain, unaliased Uint8Array, whether the driver returned a BSON Binary
 * (lean reads) or a Buffer. Anything else means a corrupted or tampered document.
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof kolokolMongoose.mongo.Binary) {
    return new Uint8Array(value.buffer.subarray(0, value.position));
  }
  if (value instanceof Uint8Array) return new Uint8Array(value);
  throw new Error('store: expected bytes in database');
}

/** Like toBytes, for a nullable field. */
export function toBytesOrNull(value: unknown): Uint8Array | null {
  return value === null || value === undefined ? null : toBytes(value);
}

/** Bytes to write: a Buffer copy (mongoose casts Buffers to BSON Binary, subtype 0). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

/** Like toBuffer, for a nullable field. */
export function toBufferOrNull(bytes: Uint8Array | null | undefined): Buffer | null {
  return bytes === null || bytes === undefined ? null : Buffer.from(bytes);
}

function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** A stored role; the schema's enum makes anything else a corrupted or tampered document. */
export function toRole(text: string): Role {
  if (!isRole(text)) throw new Error('store: unknown role in database');
  return text;
}

/** MongoDB's duplicate key error: a unique index refused a write. */
export function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { readonly code: unknown }).code === 11000
  );
}

/** Keeps `value` only when it is not null/undefined: for optional fields of a record. */
export function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

/** A stored code or list checked against shared's schema on read; throws (INTERNAL) if it does not fit. */
export function parseStored<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`store: unexpected ${what} in database`);
  return parsed.data;
}

/** A schema validator for list paths that must hold at least one item (skills, languages, …). */
export const nonEmpty = {
  validator: (value: readonly unknown[]) => value.length > 0,
  message: 'must not be empty',
} as const;
