// A whole conversation under deterministic randomness (dangerousTestOnlyDeterministicRandom):
// identities, prekeys, the PQXDH prekey message and ratchet messages both ways. Fixed seed →
// fixed bytes, so any change to the key schedule or a wire format shows up as a changed vector.
import {
  PrekeyStore,
  acceptSession,
  dangerousTestOnlyDeterministicRandom,
  generateDeviceKey,
  generateIdentity,
  initiateSession,
  publicIdentity,
  randomBytes,
  signDeviceList,
  sodium,
  utf8,
  verifyDeviceList,
} from '../src/crypto/index.js';
import { toBase64Url } from '../src/encoding/base64url.js';

/** The seed of the frozen transcript: 32 bytes 0x00..0x1f. */
export const FROZEN_SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
export const FROZEN_NOW = Date.UTC(2026, 0, 1);

export interface FrozenTranscript {
  readonly bobSigningKey: string;
  readonly bundle: {
    signedPrekeyId: number;
    kemPrekeyId: number;
    oneTimeKemPrekeyId: number;
    oneTimePrekeyId: number;
  };
  /** Hex of each message on the wire, in order: A→B (prekey message), B→A, A→B, A→B. */
  readonly messages: readonly string[];
  /** SHA-256 of each side's serialized session at the end. */
  readonly aliceState: string;
  readonly bobState: string;
}

export function frozenTranscript(): FrozenTranscript {
  const restore = dangerousTestOnlyDeterministicRandom(FROZEN_SEED);
  try {
    const alice = generateIdentity();
    const bob = generateIdentity();
    // Ids as the server issues them; 16 bytes each, drawn from the same deterministic source.
    const accountId = toBase64Url(randomBytes(16));
    const store = new PrekeyStore({
      deviceId: toBase64Url(randomBytes(16)),
      keyPair: generateDeviceKey(),
    });
    const { signedPrekey, kemPrekey } = store.rotate(FROZEN_NOW);
    const [oneTimePrekey] = store.addOneTimePrekeys(1);
    const [oneTimeKemPrekey] = store.addOneTimeKemPrekeys(1);
    const devices = verifyDeviceList(
      signDeviceList(bob, {
        accountId,
        version: 1,
        devices: [{ ...store.device, addedAt: FROZEN_NOW }],
      }),
      { accountId, identity: publicIdentity(bob) },
    );
    const bundle = {
      identity: publicIdentity(bob),
      device: store.device,
      signedPrekey,
      kemPrekey,
      oneTimeKemPrekey,
      oneTimePrekey,
    };
    const aliceSession = initiateSession(alice, bundle, publicIdentity(bob), devices);
    const first = aliceSession.encrypt(utf8('Повестка пришла вчера'), FROZEN_NOW);
    const { session: bobSession } = acceptSession(bob, store, first, FROZEN_NOW);
    const reply = bobSession.encrypt(utf8('received'), FROZEN_NOW);
    aliceSession.decrypt(reply, FROZEN_NOW);
    const third = aliceSession.encrypt(utf8('third'), FROZEN_NOW);
    const fourth = aliceSession.encrypt(utf8(''), FROZEN_NOW);
    bobSession.decrypt(fourth, FROZEN_NOW);
    bobSession.decrypt(third, FROZEN_NOW);
    return {
      bobSigningKey: sodium.to_hex(bob.signing.publicKey),
      bundle: {
        signedPrekeyId: signedPrekey.id,
        kemPrekeyId: kemPrekey.id,
        oneTimeKemPrekeyId: oneTimeKemPrekey!.id,
        oneTimePrekeyId: oneTimePrekey!.id,
      },
      messages: [first, reply, third, fourth].map((m) => sodium.to_hex(m)),
      aliceState: sodium.to_hex(sodium.crypto_hash_sha256(aliceSession.serialize())),
      bobState: sodium.to_hex(sodium.crypto_hash_sha256(bobSession.serialize())),
    };
  } finally {
    restore();
  }
}
