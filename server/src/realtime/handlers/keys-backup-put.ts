// keys.backup_put: replace the caller's sealed identity backup, signed afresh by the login key.
// Wrong signatures are online guesses: a few per account per window (shared with account.rekey),
// then RATE_LIMITED, so a stolen session is no guessing oracle.
import type { AccountService } from '../../domain/accounts.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';
import type { LoginKeyFailures } from '../login-key-failures.js';

export function keysBackupPut(accounts: AccountService, failures: LoginKeyFailures) {
  return defineHandler({
    event: 'keys.backup_put',
    roles: EVERY_ROLE,
    handle: async (replacement, { caller }) => {
      await failures.counting(caller.accountId, () =>
        accounts.replaceKeyBackup(caller, replacement),
      );
      return {};
    },
  });
}
