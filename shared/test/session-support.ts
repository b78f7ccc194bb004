// Shared set-up for the prekey, PQXDH, ratchet and session tests: identities, devices with
// their keys and an identity-signed device list, a responder's prekey store and bundle, and an
// established pair of sessions.
import {
  PrekeyStore,
  Session,
  acceptSession,
  fromUtf8,
  generateDeviceKey,
  generateIdentity,
  initiateSession,
  publicIdentity,
  randomBytes,
  signDeviceList,
  utf8,
  verifyDeviceList,
  type DeviceKeys,
  type Identity,
  type PrekeyBundle,
  type PrekeyStoreOptions,
  type VerifiedDeviceList,
} from '../src/crypto/index.js';
import { toBase64Url } from '../src/encoding/base64url.js';

/** A random id in the server's form (16 random bytes, base64url). */
export function randomId(): string {
  return toBase64Url(randomBytes(16));
}

/** A device as it is after `devices.reserve`: its own key pair and a server-issued id. */
export function makeDevice(): DeviceKeys {
  return { deviceId: randomId(), keyPair: generateDeviceKey() };
}

/** The identity-signed list naming `stores`' devices, verified as a peer would. */
export function deviceListOf(
  identity: Identity,
  accountId: string,
  stores: readonly PrekeyStore[],
  version = 1,
): VerifiedDeviceList {
  const bytes = signDeviceList(identity, {
    accountId,
    version,
    devices: stores.map((store) => ({ ...store.device, addedAt: 0 })),
  });
  return verifyDeviceList(bytes, { accountId, identity: publicIdentity(identity) });
}

export interface Responder {
  identity: Identity;
  accountId: string;
  store: PrekeyStore;
  /** The responder's device list (this one device). */
  devices: VerifiedDeviceList;
  bundle: PrekeyBundle;
}

export function makeResponder({
  oneTimePrekey = true,
  oneTimeKemPrekey = false,
  now = 0,
  storeOptions = {},
}: {
  oneTimePrekey?: boolean;
  oneTimeKemPrekey?: boolean;
  now?: number;
  storeOptions?: PrekeyStoreOptions;
} = {}): Responder {
  const identity = generateIdentity();
  const accountId = randomId();
  const store = new PrekeyStore(makeDevice(), storeOptions);
  const { signedPrekey, kemPrekey } = store.rotate(now);
  const [first] = store.addOneTimePrekeys(oneTimePrekey ? 2 : 0);
  const [oneTimeKem] = store.addOneTimeKemPrekeys(oneTimeKemPrekey ? 2 : 0);
  return {
    identity,
    accountId,
    store,
    devices: deviceListOf(identity, accountId, [store]),
    bundle: {
      identity: publicIdentity(identity),
      device: store.device,
      signedPrekey,
      kemPrekey,
      oneTimePrekey: first,
      ...(oneTimeKem ? { oneTimeKemPrekey: oneTimeKem } : {}),
    },
  };
}

/** A session from `from` (a fresh identity by default) to `responder`, trusting its bundle. */
export function initiateTo(responder: Responder, from: Identity = generateIdentity()): Session {
  return initiateSession(from, responder.bundle, responder.bundle.identity, responder.devices);
}

export interface Pair {
  alice: Session;
  bob: Session;
  aliceIdentity: Identity;
  responder: Responder;
}

/** Alice initiates and Bob accepts her first message ("hello"): both sessions can send. */
export function establish(now = 0): Pair {
  const aliceIdentity = generateIdentity();
  const responder = makeResponder({ now });
  const alice = initiateTo(responder, aliceIdentity);
  const first = alice.encrypt(utf8('hello'), now);
  const { session: bob, plaintext } = acceptSession(
    responder.identity,
    responder.store,
    first,
    now,
  );
  if (fromUtf8(plaintext) !== 'hello') throw new Error('handshake did not round-trip');
  return { alice, bob, aliceIdentity, responder };
}

/** A copy of a session through its serialization (what a thief of the key store would get). */
export function cloneSession(session: Session): Session {
  return Session.deserialize(session.serialize());
}

export function flipBit(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ mask;
  return copy;
}
