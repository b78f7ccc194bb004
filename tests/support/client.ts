// A real client for tests: REST calls with fetch, sockets with socket.io-client, keys from
// shared's crypto, exactly as the web client will use them.
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  ackSchema,
  challengeResultSchema,
  clientEvents,
  loginResultSchema,
  puzzleResultSchema,
  registerResultSchema,
  toBase64Url,
  fromBase64Url,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorBody,
  type EventInput,
  type EventResult,
  type ServerToClientEvents,
} from '@kolokol/shared';
import {
  ed25519KeyPair,
  generateIdentity,
  newPassphraseSalt,
  publicIdentity,
  randomBytes,
  sealIdentityBackup,
  signBackupReplacement,
  signLoginChallenge,
  signRekey,
  signRegistration,
  solvePuzzle,
  type Identity,
  type KeyPair,
  type PreparedRegistration,
} from '@kolokol/shared/crypto';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The deployment id the tests' client builds pin (TrustConfiguration.deployment). */
export const DEPLOYMENT = 'kolokol-test';

export interface RestResponse<T = unknown> {
  readonly status: number;
  readonly body: Ack<T>;
}

export async function post<T = unknown>(
  url: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RestResponse<T>> {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Ack<T> };
}

/** Asks for a puzzle and solves it, as a client does after a POW_REQUIRED: the body's `pow`. */
export async function solvePow(url: string): Promise<{ puzzle: string; nonce: string }> {
  const response = await post(url, '/auth/puzzle', {});
  if (!response.body.ok) throw new Error(`puzzle failed: ${response.body.error.code}`);
  const { puzzle, effort } = puzzleResultSchema.parse(response.body.data);
  return { puzzle: toBase64Url(puzzle), nonce: toBase64Url(solvePuzzle(puzzle, effort)) };
}

/**
 * Posts an anonymous auth body (register, challenge); when the server answers POW_REQUIRED,
 * solves a fresh puzzle and sends the body again with it, a few times at most.
 */
export async function postPaying<T = unknown>(
  url: string,
  route: string,
  body: Record<string, unknown>,
): Promise<RestResponse<T>> {
  let response = await post<T>(url, route, body);
  for (let round = 0; round < 3; round += 1) {
    if (response.body.ok || response.body.error.code !== 'POW_REQUIRED') break;
    response = await post<T>(url, route, { ...body, pow: await solvePow(url) });
  }
  return response;
}

export interface TestAccount {
  readonly handle: string;
  /** The published, random identity. */
  readonly identity: Identity;
  /** The login key (two-secret derived in the real client; random here, which the server cannot tell). */
  readonly auth: KeyPair;
  readonly salt: Uint8Array;
  /** Seals the identity backup (two-secret derived in the real client). */
  readonly storageKey: Uint8Array;
}

export function registrationBody(
  account: TestAccount,
  extra: Record<string, unknown> = { role: 'contact' },
) {
  const identity = publicIdentity(account.identity);
  const keyBackup = sealIdentityBackup(account.storageKey, account.identity, {
    account: account.handle,
    generation: 1,
  });
  const registration = {
    handle: account.handle,
    authKey: account.auth.publicKey,
    identity,
    salt: account.salt,
    keyBackup,
  };
  const { authSignature, identitySignature } = signRegistration(
    {
      authSecretKey: account.auth.secretKey,
      identitySecretKey: account.identity.signing.secretKey,
    },
    registration,
  );
  return {
    handle: account.handle,
    ...extra,
    authKey: toBase64Url(account.auth.publicKey),
    identity: {
      signingKey: toBase64Url(identity.signingKey),
      exchangeKey: toBase64Url(identity.exchangeKey),
      exchangeSignature: toBase64Url(identity.exchangeSignature),
    },
    salt: toBase64Url(account.salt),
    keyBackup: toBase64Url(keyBackup),
    authSignature: toBase64Url(authSignature),
    identitySignature: toBase64Url(identitySignature),
  };
}

let counter = 0;
/** A fresh handle and random keys (no Argon2: the server cannot tell how keys were made). */
export function newTestAccount(prefix = 'user'): TestAccount {
  counter += 1;
  return {
    handle: `${prefix}${process.pid}x${counter}`,
    identity: generateIdentity(),
    auth: ed25519KeyPair(),
    salt: newPassphraseSalt(),
    storageKey: randomBytes(32),
  };
}

export async function register(url: string, account: TestAccount, extra?: Record<string, unknown>) {
  const response = await postPaying<{ accountId: string; role: string }>(
    url,
    '/auth/register',
    registrationBody(account, extra),
  );
  if (!response.body.ok) throw new Error(`register failed: ${response.body.error.code}`);
  return registerResultSchema.parse(response.body.data);
}

/**
 * The test client's account for what prepareRegistration made: its real two-secret keys, which
 * register() then uses as they are (it re-seals the backup and re-signs alike).
 */
export function testAccountOf(prepared: PreparedRegistration): TestAccount {
  return {
    handle: prepared.body.handle,
    identity: prepared.identity,
    auth: prepared.keys.authentication,
    salt: fromBase64Url(prepared.body.salt)!,
    storageKey: prepared.keys.storageKey,
  };
}

export interface Challenge {
  readonly challengeId: string;
  readonly nonce: string;
  readonly salt: string;
}

