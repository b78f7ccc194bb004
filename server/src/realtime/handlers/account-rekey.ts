// account.rekey: a new passphrase and/or account key — salt, login key and backup replaced at
// once, signed by the current and the new login key — and every other session of the account
// ends (its sockets get session.revoked 'rekeyed'). Wrong current-key signatures count with
// keys.backup_put's, so a stolen session is no guessing oracle.
import type { AccountService } from '../../domain/accounts.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';
import type { LoginKeyFailures } from '../login-key-failures.js';

export function accountRekey(accounts: AccountService, failures: LoginKeyFailures) {
  return defineHandler({
    event: 'account.rekey',
    roles: EVERY_ROLE,
    handle: (rekey, { caller }) =>
      failures.counting(caller.accountId, () => accounts.rekey(caller, rekey)),
  });
}
