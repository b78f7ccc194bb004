// Sealed-envelope cost: sealing a 1 KiB request to 10 recipients' envelope prekeys (one X-Wing
// encapsulation per real slot, a fresh key pair and an encapsulation per dummy, the sender's
// signature over every slot), and one recipient opening it with the 7 prekeys a weekly rotation
// keeps (every key is tried on every slot: 112 decapsulations). Baselines in the same run: one
// bare X-Wing encapsulation and one decapsulation, the per-slot costs.
import {
  EnvelopePrekeyStore,
  generateIdentity,
  openEnvelope,
  sealEnvelope,
  xwingDecapsulate,
  xwingEncapsulate,
} from '../../shared/src/crypto/index.js';
import { opsPerSecond, type BenchResult } from '../measure.js';

const NOW = 1_700_000_000_000;
const WEEK = 7 * 24 * 60 * 60 * 1000;
/** Prekeys a device holds at steady state: made weekly, each kept 14 days + 30 days of grace. */
const HELD_PREKEYS = 7;

export async function run(): Promise<BenchResult[]> {
  const sender = generateIdentity();
  const holders = Array.from({ length: 10 }, () => {
    const identity = generateIdentity();
    const store = new EnvelopePrekeyStore();
    for (let i = HELD_PREKEYS - 1; i >= 0; i -= 1) store.rotate(identity, NOW - i * WEEK);
    return { identity, store };
  });
  const recipients = holders.map(({ identity, store }) => ({
    signingKey: identity.signing.publicKey,
    prekey: store.current()!,
  }));
  const payload = new Uint8Array(1024).fill(0x2a);
  const envelope = sealEnvelope(payload, sender, recipients, { now: NOW });
  const reader = holders[7]!.store.openingKeys();
  if (reader.length !== HELD_PREKEYS) throw new Error('bench set-up: wrong number of held prekeys');

  const prekey = recipients[0]!.prekey;
  const { ciphertext } = xwingEncapsulate(prekey.publicKey);
  const secretKey = holders[0]!.store.openingKeys()[0]!.secretKey;
  const encapsulate = await opsPerSecond(() => xwingEncapsulate(prekey.publicKey));
  const decapsulate = await opsPerSecond(() => xwingDecapsulate(ciphertext, secretKey));
  const seal = await opsPerSecond(() => sealEnvelope(payload, sender, recipients, { now: NOW }));
  const open = await opsPerSecond(() => openEnvelope(envelope, reader));
  return [
    {
      name: 'crypto.baseline_xwing_encapsulate',
      value: encapsulate,
      unit: 'ops/s',
      better: 'higher',
    },
    {
      name: 'crypto.seal_10_recipients',
      value: seal,
      unit: 'ops/s',
      better: 'higher',
      baseline: 'crypto.baseline_xwing_encapsulate',
      ratio: seal / encapsulate,
    },
    {
      name: 'crypto.baseline_xwing_decapsulate',
      value: decapsulate,
      unit: 'ops/s',
      better: 'higher',
    },
    {
      name: 'crypto.open_sealed',
      value: open,
      unit: 'ops/s',
      better: 'higher',
      baseline: 'crypto.baseline_xwing_decapsulate',
      ratio: open / decapsulate,
    },
  ];
}