export async function challenge(url: string, handle: string): Promise<Challenge> {
  const response = await postPaying<Challenge>(url, '/auth/challenge', { handle });
  if (!response.body.ok) throw new Error(`challenge failed: ${response.body.error.code}`);
  // Checked against the contract; returned in its wire form (base64url text) for the tests.
  challengeResultSchema.parse(response.body.data);
  return response.body.data;
}

export function loginBody(handle: string, auth: KeyPair, issued: Challenge) {
  const nonce = fromBase64Url(issued.nonce);
  if (!nonce) throw new Error('bad nonce');
  const signature = signLoginChallenge(auth.secretKey, {
    handle,
    challengeId: issued.challengeId,
    nonce,
  });
  return { handle, challengeId: issued.challengeId, signature: toBase64Url(signature) };
}

/**
 * A `keys.backup_put` payload as a real client builds it: a fresh challenge for the account's
 * handle, and the new backup signed with the login key over it.
 */
export async function backupPutPayload(
  url: string,
  account: TestAccount,
  keyBackup: Uint8Array,
): Promise<{ keyBackup: string; challengeId: string; signature: string }> {
  const issued = await challenge(url, account.handle);
  const nonce = fromBase64Url(issued.nonce);
  if (!nonce) throw new Error('bad nonce');
  const signature = signBackupReplacement(account.auth.secretKey, {
    handle: account.handle,
    challengeId: issued.challengeId,
    nonce,
    keyBackup,
  });
  return {
    keyBackup: toBase64Url(keyBackup),
    challengeId: issued.challengeId,
    signature: toBase64Url(signature),
  };
}

/**
 * An `account.rekey` payload as a real client builds it, without Argon2: a challenge for the
 * account's handle (a fresh one unless given), a new random login key, salt and storage key, the identity re-sealed at
 * `generation`, signed by the current and the new login key. Returns the account after the rekey.
 */
export async function rekeyPayload(
  url: string,
  account: TestAccount,
  generation: number,
  given?: Challenge,
): Promise<{ payload: EventInput<'account.rekey'>; next: TestAccount }> {
  const issued = given ?? (await challenge(url, account.handle));
  const nonce = fromBase64Url(issued.nonce);
  if (!nonce) throw new Error('bad nonce');
  const next: TestAccount = {
    ...account,
    auth: ed25519KeyPair(),
    salt: newPassphraseSalt(),
    storageKey: randomBytes(32),
  };
  const keyBackup = sealIdentityBackup(next.storageKey, account.identity, {
    account: account.handle,
    generation,
  });
  const rekey = {
    handle: account.handle,
    challengeId: issued.challengeId,
    nonce,
    salt: next.salt,
    authKey: next.auth.publicKey,
    keyBackup,
  };
  const { signature, authSignature } = signRekey(
    { currentSecretKey: account.auth.secretKey, newSecretKey: next.auth.secretKey },
    rekey,
  );
  return {
    payload: {
      challengeId: issued.challengeId,
      salt: toBase64Url(next.salt),
      authKey: toBase64Url(next.auth.publicKey),
      keyBackup: toBase64Url(keyBackup),
      authSignature: toBase64Url(authSignature),
      signature: toBase64Url(signature),
    },
    next,
  };
}

export async function login(url: string, account: TestAccount): Promise<string> {
  const issued = await challenge(url, account.handle);
  const response = await post<{ token: string }>(
    url,
    '/auth/login',
    loginBody(account.handle, account.auth, issued),
  );
  if (!response.body.ok) throw new Error(`login failed: ${response.body.error.code}`);
  return loginResultSchema.parse(response.body.data).token;
}

export async function registerAndLogin(
  url: string,
  prefix = 'user',
  extra?: Record<string, unknown>,
) {
  const account = newTestAccount(prefix);
  const registered = await register(url, account, extra);
  return { account, accountId: registered.accountId, token: await login(url, account) };
}

const sockets = new Set<ClientSocket>();

/** Opens a socket and waits for connect; rejects with the server's error body on refusal. */
export function connect(
  url: string,
  auth: Record<string, unknown>,
  options: { extraHeaders?: Record<string, string>; transports?: ('websocket' | 'polling')[] } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth,
    reconnection: false,
    forceNew: true,
    transports: options.transports ?? ['websocket'],
    extraHeaders: options.extraHeaders,
    timeout: 5000,
  });
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => {
      socket.close();
      reject(error);
    });
  });
}

export function connectWithToken(url: string, token: string): Promise<ClientSocket> {
  return connect(url, { token, protocol: PROTOCOL_VERSION });
}

export async function call<E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: EventInput<E>,
): Promise<Ack<EventResult<E>>> {
  const ack = await rawCall(socket, event, payload);
  // Every answer must match the contract in shared, exactly as a client would check it.
  ackSchema(clientEvents[event].output).parse(ack);
  return ack as Ack<EventResult<E>>;
}

/** Sends anything at all, bypassing the typed event map: for bad-input tests. */
export function rawCall(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  const untyped = socket.timeout(5000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  return untyped.emitWithAck(event, ...args);
}

export function waitForDisconnect(socket: ClientSocket, timeoutMs = 5000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket stayed connected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** The reason of the next `session.revoked` pushed to `socket`. */
export function revokedReason(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('session.revoked', ({ reason }) => resolve(reason)));
}

export function closeAllSockets(): void {
  for (const socket of sockets) socket.close();
  sockets.clear();
}
