// Sealed-envelope cost: sealing a 1 KiB request to 10 recipients (one X25519 seal per real
// slot plus a curve point per dummy), and one recipient opening it (every slot is tried).
import {
  generateIdentity,
  openEnvelope,
  sealEnvelope,
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

  const seal = await opsPerSecond(() => sealEnvelope(payload, sender, recipientKeys));
  const open = await opsPerSecond(() => openEnvelope(envelope, reader));
  return [
    { name: 'crypto.seal_10_recipients', value: seal, unit: 'ops/s', better: 'higher' },
    { name: 'crypto.open_sealed', value: open, unit: 'ops/s', better: 'higher' },
  ];
}
