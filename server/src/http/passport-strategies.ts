// Passport strategies: 'kolokol-signature' verifies a signed login challenge;
// 'kolokol-bearer' resolves a session token. Failures are passed on as AppErrors (this.error)
// so that the one express error handler shapes every response.
import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { loginBodySchema } from '@kolokol/shared';
import { AppError } from '../errors.js';
import { LOGIN_FAILED, type LoginService } from '../domain/login.js';
import type { SessionService } from '../domain/sessions.js';
import type { AccountRecord, SessionRecord } from '../store/ports.js';
import { parseInput } from '../validation.js';
import type { AuthLimits } from './auth-rate-limits.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User {
      readonly account: AccountRecord;
      readonly session?: SessionRecord;
    }
  }
}

export class SignatureStrategy extends Strategy {
  readonly name = 'kolokol-signature';

  constructor(
    private readonly login: LoginService,
    private readonly limits: AuthLimits,
  ) {
    super();
  }

  override authenticate(req: Request): void {
    const run = async () => {
      // Login itself asks for no proof of work: the challenge it spends was paid for.
      this.limits.arrive(req.ip);
      const body = parseInput(loginBodySchema, req.body);
      await this.limits.assertHandleOpen(body.handle);
      const outcome = await this.login.verify(body);
      if (!outcome.ok) {
        if (outcome.guess) await this.limits.recordFailedGuess(body.handle);
        throw new AppError('UNAUTHENTICATED', LOGIN_FAILED);
      }
      await this.limits.resetHandle(body.handle);
      return outcome.account;
    };
    run().then(
      (account) => this.success({ account }),
      (error: unknown) =>
        this.error(error instanceof Error ? error : new Error('authentication failed')),
    );
  }
}

export class BearerStrategy extends Strategy {
  readonly name = 'kolokol-bearer';

  constructor(private readonly sessions: SessionService) {
    super();
  }

  override authenticate(req: Request): void {
    const match = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      this.error(new AppError('UNAUTHENTICATED', 'missing or malformed bearer token'));
      return;
    }
    this.sessions.authenticate(match[1]).then(
      (authenticated) => this.success(authenticated),
      (error: unknown) =>
        this.error(error instanceof Error ? error : new Error('authentication failed')),
    );
  }
}
