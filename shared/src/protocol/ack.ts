// The one shape of every socket acknowledgement: success with data, or a typed error.
import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from './errors.js';

export type Ack<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: ErrorBody };

export type AckCallback<T> = (response: Ack<T>) => void;

export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/** Schema for an ack carrying `data`, for clients that validate what the server sends. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: errorBodySchema }),
  ]);
}
