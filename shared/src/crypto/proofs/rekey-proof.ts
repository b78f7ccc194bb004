// What a client signs to change its passphrase or rotate its account key (`account.rekey`): one
// transcript binding a fresh server challenge to the new salt, the new login public key and the
// new sealed backup, signed by the CURRENT login key (so a stolen session token alone cannot
// rekey) and by the NEW login key (proof of possession, so nobody can register a key they do not
// hold — or someone else's).
import { transcript, utf8 } from '../primitives/bytes.js';
import { sign, verify } from '../primitives/primitives.js';
import type { LoginChallenge } from './auth-proof.js';

/** A challenge from POST /auth/challenge for this handle, spent by the rekey, and what replaces what. */
export interface Rekey extends LoginChallenge {
  /** The new 16-byte salt the server will serve. */
  readonly salt: Uint8Array;
  /** The new login public key. */
  readonly authKey: Uint8Array;
  /** The identity backup sealed under the new storage key, one generation higher. */
  readonly keyBackup: Uint8Array;
}

function rekeyTranscript(signer: 'current' | 'new', rekey: Rekey): Uint8Array {
  return transcript(
    `kolokol/v1/rekey/${signer}`,
    utf8(rekey.handle),
    utf8(rekey.challengeId),
    rekey.nonce,
    rekey.salt,
    rekey.authKey,
    rekey.keyBackup,
  );
}

/** The two signatures a rekey carries: by the current login key and by the new one. */
export function signRekey(
  keys: { readonly currentSecretKey: Uint8Array; readonly newSecretKey: Uint8Array },
  rekey: Rekey,
): { signature: Uint8Array; authSignature: Uint8Array } {
  return {
    signature: sign(keys.currentSecretKey, rekeyTranscript('current', rekey)),
    authSignature: sign(keys.newSecretKey, rekeyTranscript('new', rekey)),
  };
}

/** True when `signature` is the current login key's over this rekey. */
export function verifyRekeyByCurrentKey(
  currentAuthKey: Uint8Array,
  rekey: Rekey,
  signature: Uint8Array,
): boolean {
  return verify(currentAuthKey, rekeyTranscript('current', rekey), signature);
}

/** True when `authSignature` is the new login key's (`rekey.authKey`): proof of possession. */
export function verifyRekeyProofOfPossession(rekey: Rekey, authSignature: Uint8Array): boolean {
  return verify(rekey.authKey, rekeyTranscript('new', rekey), authSignature);
}
