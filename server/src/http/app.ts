// The express application: security headers, a strict JSON body limit, health, auth routes,
// the static web client, and the one error handler.
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import passport from 'passport';
import type { Config } from '../config/config.js';
import type { AccountService } from '../domain/accounts.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { PuzzleService } from '../domain/puzzles.js';
import type { LoginService } from '../domain/login.js';
import type { SessionService } from '../domain/sessions.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/ports.js';
import { authRoutes } from './auth-routes.js';
import type { LimiterFactory } from '../scale/limiters.js';
import { AuthLimits } from './auth-rate-limits.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRoutes } from './health-routes.js';
import { requestLog } from './request-log.js';
import { WEB_CLIENT_CSP, webClientRoutes } from './web-client.js';
import { BearerStrategy, SignatureStrategy } from './passport-strategies.js';

/**
 * The built web client (client/dist, scripts/client-build.ts), relative to this module; in the
 * compiled bundle, which sits elsewhere, relative to the bundle: scripts/build.ts defines
 * CLIENT_DIR_FROM_BUNDLE there.
 */
declare const CLIENT_DIR_FROM_BUNDLE: string | undefined;
export const CLIENT_DIR = fileURLToPath(
  new URL(
    typeof CLIENT_DIR_FROM_BUNDLE === 'string' ? CLIENT_DIR_FROM_BUNDLE : '../../../client/dist',
    import.meta.url,
  ),
);

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly accounts: AccountService;
  readonly login: LoginService;
  readonly sessions: SessionService;
  /** Defaults to the system clock; server.ts passes its own. */
  readonly clock?: Clock;
  /** Limiters and the key their keys are hashed under, shared by several processes (Redis). */
  readonly sharedLimits?: { readonly limiters: LimiterFactory; readonly keyKey: Uint8Array };
  /** What several processes share (Redis), checked by /readyz with the store. */
  readonly shared?: { ping(): Promise<void> };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(requestLog(deps.logger));
  app.use(
    helmet({
      referrerPolicy: { policy: 'no-referrer' },
      // Same origin only, no inline code (web-client.ts says why each directive). No
      // upgrade-insecure-requests: an onion service is served over plain http, and upgrading its
      // same-origin requests to https would break it.
      contentSecurityPolicy: WEB_CLIENT_CSP,
    }),
  );

  const limits = new AuthLimits(
    {
      attemptsPerHandle: deps.config.authAttemptsPerHandle,
      attemptsPerClient: deps.config.authAttemptsPerClient,
      windowSeconds: deps.config.authWindowSeconds,
      calmRequestsPerMinute: deps.config.authCalmRequestsPerMinute,
      registrationsPerHour: deps.config.registrationsPerHour,
    },
    deps.sharedLimits,
  );
  const puzzles = new PuzzleService({ store: deps.store, clock: deps.clock ?? systemClock });
  // A private Passport instance, so two servers in one process (tests) never share strategies.
  const authenticator = new passport.Passport();
  authenticator.use(new SignatureStrategy(deps.login, limits));
  authenticator.use(new BearerStrategy(deps.sessions));
  app.use(authenticator.initialize());

  app.use(healthRoutes(deps.store, deps.shared));
  app.use(
    '/auth',
    // inflate: false refuses any Content-Encoding before reading: bodies are small, and
    // decompressing for anonymous callers is work and memory they could demand for free.
    express.json({
      limit: deps.config.maxJsonBodyBytes,
      strict: true,
      type: 'application/json',
      inflate: false,
    }),
    authRoutes({ ...deps, limits, puzzles, authenticator }),
  );
  app.use(webClientRoutes(CLIENT_DIR));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
