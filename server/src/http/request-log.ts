// One debug line per HTTP request: method, matched route pattern, status and duration. Never the
// raw URL, query, headers, body or client address.
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      logger.debug(
        {
          method: req.method,
          route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'other',
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'http',
      );
    });
    next();
  };
}
