// Registering and logging in over REST, as docs/protocol.md describes: the account key on the
// device sealed under the passphrase alone, the two-secret keys derived from both, a signed
// challenge, and the identity opened from the backup the server returns. The result is a
// Session: the token and what the core keeps in memory while the user is logged in.
import {
  challengeResultSchema,
  fromBase64Url,
  handleSchema,
  loginResultSchema,
  logoutResultSchema,
  registerResultSchema,
  toBase64Url,
  type Role,
  type SELF_REGISTER_ROLES,
} from '@kolokol/shared';
import {
  deriveTwoSecretKeys,
  openIdentityBackup,
  prepareRegistration,
  recoveryKit,
  signLoginChallenge,
  type Identity,
  type RecoveryKit,
  type TwoSecretKeys,
} from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';
import {
  keepSalt,
  openStoredAccountKey,
  previousUnlock,
  resealDevice,
  sealedAccountKey,
} from './device-secrets.js';
import { linkHandle, readLinkCode } from './link.js';
import { postPaying, postRoute } from './rest.js';
import type { StoragePort } from './storage.js';
import { RECORDS } from './vault.js';

/** Where the server is and which deployment this build belongs to (TrustConfiguration.deployment). */
export interface ServerOptions {
  readonly url: string;
  readonly deployment: string;
}

/** A logged-in session: the token and the secrets the core holds in memory until logout. */
export interface Session {
  readonly handle: string;
  readonly accountId: string;
  readonly role: Role;
  token: string;
  expiresAt: number;
  /** Replaced by a passphrase change (`account.rekey`). */
  keys: TwoSecretKeys;
  readonly identity: Identity;
  /** The generation of the identity backup the server holds (the highest this device saw). */
  backupGeneration: number;
}

export interface RegisterInput {
  readonly handle: string;
  /** Checked for strength (WeakPassphraseError): offer generatePassphrase() by default. */
  readonly passphrase: string;
  /** A self-chosen role, or the operator's enrolment code (base64url) for staff: exactly one. */
  readonly role?: (typeof SELF_REGISTER_ROLES)[number];
  readonly enrolmentCode?: string;
}

export interface LoginInput {
  /** May be left out with a scanned `link` code, which carries it. */
  readonly handle?: string;
  readonly passphrase: string;
  /**
   * The account key from the recovery kit (parseRecoveryWords / parseRecoveryPayload), on a
   * device that does not hold it yet; it is then sealed on this device under the passphrase.
   */
  readonly accountKey?: Uint8Array;
  /**
   * Instead of `accountKey`: the link code an existing device shows (`linkCode`), as scanned
   * from its QR code or typed as its 12 words (link.ts).
   */
  readonly link?: string;
  /**
   * After the passphrase was changed on another device: the previous passphrase, which still
   * opens this device's records; they are sealed again under the new one (`passphrase`).
   */
  readonly previousPassphrase?: string;
}

/** Registers an account, seals its account key on the device, and logs in. Show `kit` once. */
export async function registerAccount(
  server: ServerOptions,
  storage: StoragePort,
  input: RegisterInput,
): Promise<{ session: Session; accountKey: Uint8Array; kit: RecoveryKit }> {
  const handle = handleSchema.parse(input.handle);
  const prepared = await prepareRegistration({
    deployment: server.deployment,
    handle,
    passphrase: input.passphrase,
  });
  const choice =
    input.enrolmentCode === undefined
      ? { role: input.role ?? 'contact' }
      : { enrolmentCode: input.enrolmentCode };
  // On the device before the account exists: an account whose key is nowhere is lost for good,
  // while a key stored for a registration that then failed is harmless (the next one replaces it).
  await storeAccountKey(storage, handle, input.passphrase, prepared.accountKey);
  await postPaying(
    server.url,
    '/auth/register',
    { ...prepared.body, ...choice },
    registerResultSchema,
  );
  const session = await signIn(server, handle, prepared.keys, prepared.identity, 1);
  const salt = fromBase64Url(prepared.body.salt);
  if (salt !== undefined) await keepSalt(storage, handle, prepared.accountKey, salt);
  const kit = recoveryKit({
    deployment: server.deployment,
    handle,
    accountKey: prepared.accountKey,
  });
  return { session, accountKey: prepared.accountKey, kit };
}

/**
 * Logs in with the passphrase and the account key this device holds (or the one given from
 * the recovery kit). A wrong passphrase is CryptoError WRONG_PASSPHRASE when the device holds
 * the account key, else the server's UNAUTHENTICATED; no account key at all is BAD_REQUEST.
 */
