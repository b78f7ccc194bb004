// keys.backup_put: replace the caller's sealed identity backup, signed afresh by the login key.
// Wrong signatures are online guesses at the passphrase: a few per account per window, then
// RATE_LIMITED, so a stolen session is no guessing oracle.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  BACKUP_SIGNATURE_FAILURE_WINDOW_MS,
  MAX_BACKUP_SIGNATURE_FAILURES,
} from '../../domain/auth-limits.js';
import type { AccountService } from '../../domain/accounts.js';
import { AppError } from '../../errors.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function keysBackupPut(accounts: AccountService) {
  const failures = new RateLimiterMemory({
    keyPrefix: 'backup-signature-failures',
    points: MAX_BACKUP_SIGNATURE_FAILURES,
    duration: BACKUP_SIGNATURE_FAILURE_WINDOW_MS / 1000,
  });
  return defineHandler({
    event: 'keys.backup_put',
    roles: EVERY_ROLE,
    handle: async (replacement, { caller }) => {
      const used = await failures.get(caller.accountId);
      if (used !== null && used.consumedPoints >= MAX_BACKUP_SIGNATURE_FAILURES) {
        throw new AppError('RATE_LIMITED', 'too many wrong signatures; try again later', {
          retryAfterSeconds: Math.max(1, Math.ceil(used.msBeforeNext / 1000)),
        });
      }
      try {
        await accounts.replaceKeyBackup(caller, replacement);
      } catch (error) {
        if (error instanceof AppError && error.code === 'FORBIDDEN') {
          await failures.penalty(caller.accountId);
        }
        throw error;
      }
      return {};
    },
  });
}
