// The one error the client core throws for anything the server or the network refused: the
// server's own code (shared's ERROR_CODES), so an app switches on the same codes the protocol
// documents. Network trouble on the client's side (no connection, no answer in time) is
// UNAVAILABLE, and an answer outside the contract is INTERNAL: a client cannot trust it.
import type { ErrorBody, ErrorCode } from '@kolokol/shared';

export class KolokolError extends Error {
  override readonly name = 'KolokolError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The error a refused ack or REST answer carries. */
  static fromBody(body: ErrorBody): KolokolError {
    return new KolokolError(body.code, body.message);
  }
}

/** True when `error` is a KolokolError with one of `codes` (any code when none are given). */
export function isKolokolError(error: unknown, ...codes: ErrorCode[]): error is KolokolError {
  return error instanceof KolokolError && (codes.length === 0 || codes.includes(error.code));
}
