// Random identifiers, bearer tokens and their hashes, and the random server keys kept in the store.
// Tokens are 256-bit random values stored only as SHA-256 hashes; ids are 128-bit random base64url
// strings.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { toBase64Url } from '@kolokol/shared';
import type { MetaStore } from '../store/ports.js';

export const TOKEN_BYTES = 32;

export function newId(): string {
  return toBase64Url(randomBytes(16));
}

export function newToken(): string {
  return toBase64Url(randomBytes(TOKEN_BYTES));
}

export function newRandomBytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

export function sha256(data: string | Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function hmacSha256(key: Uint8Array, data: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/**
 * A random 32-byte server key stored under `name`, created once and shared through the store by
 * every server process. Loaded when asked, not per request; a failure surfaces when the promise
 * is awaited and is not also an unhandled rejection.
 */
export function loadServerKey(meta: MetaStore, name: string): Promise<Uint8Array> {
  const key = meta.getOrCreate(name, () => newRandomBytes(32));
  key.catch(() => undefined);
  return key;
}
