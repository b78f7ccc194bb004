// How a second device of an account gets in, for tests. In the real client (issue 7, part 1) a
// new device needs the passphrase and the account key, which it reads from a QR code an existing
// device shows (or from the recovery kit's words); it then logs in and opens the identity from
// the sealed backup that login returns.
//
// STAND-IN, for the lead to wire to the keys part's recovery-kit / QR payload at merge: this
// branch has no account key yet, so `qrPayloadFromDevice` hands over what this base's login
// needs (the test account's login key and storage key, which the real client derives from
// passphrase + account key), and `loginFromQrPayload` is the login a new device does with it.
// The device part does not depend on anything else here: whatever the payload, the new device
// ends up with a session token and the account's identity, and adds itself with `addDevice`.
import { loginResultSchema } from '@kolokol/shared';
import { openIdentityBackup, type Identity } from '@kolokol/shared/crypto';
import { challenge, loginBody, post, type TestAccount } from './client.js';
import type { LoggedIn } from './keys.js';

/** What device A shows as a QR code (stand-in: see the file's comment). */
export interface QrPayload {
  readonly handle: string;
  /** Stand-in for passphrase + account key: the keys the real client derives from them. */
  readonly derived: Pick<TestAccount, 'auth' | 'storageKey' | 'salt'>;
}

export function qrPayloadFromDevice(account: TestAccount): QrPayload {
  return {
    handle: account.handle,
    derived: { auth: account.auth, storageKey: account.storageKey, salt: account.salt },
  };
}

/**
 * The new device's login with the payload: a challenge, the signed login, and the identity
 * opened from the backup the server returns — the device starts with no key of the account.
 */
export async function loginFromQrPayload(url: string, payload: QrPayload): Promise<LoggedIn> {
  const issued = await challenge(url, payload.handle);
  const response = await post(
    url,
    '/auth/login',
    loginBody(payload.handle, payload.derived.auth, issued),
  );
  if (!response.body.ok) throw new Error(`login failed: ${response.body.error.code}`);
  const session = loginResultSchema.parse(response.body.data);
  const identity: Identity = openIdentityBackup(payload.derived.storageKey, session.keyBackup, {
    account: payload.handle,
    minGeneration: 1,
  }).identity;
  const account: TestAccount = { handle: payload.handle, identity, ...payload.derived };
  return { account, accountId: session.accountId, token: session.token };
}
