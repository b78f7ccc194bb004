// The two moments a person chooses a passphrase — registering and rekeying — as single calls
// that check its strength first (WeakPassphraseError), so no client registers a weak one by
// accident, and that return the exact wire fields to send. Logging in checks no strength: a
// passphrase accepted once keeps working when the estimator's dictionaries grow.
import { toBase64Url } from '../../encoding/base64url.js';
import type { RekeyInput, RegisterBody } from '../../protocol/auth.js';
import { generateIdentity, publicIdentity, type Identity } from '../identity/identity.js';
import {
  checkCanonicalHandle,
  checkDeployment,
  deriveTwoSecretKeys,
  newAccountKey,
  newPassphraseSalt,
  type TwoSecretKeys,
} from '../identity/two-secret-keys.js';
import { signRegistration, type LoginChallenge } from '../proofs/auth-proof.js';
import { signRekey } from '../proofs/rekey-proof.js';
import { sealIdentityBackup } from '../storage/identity-backup.js';
import { checkPassphraseStrength } from './passphrase-strength.js';
import { WeakPassphraseError } from './recovery-errors.js';

/** Everything a new account is made of. Show `accountKey` once as the recovery kit. */
export interface PreparedRegistration {
  /** The second secret: keep it in the device's key store and give it to the user as the kit. */
  readonly accountKey: Uint8Array;
  readonly keys: TwoSecretKeys;
  readonly identity: Identity;
  /** The POST /auth/register body without `role` / `enrolmentCode` (add one) and `pow`. */
  readonly body: Omit<RegisterBody, 'role' | 'enrolmentCode' | 'pow'>;
}

/**
 * Checks the passphrase's strength (WeakPassphraseError), then makes the account key, the salt,
 * the random identity, the two-secret keys (one Argon2id run), the identity backup (generation 1)
 * and both registration proofs.
 */
export async function prepareRegistration(input: {
  readonly deployment: string;
  readonly handle: string;
  readonly passphrase: string;
}): Promise<PreparedRegistration> {
  const { handle, accountKey, salt, keys } = await deriveForNewPassphrase({
    deployment: input.deployment,
    handle: input.handle,
    passphrase: input.passphrase,
    accountKey: 'new',
  });
  const identity = generateIdentity();
  const keyBackup = sealIdentityBackup(keys.storageKey, identity, {
    account: handle,
    generation: 1,
  });
  const published = publicIdentity(identity);
  const registration = {
    handle,
    authKey: keys.authentication.publicKey,
    identity: published,
    salt,
    keyBackup,
  };
  const proofs = signRegistration(
    { authSecretKey: keys.authentication.secretKey, identitySecretKey: identity.signing.secretKey },
    registration,
  );
  return {
    accountKey,
    keys,
    identity,
    body: {
      handle,
      authKey: toBase64Url(keys.authentication.publicKey),
      identity: {
        signingKey: toBase64Url(published.signingKey),
        exchangeKey: toBase64Url(published.exchangeKey),
        exchangeSignature: toBase64Url(published.exchangeSignature),
      },
      salt: toBase64Url(salt),
      keyBackup: toBase64Url(keyBackup),
      authSignature: toBase64Url(proofs.authSignature),
      identitySignature: toBase64Url(proofs.identitySignature),
    },
  };
}

/** The new secrets after a rekey. Show a rotated `accountKey` as a new recovery kit. */
export interface PreparedRekey {
  readonly accountKey: Uint8Array;
  readonly keys: TwoSecretKeys;
  /** The generation the new backup was sealed with: record it as the least to accept. */
  readonly backupGeneration: number;
  /** The `account.rekey` payload. */
  readonly payload: RekeyInput;
}

/**
 * A passphrase change and/or account-key rotation in one step. Checks the new passphrase's
 * strength (WeakPassphraseError), derives new keys under a fresh salt (one Argon2id run), seals
 * the identity one generation above `backupGeneration`, and signs a fresh challenge for the
 * caller's handle with the current and the new login key.
 */
export async function prepareRekey(input: {
  readonly deployment: string;
  /** The challenge for the caller's own handle (POST /auth/challenge), parsed. */
  readonly challenge: LoginChallenge;
  /** The identity, opened from the current backup. */
  readonly identity: Identity;
  /** The current keys (derived at login): they sign the rekey. */
  readonly currentKeys: TwoSecretKeys;
  /** The generation of the current backup (the highest this device has seen). */
  readonly backupGeneration: number;
  /** The new passphrase (the current one again to rotate only the account key). */
  readonly passphrase: string;
  /** `'rotate'` for a fresh account key (a new recovery kit), or the current one to keep it. */
  readonly accountKey: 'rotate' | Uint8Array;
}): Promise<PreparedRekey> {
  const { handle, accountKey, salt, keys } = await deriveForNewPassphrase({
    deployment: input.deployment,
    handle: input.challenge.handle,
    passphrase: input.passphrase,
    accountKey: input.accountKey === 'rotate' ? 'new' : input.accountKey,
  });
  const backupGeneration = input.backupGeneration + 1;
  const keyBackup = sealIdentityBackup(keys.storageKey, input.identity, {
    account: handle,
    generation: backupGeneration,
  });
  const rekey = {
    ...input.challenge,
    handle,
    salt,
    authKey: keys.authentication.publicKey,
    keyBackup,
  };
  const signatures = signRekey(
    {
      currentSecretKey: input.currentKeys.authentication.secretKey,
      newSecretKey: keys.authentication.secretKey,
    },
    rekey,
  );
  return {
    accountKey,
    keys,
    backupGeneration,
    payload: {
      challengeId: input.challenge.challengeId,
      salt: toBase64Url(salt),
      authKey: toBase64Url(keys.authentication.publicKey),
      keyBackup: toBase64Url(keyBackup),
      authSignature: toBase64Url(signatures.authSignature),
      signature: toBase64Url(signatures.signature),
    },
  };
}

/**
 * The step both share: checks the deployment, the handle and the passphrase's strength
 * (WeakPassphraseError), then derives the two-secret keys under a fresh salt (one Argon2id run)
 * with the given account key, or a new one made only once the passphrase has passed.
 */
async function deriveForNewPassphrase(input: {
  readonly deployment: string;
  readonly handle: string;
  readonly passphrase: string;
  readonly accountKey: 'new' | Uint8Array;
}): Promise<{ handle: string; accountKey: Uint8Array; salt: Uint8Array; keys: TwoSecretKeys }> {
  const deployment = checkDeployment(input.deployment);
  const handle = checkCanonicalHandle(input.handle);
  const strength = await checkPassphraseStrength(input.passphrase, { handle, deployment });
  if (!strength.acceptable) throw new WeakPassphraseError(strength);
  const accountKey = input.accountKey === 'new' ? newAccountKey() : input.accountKey;
  const salt = newPassphraseSalt();
  const keys = deriveTwoSecretKeys({
    deployment,
    handle,
    passphrase: input.passphrase,
    accountKey,
    salt,
  });
  return { handle, accountKey, salt, keys };
}
