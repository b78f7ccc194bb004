// The recovery kit: the account key as 12 words and as a QR payload, made together so a user
// interface shows both (with RECOVERY_KIT_TEXT around them), once, at registration and after a
// rotation; and read back from either.
import { encodeRecoveryPayload, type RecoveryPayload } from './recovery-payload.js';
import { recoveryWords } from './recovery-words.js';

export interface RecoveryKit {
  readonly deployment: string;
  readonly handle: string;
  /** 12 English BIP-39 words, in order. */
  readonly words: readonly string[];
  /** The text to render as a QR code (alphanumeric mode). */
  readonly payload: string;
}

export function recoveryKit(account: RecoveryPayload): RecoveryKit {
  return {
    deployment: account.deployment,
    handle: account.handle,
    words: recoveryWords(account.accountKey),
    payload: encodeRecoveryPayload(account),
  };
}
