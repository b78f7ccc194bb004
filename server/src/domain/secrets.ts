// Random identifiers, bearer tokens and their hashes. Tokens are 256-bit random values
// stored only as SHA-256 hashes; ids are 128-bit random base64url strings.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { toBase64Url } from '@kolokol/shared';

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
