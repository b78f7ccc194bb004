// The express half of the one error model: every failure becomes { ok: false, error } with
// the status that matches its code. Internal errors are logged by name and answered with no detail.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HTTP_STATUS, type ErrorBody } from '@kolokol/shared';
import { AppError, toErrorBody } from '../errors.js';
import { errorName, type Logger } from '../logger.js';

interface BodyParserError {
  readonly type?: unknown;
}

function bodyParserError(error: unknown): ErrorBody | undefined {
  const type = (error as BodyParserError | null)?.type;
  if (type === 'entity.too.large')
    return { code: 'PAYLOAD_TOO_LARGE', message: 'request body too large' };
  if (
    typeof type === 'string' &&
    /^(entity\.parse\.failed|charset\.unsupported|encoding\.unsupported|request\.aborted)$/.test(
      type,
    )
  ) {
    return { code: 'BAD_REQUEST', message: 'request body is not valid JSON' };
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
    res.status(HTTP_STATUS[body.code]).json({ ok: false, error: body });
  };
}
