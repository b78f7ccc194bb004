// How a second device of an account gets in, for tests, exactly as the real client does it: the
// account is registered with the two-secret derivation (passphrase + account key); an existing
// device shows the account key as the recovery payload (the QR code, or the kit's words); the new
// device reads it, derives the login and storage keys from passphrase + account key under the
// salt the challenge serves, logs in, and opens the identity from the sealed backup that login
// returns. It then adds itself as a device (`addDevice` in keys.ts).
import { fromBase64Url, loginResultSchema, registerResultSchema, type Role } from '@kolokol/shared';
import {
  deriveTwoSecretKeys,
  encodeRecoveryPayload,
  generatePassphrase,
  openIdentityBackup,
  parseRecoveryPayload,
  prepareRegistration,
  type Identity,
} from '@kolokol/shared/crypto';
import {
  DEPLOYMENT,
  challenge,
  loginBody,
  newTestAccount,
  post,
  postPaying,
  type TestAccount,
} from './client.js';
import type { LoggedIn } from './keys.js';

/** An account registered the real way: what its person knows (passphrase) and keeps (the kit). */
export interface KitAccount extends LoggedIn {
  readonly passphrase: string;
  readonly accountKey: Uint8Array;
}

/** Registers with a generated passphrase and a fresh account key, and logs in. */
export async function registerWithKit(
  url: string,
  prefix: string,
  role: Extract<Role, 'contact' | 'volunteer'> = 'contact',
): Promise<KitAccount> {
  const { handle } = newTestAccount(prefix);
  const passphrase = generatePassphrase();
  const prepared = await prepareRegistration({ deployment: DEPLOYMENT, handle, passphrase });
  const response = await postPaying(url, '/auth/register', { ...prepared.body, role });
  if (!response.body.ok) throw new Error(`register failed: ${response.body.error.code}`);
  registerResultSchema.parse(response.body.data);
  const loggedIn = await loginWithSecrets(url, handle, passphrase, prepared.accountKey);
  return { ...loggedIn, passphrase, accountKey: prepared.accountKey };
}

/** What an existing device shows as a QR code: the recovery payload with the account key. */
export function qrPayloadFromDevice(account: KitAccount): string {
  return encodeRecoveryPayload({
    deployment: DEPLOYMENT,
    handle: account.account.handle,
    accountKey: account.accountKey,
  });
}

/**
 * A new device's login with a scanned payload and the passphrase its person types: the device
 * starts with no key of the account and ends with a session and the identity.
 */
export async function loginFromQrPayload(
  url: string,
  scanned: string,
  passphrase: string,
): Promise<LoggedIn> {
  const payload = parseRecoveryPayload(scanned, { expectedDeployment: DEPLOYMENT });
  return loginWithSecrets(url, payload.handle, passphrase, payload.accountKey);
}

async function loginWithSecrets(
  url: string,
  handle: string,
  passphrase: string,
  accountKey: Uint8Array,
): Promise<LoggedIn> {
  const issued = await challenge(url, handle);
  const salt = fromBase64Url(issued.salt);
  if (!salt) throw new Error('bad salt');
  const keys = deriveTwoSecretKeys({
    deployment: DEPLOYMENT,
    handle,
    passphrase,
    accountKey,
    salt,
  });
  const response = await post(url, '/auth/login', loginBody(handle, keys.authentication, issued));
  if (!response.body.ok) throw new Error(`login failed: ${response.body.error.code}`);
  const session = loginResultSchema.parse(response.body.data);
  const identity: Identity = openIdentityBackup(keys.storageKey, session.keyBackup, {
    account: handle,
    minGeneration: 1,
  }).identity;
  const account: TestAccount = {
    handle,
    identity,
    auth: keys.authentication,
    salt,
    storageKey: keys.storageKey,
  };
  return { account, accountId: session.accountId, token: session.token };
}
