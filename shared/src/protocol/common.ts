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

/** Opaque server-issued identifiers (random, base64url). */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'invalid id');

export const emptySchema = z.object({}).strict();

/** A refinement: the list's items (compared by `key`) are all different. */
export function distinct<T>(key: (item: T) => unknown = (item) => item) {
  return (list: readonly T[]) => new Set(list.map(key)).size === list.length;
}
