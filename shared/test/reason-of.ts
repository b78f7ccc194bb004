// The CryptoError reason an action fails with, or 'no error': lets tests assert the exact refusal.
import { CryptoError, type CryptoErrorReason } from '../src/crypto/primitives/errors.js';

export function reasonOf(action: () => unknown): CryptoErrorReason | 'no error' {
  try {
    action();
  } catch (error) {
    if (error instanceof CryptoError) return error.reason;
    throw error;
  }
  return 'no error';
}
