// What a client signs to replace its sealed key backup (`keys.backup_put`): a fresh signature by
// the passphrase-derived login key over a server challenge and the new backup, so that a stolen
// session token alone cannot overwrite the backup a new device will restore from.
import { transcript, utf8 } from '../primitives/bytes.js';
import { sign, verify } from '../primitives/primitives.js';
import type { LoginChallenge } from './auth-proof.js';

/** A challenge from POST /auth/challenge for this handle, spent by the replacement, and the new backup. */
export interface BackupReplacement extends LoginChallenge {
  /** The new sealed backup, bound whole: a signature for one backup cannot carry another. */
  readonly keyBackup: Uint8Array;
}

function backupTranscript(replacement: BackupReplacement): Uint8Array {
  return transcript(
    'kolokol/v1/backup-put',
    utf8(replacement.handle),
    utf8(replacement.challengeId),
    replacement.nonce,
    replacement.keyBackup,
  );
}

/** Signs a backup replacement with the login (authentication) secret key. */
export function signBackupReplacement(
  authSecretKey: Uint8Array,
  replacement: BackupReplacement,
): Uint8Array {
  return sign(authSecretKey, backupTranscript(replacement));
}

export function verifyBackupReplacement(
  authPublicKey: Uint8Array,
  replacement: BackupReplacement,
  signature: Uint8Array,
): boolean {
  return verify(authPublicKey, backupTranscript(replacement), signature);
}
