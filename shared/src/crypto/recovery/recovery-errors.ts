// Errors for what a person types or scans when recovering an account (the recovery kit) or
// chooses as a passphrase: a CryptoError whose `problem` a user interface can show in Russian or
// English (recovery-kit-text.ts). Messages carry no word, key or passphrase.
import { CryptoError } from '../primitives/errors.js';
import type { PassphraseStrength } from './passphrase-strength.js';

/** Why recovery words or a recovery payload were refused. */
export const RECOVERY_PROBLEMS = [
  /** Not 12 words. */
  'WORD_COUNT',
  /** A word that is not in the list (nor the unique beginning of one); `wordIndex` says which. */
  'UNKNOWN_WORD',
  /** The words (BIP-39 checksum) or the payload (its own checksum) do not add up: a typo or a misread. */
  'CHECKSUM',
  /** Not a recovery payload at all. */
  'NOT_A_PAYLOAD',
  /** A payload of a later version than this client knows. */
  'UNSUPPORTED_VERSION',
  /** A payload for another deployment than this client's. */
  'WRONG_DEPLOYMENT',
] as const;
export type RecoveryProblem = (typeof RECOVERY_PROBLEMS)[number];

export class RecoveryInputError extends CryptoError {
  constructor(
    readonly problem: RecoveryProblem,
    message: string,
    /** 1-based position of the refused word, for UNKNOWN_WORD. */
    readonly wordIndex?: number,
  ) {
    super(problem === 'UNSUPPORTED_VERSION' ? 'UNSUPPORTED_VERSION' : 'MALFORMED', message);
  }
}

/** A new passphrase refused by prepareRegistration or prepareRekey; `strength` says why. */
export class WeakPassphraseError extends CryptoError {
  constructor(readonly strength: PassphraseStrength) {
    super('WEAK_PASSPHRASE', `passphrase refused: ${strength.problems.join(', ')}`);
  }
}
