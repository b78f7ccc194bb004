// Schemas for values that many payloads share: handles, roles, byte strings, ids.
import { z } from 'zod';
import { fromBase64Url } from '../encoding/base64url.js';

export const ROLES = ['contact', 'volunteer', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Roles anyone may take by registering; the others come only from an operator's enrolment code. */
export const SELF_REGISTER_ROLES = ['contact', 'volunteer'] as const;

/**
 * A pseudonymous handle: 3–32 characters of lowercase ASCII letters, digits, '_', '.', '-',
 * starting and ending with a letter or digit. ASCII only, so no homoglyph can pose as
 * another person's handle; input is lower-cased before it is checked.
 */
export const handleSchema = z
  .string()
  .max(64)
  .transform((text) => text.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,30}[a-z0-9]$/, 'invalid handle'));

/** Base64url text that decodes to exactly `length` bytes (or within [min, max]). */
export function bytesSchema(length: number | { min: number; max: number }) {
  const [min, max] = typeof length === 'number' ? [length, length] : [length.min, length.max];
  return z
    .string()
    .max(Math.ceil((max * 4) / 3))
    .transform((text, ctx) => {
      const bytes = fromBase64Url(text);
      if (!bytes || bytes.length < min || bytes.length > max) {
        ctx.addIssue({
          code: 'custom',
          message:
            min === max
              ? `expected ${min} bytes of base64url`
              : `expected ${min}–${max} bytes of base64url`,
        });
        return z.NEVER;
      }
      return bytes;
    });
}

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;
/** Each character's value, for the trailing-bits check of base64UrlTextSchema. */
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** True when `text` is canonical base64url: what fromBase64Url decodes, without decoding it. */
function isCanonicalBase64Url(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 1 || !BASE64URL_TEXT.test(text)) return false;
  if (rest === 0) return true;
  // 2 characters carry 1 byte and 4 spare bits, 3 carry 2 bytes and 2 spare bits: all zero.
  const last = BASE64URL_ALPHABET.indexOf(text.charAt(text.length - 1));
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Accepts exactly what `bytesSchema(length)` accepts, but keeps the text instead of decoding it:
 * for a payload the server stores and forwards without reading (a conversation envelope), so it
 * is neither decoded in JavaScript nor encoded again for delivery. The byte length follows from
 * the text's length (`base64UrlByteLength`). A test holds the two schemas to the same verdicts.
 */
export function base64UrlTextSchema(length: { min: number; max: number }) {
  return z
    .string()
    .max(Math.ceil((length.max * 4) / 3))
    .refine(
      (text) => {
        if (!isCanonicalBase64Url(text)) return false;
        const bytes = base64UrlByteLength(text);
        return bytes >= length.min && bytes <= length.max;
      },
      {
        message:
          length.min === length.max
            ? `expected ${length.min} bytes of base64url`
            : `expected ${length.min}–${length.max} bytes of base64url`,
      },
    );
}

/** The number of bytes canonical base64url `text` decodes to. */
export function base64UrlByteLength(text: string): number {
  return Math.floor((text.length * 3) / 4);
}

/** Opaque server-issued identifiers (random, base64url). */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'invalid id');

export const emptySchema = z.object({}).strict();

/** A refinement: the list's items (compared by `key`) are all different. */
export function distinct<T>(key: (item: T) => unknown = (item) => item) {
  return (list: readonly T[]) => new Set(list.map(key)).size === list.length;
}
