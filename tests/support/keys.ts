// Client-side key plumbing for tests, as the web client will do it: devices added through the
// real server (reserve an id, sign the next device list with the identity, connect naming the
// device), prekeys uploaded in wire form, and bundles parsed from the wire with shared's schema
// and checked against the identity-signed device list.
import {
  PROTOCOL_VERSION,
  fromBase64Url,
  prekeyBundlesWireSchema,
  toBase64Url,
} from '@kolokol/shared';
import {
  PrekeyStore,
  addDeviceToList,
  generateDeviceKey,
  publicIdentity,
  verifyDeviceList,
  type KeyPair,
  type PrekeyBundle,
  type PublicIdentity,
  type PublicOneTimePrekey,
  type VerifiedDeviceList,
} from '@kolokol/shared/crypto';
import { call, connect, connectWithToken, type ClientSocket, type TestAccount } from './client.js';

export function wireKey(prekey: { id: number; publicKey: Uint8Array; signature?: Uint8Array }) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    ...(prekey.signature ? { signature: toBase64Url(prekey.signature) } : {}),
  };
}

export function wireSigned(prekey: { id: number; publicKey: Uint8Array; signature: Uint8Array }) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    signature: toBase64Url(prekey.signature),
  };
}

export function wireOneTime(prekeys: readonly PublicOneTimePrekey[]) {
  return prekeys.map((p) => ({ id: p.id, publicKey: toBase64Url(p.publicKey) }));
}

/** A logged-in account: what registerAndLogin and enrolStaff return. */
export interface LoggedIn {
  readonly account: TestAccount;
  readonly accountId: string;
  readonly token: string;
}

/** One device of an account: its private keys (device key included) and a socket acting as it. */
export interface TestDevice extends LoggedIn {
  readonly deviceId: string;
  /** The device key pair (also inside `prekeys`), for tests that sign prekeys by hand. */
  readonly deviceKey: KeyPair;
  readonly prekeys: PrekeyStore;
  readonly socket: ClientSocket;
}

/** Opens a socket that acts as the device `prekeys` holds, with the device key's proof. */
export function connectDevice(
  url: string,
  token: string,
  prekeys: PrekeyStore,
): Promise<ClientSocket> {
  return connect(url, {
    token,
    protocol: PROTOCOL_VERSION,
    device: { id: prekeys.device.deviceId, signature: toBase64Url(prekeys.signSession(token)) },
  });
}

/** The account's own device list as the server serves it, verified against its identity. */
export async function ownDeviceList(
  socket: ClientSocket,
  who: LoggedIn,
): Promise<VerifiedDeviceList | null> {
  return deviceListOf(socket, who.accountId, publicIdentity(who.account.identity), {});
}

/** An account's device list (own: `payload` {}), verified against the identity the caller trusts. */
export async function deviceListOf(
  socket: ClientSocket,
  accountId: string,
  identity: PublicIdentity,
  payload: { accountId?: string } = { accountId },
): Promise<VerifiedDeviceList | null> {
  const ack = await call(socket, 'devices.list', payload);
  if (!ack.ok) throw new Error(`devices.list failed: ${ack.error.code}`);
  if (ack.data.list === null) return null;
  return verifyDeviceList(fromWire(ack.data.list), { accountId, identity });
}

function fromWire(text: string): Uint8Array {
  const bytes = fromBase64Url(text);
  if (bytes === undefined) throw new Error('not base64url');
  return bytes;
}

/**
 * Adds a new device to a logged-in session, as a client does: a socket that names no device
 * reserves an id for a fresh device key, the identity signs the current list plus it, and the
 * returned socket acts as the new device (the session is bound to it from then on).
 */
