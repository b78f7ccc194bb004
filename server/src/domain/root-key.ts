// The organisation's root public key, which certificates and moderators' statements chain to:
// refused with UNAVAILABLE, not guessed, when the operator has not configured it.
import { AppError } from '../errors.js';

/** The configured root key, or UNAVAILABLE when there is none. */
export function requireRootKey(rootPublicKey: Uint8Array | undefined): Uint8Array {
  if (!rootPublicKey) {
    throw new AppError(
      'UNAVAILABLE',
      'no organisation root key is configured (KOLOKOL_ROOT_PUBLIC_KEY)',
    );
  }
  return rootPublicKey;
}
