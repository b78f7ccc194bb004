// The express half of the one error model: every failure becomes { ok: false, error } with
// the status that matches its code. Internal errors are logged by name and answered with no detail.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HTTP_STATUS, type ErrorBody } from '@kolokol/shared';
import { AppError, toErrorBody } from '../errors.js';
import { errorName, type Logger } from '../logger.js';

/** Retry-After for a 429 whose limiter gave no wait of its own (none should; a safe fallback). */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** What body-parser (through http-errors) attaches to the errors it raises. */
interface BodyParserError {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly expose?: unknown;
}

function bodyParserError(error: unknown): ErrorBody | undefined {
  const { type, status, expose } = (error ?? {}) as BodyParserError;
  if (type === 'entity.too.large')
    return { code: 'PAYLOAD_TOO_LARGE', message: 'request body too large' };
  // Raised before any byte is read: the JSON parser is set up with inflate: false (see app.ts).
  if (type === 'encoding.unsupported') {
    return { code: 'BAD_REQUEST', message: 'request body must not be compressed' };
  }
  if (
    typeof type === 'string' &&
    /^(entity\.parse\.failed|charset\.unsupported|request\.aborted)$/.test(type)
  ) {
    return { code: 'BAD_REQUEST', message: 'request body is not valid JSON' };
  }
  // Any other client error body-parser reports (a length that does not match the body, …) is the
  // request's fault, not the server's: never an INTERNAL and never an error-level log line.
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return { code: 'BAD_REQUEST', message: 'request body could not be read' };
  }
  return undefined;
}

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new AppError('NOT_FOUND', 'no such route'));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const body = bodyParserError(error) ?? toErrorBody(error);
    if (body.code === 'INTERNAL') {
      logger.error(
        {
          route: req.route ? String((req.route as { path: unknown }).path) : 'unmatched',
          errorName: errorName(error),
        },
        'internal error',
      );
    }
    const status = HTTP_STATUS[body.code];
    if (status === 429) {
      // Every 429 says when to come back: the refusing limiter's wait, or 0 for POW_REQUIRED.
      const seconds = error instanceof AppError ? error.retryAfterSeconds : undefined;
      res.set('Retry-After', String(seconds ?? DEFAULT_RETRY_AFTER_SECONDS));
    }
    res.status(status).json({ ok: false, error: body });
  };
}
