// The one error model: AppError carries a stable code from shared and a message fit for the
// client. Only the express error handler and the socket ack formatter turn it into a response.
import type { ErrorBody, ErrorCode } from '@kolokol/shared';

export class AppError extends Error {
  override readonly name = 'AppError';
  /**
   * For RATE_LIMITED and POW_REQUIRED: how many seconds the limiter that refused asks the caller
   * to wait (0: retry at once, paying). REST answers carry it as `Retry-After`.
   */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The client-facing body for any thrown value: internal errors carry no detail. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'internal error' };
}
