// keys.backup_put: replace the caller's sealed identity backup.
import type { AccountService } from '../../domain/accounts.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function keysBackupPut(accounts: AccountService) {
  return defineHandler({
    event: 'keys.backup_put',
    roles: EVERY_ROLE,
    handle: async ({ keyBackup }, { caller }) => {
      await accounts.setKeyBackup(caller.accountId, keyBackup);
      return {};
    },
  });
}
