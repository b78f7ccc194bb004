// What a client signs to register and to log in. Login is signed by the passphrase-derived
// authentication key, whose public half only the server holds; registration is signed by both
// that key and the new identity's signing key, proving possession of each and binding them.
import { transcript, utf8 } from '../primitives/bytes.js';
import { sign, verify } from '../primitives/primitives.js';
import type { PublicIdentity } from '../identity/identity.js';

export interface LoginChallenge {
  readonly handle: string;
  readonly challengeId: string;
  readonly nonce: Uint8Array;
}

/** Everything a registration binds together. */
export interface Registration {
  readonly handle: string;
  readonly authKey: Uint8Array;
  readonly identity: PublicIdentity;
  readonly salt: Uint8Array;
  readonly keyBackup: Uint8Array;
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
  signer: 'auth' | 'identity',
  registration: Registration,
): Uint8Array {
  return transcript(
    `kolokol/v1/register/${signer}`,
    utf8(registration.handle),
    registration.authKey,
    registration.identity.signingKey,
    registration.identity.exchangeKey,
    registration.identity.exchangeSignature,
    registration.salt,
    registration.keyBackup,
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

/** The two proofs of possession a registration carries. */
export function signRegistration(
  keys: { readonly authSecretKey: Uint8Array; readonly identitySecretKey: Uint8Array },
  registration: Registration,
): { authSignature: Uint8Array; identitySignature: Uint8Array } {
  return {
    authSignature: sign(keys.authSecretKey, registrationTranscript('auth', registration)),
    identitySignature: sign(
      keys.identitySecretKey,
      registrationTranscript('identity', registration),
    ),
  };
}

export function verifyRegistration(
  registration: Registration,
  signatures: { readonly authSignature: Uint8Array; readonly identitySignature: Uint8Array },
): boolean {
  const auth = verify(
    registration.authKey,
    registrationTranscript('auth', registration),
    signatures.authSignature,
  );
  const identity = verify(
    registration.identity.signingKey,
    registrationTranscript('identity', registration),
    signatures.identitySignature,
  );
  return auth && identity;
}
