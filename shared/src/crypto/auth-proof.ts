// What a client signs to register and to log in. The server verifies these with the
// registered Ed25519 key; it never sees a passphrase or anything derived from one but public keys.
import { transcript, utf8 } from './bytes.js';
import { sign, verify } from './primitives.js';
import type { PublicIdentity } from './identity.js';

export interface LoginChallenge {
  readonly handle: string;
  readonly challengeId: string;
  readonly nonce: Uint8Array;
}

function loginTranscript(challenge: LoginChallenge): Uint8Array {
  return transcript(
    'kolokol/v1/login',
    utf8(challenge.handle),
    utf8(challenge.challengeId),
    challenge.nonce,
  );
}

function registrationTranscript(
  handle: string,
  identity: PublicIdentity,
  salt: Uint8Array,
): Uint8Array {
  return transcript(
    'kolokol/v1/register',
    utf8(handle),
    identity.signingKey,
    identity.exchangeKey,
    identity.exchangeSignature,
    salt,
  );
}

export function signLoginChallenge(secretKey: Uint8Array, challenge: LoginChallenge): Uint8Array {
  return sign(secretKey, loginTranscript(challenge));
}

export function verifyLoginChallenge(
  publicKey: Uint8Array,
  challenge: LoginChallenge,
  signature: Uint8Array,
): boolean {
  return verify(publicKey, loginTranscript(challenge), signature);
}

/** Proof of possession: the new account's signing key signs its handle, keys and salt. */
export function signRegistration(
  secretKey: Uint8Array,
  handle: string,
  identity: PublicIdentity,
  salt: Uint8Array,
): Uint8Array {
  return sign(secretKey, registrationTranscript(handle, identity, salt));
}

export function verifyRegistration(
  handle: string,
  identity: PublicIdentity,
  salt: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verify(identity.signingKey, registrationTranscript(handle, identity, salt), signature);
}
