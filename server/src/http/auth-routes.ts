// REST routes for registration, login and logout (/auth/*). Every body is parsed from
// unknown by its schema in shared; responses use the ack shape { ok, data | error }.
// Anonymous routes (register, challenge, login) pass the limits in auth-rate-limits.ts first.
import { Router, type Request } from 'express';
import type passport from 'passport';
import {
  challengeBodySchema,
  puzzleBodySchema,
  registerBodySchema,
  toBase64Url,
  type LoginResult,
} from '@kolokol/shared';
import type { AccountService } from '../domain/accounts.js';
import type { LoginService } from '../domain/login.js';
import type { PuzzleService } from '../domain/puzzles.js';
import type { SessionService } from '../domain/sessions.js';
import { AppError } from '../errors.js';
import { parseInput } from '../validation.js';
import type { AuthLimits } from './auth-rate-limits.js';

export interface AuthRouteDeps {
  readonly accounts: AccountService;
  readonly login: LoginService;
  readonly sessions: SessionService;
  readonly puzzles: PuzzleService;
  readonly limits: AuthLimits;
  readonly authenticator: passport.Authenticator;
}

function authenticatedUser(req: Request): Express.User {
  if (!req.user) throw new AppError('UNAUTHENTICATED', 'not authenticated');
  return req.user;
}

export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();
  const bearer = deps.authenticator.authenticate('kolokol-bearer', {
    session: false,
  }) as ReturnType<Router['use']>;
  const signature = deps.authenticator.authenticate('kolokol-signature', {
    session: false,
  }) as ReturnType<Router['use']>;

  // A puzzle costs the server an HMAC and stores nothing, so asking for one is not counted.
  router.post('/puzzle', async (req, res) => {
    parseInput(puzzleBodySchema, req.body);
    const effort = Math.max(1, deps.limits.effortNow(req.ip));
    res.json({ ok: true, data: await deps.puzzles.issue(effort) });
  });

  router.post('/register', async (req, res) => {
    const effort = deps.limits.arrive(req.ip);
    const body = parseInput(registerBodySchema, req.body);
    // Redeeming an operator's enrolment code is not self-registration: no global budget.
    const selfRegistration = body.enrolmentCode === undefined;
    if (selfRegistration) await deps.limits.assertRegistrationOpen();
    await deps.puzzles.demand(body.pow, effort);
    const refund = selfRegistration ? await deps.limits.reserveRegistration() : undefined;
    try {
      res.status(201).json({ ok: true, data: await deps.accounts.register(body) });
    } catch (error) {
      await refund?.();
      throw error;
    }
  });

  router.post('/challenge', async (req, res) => {
    const effort = deps.limits.arrive(req.ip);
    const body = parseInput(challengeBodySchema, req.body);
    await deps.puzzles.demand(body.pow, effort);
    res.json({ ok: true, data: await deps.login.issueChallenge(body.handle) });
  });

  router.post('/login', signature, async (req, res) => {
    const { account } = authenticatedUser(req);
    const keyBackup = await deps.accounts.keyBackup(account.id);
    const { token, session } = await deps.sessions.create(account);
    const data: LoginResult = {
      token,
      expiresAt: session.expiresAt,
      accountId: account.id,
      role: account.role,
      keyBackup: toBase64Url(keyBackup),
    };
    res.json({ ok: true, data });
  });

  router.post('/logout', bearer, async (req, res) => {
    const { session } = authenticatedUser(req);
    const revokedSessions = session ? await deps.sessions.logout(session.id) : 0;
    res.json({ ok: true, data: { revokedSessions } });
  });

  router.post('/logout-all', bearer, async (req, res) => {
    const { account } = authenticatedUser(req);
    res.json({ ok: true, data: { revokedSessions: await deps.sessions.logoutAll(account.id) } });
  });

  return router;
}
