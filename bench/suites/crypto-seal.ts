// Sealed-envelope cost: sealing a 1 KiB request to 10 recipients (one X25519 seal per real
// slot plus a curve point per dummy), and one recipient opening it (every slot is tried).
import {
  generateIdentity,
  openEnvelope,
  sealEnvelope,
  sodium,
  x25519KeyPair,
} from '../../shared/src/crypto/index.js';
import { opsPerSecond, type BenchResult } from '../measure.js';

export async function run(): Promise<BenchResult[]> {
  const sender = generateIdentity();
  const recipients = Array.from({ length: 10 }, () => x25519KeyPair());
  const recipientKeys = recipients.map((recipient) => recipient.publicKey);
  const payload = new Uint8Array(1024).fill(0x2a);
  const envelope = sealEnvelope(payload, sender, recipientKeys);
  const reader = recipients[7]!;

  // Baseline in the same run: one bare crypto_box_seal of a 32-byte key, the per-slot cost.
  const contentKey = new Uint8Array(32).fill(7);
  const boxSeal = await opsPerSecond(() => sodium.crypto_box_seal(contentKey, reader.publicKey));
  const seal = await opsPerSecond(() => sealEnvelope(payload, sender, recipientKeys));
  const open = await opsPerSecond(() => openEnvelope(envelope, reader));
  return [
    { name: 'crypto.baseline_box_seal', value: boxSeal, unit: 'ops/s', better: 'higher' },
    {
      name: 'crypto.seal_10_recipients',
      value: seal,
      unit: 'ops/s',
      better: 'higher',
      baseline: 'crypto.baseline_box_seal',
      ratio: seal / boxSeal,
    },
    { name: 'crypto.open_sealed', value: open, unit: 'ops/s', better: 'higher' },
  ];
}
