// Benchmarks of the conversation crypto: Double Ratchet round trips with and without a DH
// step per message, and the full PQXDH handshake (initiate, first message, accept).
import {
  PrekeyStore,
  aeadDecrypt,
  aeadEncrypt,
  x25519,
  x25519KeyPair,
  acceptSession,
  generateIdentity,
  initiateSession,
  publicIdentity,
  randomBytes,
  type Identity,
  type PrekeyBundle,
  type Session,
} from '../../shared/src/crypto/index.js';
import { opsPerSecond, type BenchResult } from '../measure.js';

const NOW = 1_700_000_000_000;

interface Responder {
  identity: Identity;
  store: PrekeyStore;
  bundle: (oneTimePrekey: boolean) => PrekeyBundle;
}

function makeResponder(): Responder {
  const identity = generateIdentity();
  const store = new PrekeyStore();
  const { signedPrekey, kemPrekey } = store.rotate(identity, NOW);
  const unused: ReturnType<PrekeyStore['addOneTimePrekeys']> = [];
  return {
    identity,
    store,
    bundle: (withOneTime) => {
      // Refilled in batches, as a client tops up its server-side supply.
      if (withOneTime && unused.length === 0) unused.push(...store.addOneTimePrekeys(200));
      return {
        identity: publicIdentity(identity),
        signedPrekey,
        kemPrekey,
        oneTimePrekey: withOneTime ? unused.pop() : undefined,
      };
    },
  };
}

function establishedPair(): { alice: Session; bob: Session } {
  const responder = makeResponder();
  const bundle = responder.bundle(true);
  const alice = initiateSession(generateIdentity(), bundle, bundle.identity);
  const { session: bob } = acceptSession(
    responder.identity,
    responder.store,
    alice.encrypt(new Uint8Array(1), NOW),
    NOW,
  );
  alice.decrypt(bob.encrypt(new Uint8Array(1), NOW), NOW);
  return { alice, bob };
}

export async function run(): Promise<BenchResult[]> {
  const payload = randomBytes(1024);

  const oneWay = establishedPair();
  const roundtrip = await opsPerSecond(() =>
    oneWay.bob.decrypt(oneWay.alice.encrypt(payload, NOW), NOW),
  );

  const alternating = establishedPair();
  let turn = 0;
  const dhStep = await opsPerSecond(() => {
    turn += 1;
    const [from, to] =
      turn % 2 === 0 ? [alternating.alice, alternating.bob] : [alternating.bob, alternating.alice];
    return to.decrypt(from.encrypt(payload, NOW), NOW);
  });

  // Baselines measured in the same run: the bare primitives each benchmark is built on.
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  const aead = await opsPerSecond(() =>
    aeadDecrypt(key, nonce, aeadEncrypt(key, nonce, payload, nonce), nonce),
  );
  const ours = x25519KeyPair();
  const theirs = x25519KeyPair();
  const dh = await opsPerSecond(() => x25519(ours.secretKey, theirs.publicKey));

  const responder = makeResponder();
  const initiator = generateIdentity();
  const hello = new Uint8Array(16);
  const handshake = await opsPerSecond(() => {
    const bundle = responder.bundle(true);
    const alice = initiateSession(initiator, bundle, bundle.identity);
    return acceptSession(responder.identity, responder.store, alice.encrypt(hello, NOW), NOW);
  });

  return [
    { name: 'crypto.baseline_aead_roundtrip_1k', value: aead, unit: 'ops/s', better: 'higher' },
    { name: 'crypto.baseline_x25519', value: dh, unit: 'ops/s', better: 'higher' },
    {
      name: 'crypto.ratchet_roundtrip_1k',
      value: roundtrip,
      unit: 'ops/s',
      better: 'higher',
      target: 5000,
      baseline: 'crypto.baseline_aead_roundtrip_1k',
      ratio: roundtrip / aead,
    },
    {
      name: 'crypto.ratchet_dh_step_1k',
      value: dhStep,
      unit: 'ops/s',
      better: 'higher',
      target: 500,
      baseline: 'crypto.baseline_x25519',
      ratio: dhStep / dh,
    },
    { name: 'crypto.x3dh_handshake', value: handshake, unit: 'ops/s', better: 'higher' },
  ];
}
