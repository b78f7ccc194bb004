// Benchmarks of the conversation crypto: Double Ratchet round trips with and without a DH
// step per message, the full PQXDH handshake (initiate, first message, accept), and one message
// encrypted for every device of a recipient (three devices, against one as the baseline).
import {
  PeerDevices,
  PrekeyStore,
  generateDeviceKey,
  signDeviceList,
  verifyDeviceList,
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
  type VerifiedDeviceList,
} from '../../shared/src/crypto/index.js';
import { toBase64Url } from '../../shared/src/encoding/base64url.js';
import { opsPerSecond, type BenchResult } from '../measure.js';

const NOW = 1_700_000_000_000;

const randomId = (): string => toBase64Url(randomBytes(16));

interface Responder {
  identity: Identity;
  store: PrekeyStore;
  devices: VerifiedDeviceList;
  bundle: (oneTimePrekey: boolean) => PrekeyBundle;
}

/** One device of `identity` (a new identity by default), named in a one-device list. */
function makeResponder(identity = generateIdentity()): Responder {
  const store = new PrekeyStore({ deviceId: randomId(), keyPair: generateDeviceKey() });
  const { signedPrekey, kemPrekey } = store.rotate(NOW);
  const unused: ReturnType<PrekeyStore['addOneTimePrekeys']> = [];
  const unusedKem: ReturnType<PrekeyStore['addOneTimeKemPrekeys']> = [];
  const accountId = randomId();
  const devices = verifyDeviceList(
    signDeviceList(identity, {
      accountId,
      version: 1,
      devices: [{ ...store.device, addedAt: NOW }],
    }),
    { accountId, identity: publicIdentity(identity) },
  );
  return {
    identity,
    store,
    devices,
    bundle: (withOneTime) => {
      // Refilled in batches, as a client tops up its server-side supply.
      if (withOneTime && unused.length === 0) unused.push(...store.addOneTimePrekeys(200));
      if (withOneTime && unusedKem.length === 0) unusedKem.push(...store.addOneTimeKemPrekeys(50));
      return {
        identity: publicIdentity(identity),
        device: store.device,
        signedPrekey,
        kemPrekey,
        oneTimePrekey: withOneTime ? unused.pop() : undefined,
        oneTimeKemPrekey: withOneTime ? unusedKem.pop() : undefined,
      };
    },
  };
}

/**
 * A sender's view of a recipient with `count` devices, a session with each, every one answered
 * once (so messages are plain ratchet messages, as in a conversation under way).
 */
function recipientWithDevices(count: number): PeerDevices {
  const recipient = generateIdentity();
  const accountId = randomId();
  const devices = Array.from({ length: count }, () => makeResponder(recipient));
  const list = verifyDeviceList(
    signDeviceList(recipient, {
      accountId,
      version: 1,
      devices: devices.map((d) => ({ ...d.store.device, addedAt: NOW })),
    }),
    { accountId, identity: publicIdentity(recipient) },
  );
  const sender = generateIdentity();
  const view = new PeerDevices(publicIdentity(recipient), list);
  view.startSessions(
    sender,
    devices.map((d) => d.bundle(true)),
  );
  for (const { deviceId, body } of view.encrypt(new Uint8Array(1), NOW).envelopes) {
    const device = devices.find((d) => d.store.device.deviceId === deviceId)!;
    const { session } = acceptSession(recipient, device.store, body, NOW);
    view.session(deviceId)!.decrypt(session.encrypt(new Uint8Array(1), NOW), NOW);
  }
  return view;
}

function establishedPair(): { alice: Session; bob: Session } {
  const responder = makeResponder();
  const bundle = responder.bundle(true);
  const alice = initiateSession(generateIdentity(), bundle, bundle.identity, responder.devices);
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
    const alice = initiateSession(initiator, bundle, bundle.identity, responder.devices);
    return acceptSession(responder.identity, responder.store, alice.encrypt(hello, NOW), NOW);
  });

  // One message for every device of a recipient: three devices, and one as the baseline.
  const oneDevice = recipientWithDevices(1);
  const threeDevices = recipientWithDevices(3);
  const sendToOne = await opsPerSecond(() => oneDevice.encrypt(payload, NOW));
  const sendToThree = await opsPerSecond(() => threeDevices.encrypt(payload, NOW));

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
    { name: 'crypto.send_to_1_device', value: sendToOne, unit: 'msgs/s', better: 'higher' },
    {
      name: 'crypto.send_to_3_devices',
      value: sendToThree,
      unit: 'msgs/s',
      better: 'higher',
      baseline: 'crypto.send_to_1_device',
      // About 1/3 expected: one ratchet encryption per device, nothing shared between them.
      ratio: sendToThree / sendToOne,
    },
  ];
}
