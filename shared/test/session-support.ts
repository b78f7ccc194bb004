// Shared set-up for the prekey, PQXDH, ratchet and session tests: identities, a responder's
// prekey store and bundle, and an established pair of sessions.
import {
  PrekeyStore,
  Session,
  acceptSession,
  fromUtf8,
  generateIdentity,
  initiateSession,
  publicIdentity,
  utf8,
  type Identity,
  type PrekeyBundle,
  type PrekeyStoreOptions,
} from '../src/crypto/index.js';

export interface Responder {
  identity: Identity;
  store: PrekeyStore;
  bundle: PrekeyBundle;
}

export function makeResponder({
  oneTimePrekey = true,
  now = 0,
  storeOptions = {},
}: {
  oneTimePrekey?: boolean;
  now?: number;
  storeOptions?: PrekeyStoreOptions;
} = {}): Responder {
  const identity = generateIdentity();
  const store = new PrekeyStore(storeOptions);
  const { signedPrekey, kemPrekey } = store.rotate(identity, now);
  const [first] = store.addOneTimePrekeys(oneTimePrekey ? 2 : 0);
  return {
    identity,
    store,
    bundle: { identity: publicIdentity(identity), signedPrekey, kemPrekey, oneTimePrekey: first },
  };
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
  const alice = initiateSession(aliceIdentity, responder.bundle, responder.bundle.identity);
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
