// The closed set of error codes every ack and REST error carries; clients switch on these.

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'DEVICE_LIST_CHANGED',
  'RATE_LIMITED',
  'POW_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_VERSION',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

/** HTTP status for each code, used by the REST error handler. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  // 409 as well: the recipient's devices changed; fetch its list and bundles, then send again.
  DEVICE_LIST_CHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_VERSION: 426,
  RATE_LIMITED: 429,
  // 429 as well: the server is under pressure; the answer is to pay (Retry-After: 0), not to wait.
  POW_REQUIRED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};
