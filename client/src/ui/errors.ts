// Every failure in words a frightened person understands: what happened, that nothing is lost
// when that is so, and what to do. Codes come from the core (KolokolError, CryptoError and its
// recovery/passphrase problems); the words from the catalogues and shared's RECOVERY_KIT_TEXT.
import { isKolokolError, type SignedOutReason } from '@kolokol/client/core';
import {
  CryptoError,
  RECOVERY_KIT_TEXT,
  RecoveryInputError,
  WeakPassphraseError,
} from '@kolokol/shared/crypto';
import { language, t, type MessageKey } from './i18n/i18n.js';

/** What the person was doing: the same code means different things at login and elsewhere. */
export type Activity = 'login' | 'register' | 'other';

export function describeError(error: unknown, activity: Activity = 'other'): string {
  const kit = RECOVERY_KIT_TEXT[language.value];
  if (error instanceof RecoveryInputError) return kit.recoveryProblems[error.problem];
  if (error instanceof WeakPassphraseError) {
    const problem = error.strength.problems[0] ?? 'TOO_GUESSABLE';
    return kit.passphraseProblems[problem];
  }
  if (error instanceof CryptoError) {
    return t(error.reason === 'WRONG_PASSPHRASE' ? 'errors.wrongPassphrase' : 'errors.crypto');
  }
  if (isKolokolError(error)) return t(kolokolErrorKey(error.code, activity));
  return t('errors.unknown');
}

function kolokolErrorKey(code: string, activity: Activity): MessageKey {
  switch (code) {
    case 'UNAVAILABLE':
      return 'errors.unavailable';
    case 'RATE_LIMITED':
    case 'POW_REQUIRED':
      return 'errors.rateLimited';
    case 'UNAUTHENTICATED':
      return activity === 'login' ? 'errors.wrongLogin' : 'errors.signedOut';
    case 'CONFLICT':
      return activity === 'register' ? 'errors.handleTaken' : 'errors.conflict';
    case 'BAD_REQUEST':
      return activity === 'login' ? 'errors.needKit' : 'errors.badRequest';
    case 'FORBIDDEN':
      return 'errors.forbidden';
    case 'NOT_FOUND':
      return 'errors.notFound';
    case 'UNSUPPORTED_VERSION':
      return 'errors.updateNeeded';
    case 'PAYLOAD_TOO_LARGE':
      return 'errors.tooLarge';
    default:
      return 'errors.unknown';
  }
}

/** Why the person was signed out, for the login screen. */
export function describeSignedOut(reason: SignedOutReason): string {
  switch (reason) {
    case 'logout':
      return t('signedOut.logout');
    case 'logout_all':
      return t('signedOut.everywhere');
    case 'suspended':
      return t('signedOut.suspended');
    case 'rekeyed':
      return t('signedOut.rekeyed');
    case 'device_removed':
      return t('signedOut.deviceRemoved');
    default:
      return t('signedOut.other');
  }
}