export async function addDevice(url: string, who: LoggedIn): Promise<TestDevice> {
  const bare = await connectWithToken(url, who.token);
  try {
    const keyPair = generateDeviceKey();
    const reserved = await call(bare, 'devices.reserve', {
      deviceKey: toBase64Url(keyPair.publicKey),
    });
    if (!reserved.ok) throw new Error(`devices.reserve failed: ${reserved.error.code}`);
    const { deviceId } = reserved.data;
    const current = await ownDeviceList(bare, who);
    const list = addDeviceToList(who.account.identity, current, {
      accountId: who.accountId,
      deviceId,
      deviceKey: keyPair.publicKey,
      addedAt: Date.now(),
    });
    const added = await call(bare, 'devices.add', { list: toBase64Url(list) });
    if (!added.ok) throw new Error(`devices.add failed: ${added.error.code}`);
    const prekeys = new PrekeyStore({ deviceId, keyPair });
    const socket = await connectDevice(url, who.token, prekeys);
    return { ...who, deviceId, deviceKey: keyPair, prekeys, socket };
  } finally {
    bare.close();
  }
}

/**
 * Rotates the device's signed prekeys and adds `oneTime` one-time X25519 and `oneTimeKem`
 * one-time KEM prekeys, uploading all of them; returns the device's private store.
 */
export async function publishPrekeys(
  device: TestDevice,
  oneTime: number,
  oneTimeKem = 0,
): Promise<PrekeyStore> {
  const { prekeys: store, socket } = device;
  const { signedPrekey, kemPrekey } = store.rotate(Date.now());
  const set = await call(socket, 'prekeys.set_signed', {
    signedPrekey: wireSigned(signedPrekey),
    kemPrekey: wireSigned(kemPrekey),
  });
  if (!set.ok) throw new Error(`set_signed failed: ${set.error.code}`);
  for (let left = oneTime; left > 0; left -= 100) {
    const added = await call(socket, 'prekeys.add_one_time', {
      prekeys: wireOneTime(store.addOneTimePrekeys(Math.min(100, left))),
    });
    if (!added.ok) throw new Error(`add_one_time failed: ${added.error.code}`);
  }
  for (let left = oneTimeKem; left > 0; left -= 20) {
    const added = await call(socket, 'prekeys.add_one_time_kem', {
      prekeys: store.addOneTimeKemPrekeys(Math.min(20, left)).map(wireSigned),
    });
    if (!added.ok) throw new Error(`add_one_time_kem failed: ${added.error.code}`);
  }
  return store;
}

/** A fetched target: its verified device list and one verified-shape bundle per device. */
export interface FetchedBundles {
  readonly devices: VerifiedDeviceList;
  readonly bundles: PrekeyBundle[];
}

/**
 * `prekeys.fetch` parsed with its schema; the device list verified against `identity` — the
 * identity the caller trusts (by default the one the server sends, which only a test may do).
 */
export async function fetchBundles(
  socket: ClientSocket,
  accountId: string,
  options: { identity?: PublicIdentity; deviceId?: string } = {},
): Promise<FetchedBundles> {
  const ack = await call(socket, 'prekeys.fetch', {
    accountId,
    ...(options.deviceId ? { deviceId: options.deviceId } : {}),
  });
  if (!ack.ok) throw new Error(`fetch failed: ${ack.error.code}`);
  const parsed = prekeyBundlesWireSchema.parse(ack.data);
  const identity = options.identity ?? parsed.identity;
  const devices = verifyDeviceList(parsed.deviceList, { accountId, identity });
  const bundles = parsed.bundles.map(
    ({ deviceId, deviceKey, oneTimePrekey, oneTimeKemPrekey, ...rest }): PrekeyBundle => ({
      identity: parsed.identity,
      device: { deviceId, deviceKey },
      ...rest,
      ...(oneTimePrekey ? { oneTimePrekey } : {}),
      ...(oneTimeKemPrekey ? { oneTimeKemPrekey } : {}),
    }),
  );
  return { devices, bundles };
}

/** The one bundle of a single-device target (throws if there is not exactly one). */
export async function fetchBundle(
  socket: ClientSocket,
  accountId: string,
): Promise<PrekeyBundle & { devices: VerifiedDeviceList }> {
  const { devices, bundles } = await fetchBundles(socket, accountId);
  if (bundles.length !== 1) throw new Error(`expected one bundle, got ${bundles.length}`);
  return { ...bundles[0]!, devices };
}
