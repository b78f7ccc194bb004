// Wrong login-key signatures on the events that need one (keys.backup_put, account.rekey), counted
// together per account: each is an online guess at the two secrets by whoever holds the session,
// so a stolen token gets a few per window across both events, then RATE_LIMITED.
import {
  BACKUP_SIGNATURE_FAILURE_WINDOW_MS,
  MAX_BACKUP_SIGNATURE_FAILURES,
} from '../domain/auth-limits.js';
import { AppError } from '../errors.js';
import type { Limiter, LimiterFactory } from '../scale/limiters.js';

export class LoginKeyFailures {
  readonly #failures: Limiter;

  constructor(limiters: LimiterFactory) {
    this.#failures = limiters({
      keyPrefix: 'login-key-signature-failures',
      points: MAX_BACKUP_SIGNATURE_FAILURES,
      duration: BACKUP_SIGNATURE_FAILURE_WINDOW_MS / 1000,
    });
  }

  /** RATE_LIMITED (with when to retry) once the account has used up its wrong signatures. */
  async assertAllowed(accountId: string): Promise<void> {
    const used = await this.#failures.get(accountId);
    if (used !== null && used.consumedPoints >= MAX_BACKUP_SIGNATURE_FAILURES) {
      throw new AppError('RATE_LIMITED', 'too many wrong signatures; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(used.msBeforeNext / 1000)),
      });
    }
  }

  /** Runs `action`; a FORBIDDEN from it (a wrong login-key signature) counts against the account. */
  async counting<T>(accountId: string, action: () => Promise<T>): Promise<T> {
    await this.assertAllowed(accountId);
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError && error.code === 'FORBIDDEN') {
        await this.#failures.penalty(accountId);
      }
      throw error;
    }
  }
}