export async function loginAccount(
  server: ServerOptions,
  storage: StoragePort,
  input: LoginInput,
): Promise<Session> {
  const read = input.link === undefined ? undefined : readLinkCode(input.link, server.deployment);
  const named = read === undefined ? input.handle : linkHandle(input.handle, read);
  if (named === undefined) throw new KolokolError('BAD_REQUEST', 'log in with a handle');
  const handle = handleSchema.parse(named);
  const given = read?.accountKey ?? input.accountKey;
  // The passphrase was changed on another device: the records here are sealed under the old one.
  const previous =
    input.previousPassphrase === undefined
      ? undefined
      : await previousUnlock(storage, server.deployment, handle, input.previousPassphrase);
  const accountKey =
    given ?? previous?.accountKey ?? (await storedAccountKey(storage, handle, input.passphrase));
  const issued = await postPaying(server.url, '/auth/challenge', { handle }, challengeResultSchema);
  const keys = deriveTwoSecretKeys({
    deployment: server.deployment,
    handle,
    passphrase: input.passphrase,
    accountKey,
    salt: issued.salt,
  });
  const result = await login(server, handle, keys, issued);
  const { identity, generation } = openIdentityBackup(keys.storageKey, result.keyBackup, {
    account: handle,
    minGeneration: 1,
  });
  if (previous !== undefined) {
    await resealDevice(storage, handle, previous.storageKey, {
      storageKey: keys.storageKey,
      passphrase: input.passphrase,
      accountKey,
      salt: issued.salt,
    });
  } else {
    if (given !== undefined) await storeAccountKey(storage, handle, input.passphrase, given);
    await keepSalt(storage, handle, accountKey, issued.salt);
  }
  return sessionOf(handle, result, keys, identity, generation);
}

/** The account key this device holds, for a login with the passphrase alone. */
async function storedAccountKey(
  storage: StoragePort,
  handle: string,
  passphrase: string,
): Promise<Uint8Array> {
  if ((await storage.get(RECORDS.accountKey)) === undefined) {
    throw new KolokolError('BAD_REQUEST', 'this device holds no account key: use the recovery kit');
  }
  return (await openStoredAccountKey(storage, handle, passphrase)).accountKey;
}

/**
 * The recovery kit of the account key this device holds, opened with the passphrase: to show the
 * kit again (a registration whose first login failed, a person who did not save it).
 */
export async function storedRecoveryKit(
  server: ServerOptions,
  storage: StoragePort,
  handle: string,
  passphrase: string,
): Promise<RecoveryKit> {
  const { accountKey } = await openStoredAccountKey(storage, handle, passphrase);
  return recoveryKit({ deployment: server.deployment, handle, accountKey });
}

/** A fresh token for a session whose token expired, with the login key held in memory. */
export async function renewSession(server: ServerOptions, session: Session): Promise<void> {
  const issued = await postPaying(
    server.url,
    '/auth/challenge',
    { handle: session.handle },
    challengeResultSchema,
  );
  const result = await login(server, session.handle, session.keys, issued);
  session.token = result.token;
  session.expiresAt = result.expiresAt;
}

/** Ends this session (`/auth/logout`) or every session of the account (`/auth/logout-all`). */
export async function endSessions(
  server: ServerOptions,
  session: Session,
  everywhere: boolean,
): Promise<number> {
  const route = everywhere ? '/auth/logout-all' : '/auth/logout';
  const { revokedSessions } = await postRoute(
    server.url,
    route,
    {},
    logoutResultSchema,
    session.token,
  );
  return revokedSessions;
}

async function signIn(
  server: ServerOptions,
  handle: string,
  keys: TwoSecretKeys,
  identity: Identity,
  backupGeneration: number,
): Promise<Session> {
  const issued = await postPaying(server.url, '/auth/challenge', { handle }, challengeResultSchema);
  const result = await login(server, handle, keys, issued);
  return sessionOf(handle, result, keys, identity, backupGeneration);
}

async function login(
  server: ServerOptions,
  handle: string,
  keys: TwoSecretKeys,
  issued: { challengeId: string; nonce: Uint8Array },
) {
  const signature = signLoginChallenge(keys.authentication.secretKey, {
    handle,
    challengeId: issued.challengeId,
    nonce: issued.nonce,
  });
  return postRoute(
    server.url,
    '/auth/login',
    { handle, challengeId: issued.challengeId, signature: toBase64Url(signature) },
    loginResultSchema,
  );
}

/** The session a login answered: who, the bearer token and its expiry, and the keys behind it. */
function sessionOf(
  handle: string,
  result: { accountId: string; role: Role; token: string; expiresAt: number },
  keys: TwoSecretKeys,
  identity: Identity,
  backupGeneration: number,
): Session {
  return {
    handle,
    accountId: result.accountId,
    role: result.role,
    token: result.token,
    expiresAt: result.expiresAt,
    keys,
    identity,
    backupGeneration,
  };
}

async function storeAccountKey(
  storage: StoragePort,
  handle: string,
  passphrase: string,
  accountKey: Uint8Array,
): Promise<void> {
  const sealed = await sealedAccountKey(storage, handle, passphrase, accountKey);
  await storage.write({ put: new Map([[RECORDS.accountKey, sealed]]) });
}
