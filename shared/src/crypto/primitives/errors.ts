// The one error type of the crypto layer: a stable reason code and a message free of key material.

export const CRYPTO_ERROR_REASONS = [
  'BAD_LENGTH',
  'BAD_KEY',
  'BAD_SIGNATURE',
  'DECRYPT_FAILED',
  'UNSUPPORTED_VERSION',
  'MALFORMED',
  'REPLAY',
  'TOO_MANY_SKIPPED',
  'UNTRUSTED',
  'WRONG_PASSPHRASE',
  /** A new passphrase the strength estimator refuses (recovery/passphrase-strength.ts). */
  'WEAK_PASSPHRASE',
] as const;

export type CryptoErrorReason = (typeof CRYPTO_ERROR_REASONS)[number];

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly reason: CryptoErrorReason,
    message: string,
  ) {
    super(message);
  }
}
