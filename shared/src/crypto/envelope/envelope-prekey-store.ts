// The owner's private envelope prekeys: the current one (published) and the ones it replaced,
// each kept until ENVELOPE_PREKEY_GRACE_MS after it expired and then deleted and wiped by `prune`.
// Deleting is the point: once a prekey's secret is gone, nothing on the device opens an envelope
// sealed to it any more, whoever seizes the device or the server later (forward secrecy).
//
// The library schedules nothing: the client calls `needsRotation`/`rotate` (publishing what
// `rotate` returns with `envelope_prekeys.publish`) and `prune`, then seals the store again
// (storage/sealed-state.ts `sealEnvelopePrekeyStore`, key-store purpose 'envelope-prekeys').
import { equalBytes, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { SUITE, formatHeader, readFormatHeader } from '../primitives/format.js';
import type { Identity } from '../identity/identity.js';
import { ED25519_SIGNATURE_BYTES } from '../primitives/primitives.js';
import { ByteReader, ByteWriter } from '../primitives/session-codec.js';
import {
  XWING_PUBLIC_KEY_BYTES,
  XWING_SECRET_KEY_BYTES,
  xwingKeyPairFromSeed,
} from '../primitives/xwing.js';
import {
  ENVELOPE_PREKEY_GRACE_MS,
  ENVELOPE_PREKEY_ROTATION_MS,
  generateEnvelopePrekey,
  publicEnvelopePrekey,
  randomEnvelopePrekeyId,
  type EnvelopeOpeningKey,
  type EnvelopePrekey,
  type PrivateEnvelopePrekey,
} from './envelope-prekeys.js';
import { MAX_ENVELOPE_OPENING_KEYS } from './sealed-envelope.js';

/**
 * Prekeys held at most; rotating past it deletes the one that expires first. At the schedule
 * (weekly, each kept 14 + 30 days) about 7 are held. Equal to MAX_ENVELOPE_OPENING_KEYS, so
 * openingKeys() is always something openEnvelope accepts.
 */
export const MAX_ENVELOPE_PREKEYS = MAX_ENVELOPE_OPENING_KEYS;

/** After SUITE.prekey's header: 0x01 is the PQXDH prekey store, 0x02 this one. */
const STORE_KIND = 0x02;
const STORE_VERSION = 1;

export class EnvelopePrekeyStore {
  private readonly prekeys = new Map<number, PrivateEnvelopePrekey>();
  private currentId: number | null = null;

  /** Makes a new prekey valid from `now` and makes it current; returns its public half to publish. */
  rotate(identity: Identity, now: number): EnvelopePrekey {
    let id = randomEnvelopePrekeyId();
    while (this.prekeys.has(id)) id = randomEnvelopePrekeyId();
    const prekey = generateEnvelopePrekey(identity, { id, now });
    if (this.prekeys.size >= MAX_ENVELOPE_PREKEYS) this.delete(this.firstToExpire()!);
    this.prekeys.set(id, prekey);
    this.currentId = id;
    return publicEnvelopePrekey(prekey);
  }

  /** True with no current prekey, or one ENVELOPE_PREKEY_ROTATION_MS old or more. */
  needsRotation(now: number): boolean {
    const current = this.currentId === null ? undefined : this.prekeys.get(this.currentId);
    return current === undefined || now - current.createdAt >= ENVELOPE_PREKEY_ROTATION_MS;
  }

  /**
   * Deletes and wipes every prekey that expired ENVELOPE_PREKEY_GRACE_MS ago or earlier, the
   * current one included; returns how many went. Envelopes sealed to them can no longer be opened.
   */
  prune(now: number): number {
    let deleted = 0;
    for (const prekey of [...this.prekeys.values()]) {
      if (now - prekey.expiresAt >= ENVELOPE_PREKEY_GRACE_MS) {
        this.delete(prekey.id);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** The public half of the current prekey, the one to publish; undefined before the first rotation. */
  current(): EnvelopePrekey | undefined {
    const prekey = this.currentId === null ? undefined : this.prekeys.get(this.currentId);
    return prekey === undefined ? undefined : publicEnvelopePrekey(prekey);
  }

  /** Public halves of every held prekey, newest first. */
  list(): EnvelopePrekey[] {
    return this.byNewest().map(publicEnvelopePrekey);
  }

  /** Every held secret, newest first, for openEnvelope and addEnvelopeRecipient. */
  openingKeys(): EnvelopeOpeningKey[] {
    return this.byNewest().map(({ id, publicKey, secretKey }) => ({ id, publicKey, secretKey }));
  }

  /** The secret of one prekey, e.g. the one an OpenedEnvelope's `prekeyId` names. */
  openingKey(id: number): EnvelopeOpeningKey | undefined {
    const prekey = this.prekeys.get(id);
    return prekey === undefined
      ? undefined
      : { id, publicKey: prekey.publicKey, secretKey: prekey.secretKey };
  }

  get size(): number {
    return this.prekeys.size;
  }

  /** Wipes every secret (panic, logout); the store is empty afterwards. */
  wipe(): void {
    for (const prekey of this.prekeys.values()) wipe(prekey.secretKey);
    this.prekeys.clear();
    this.currentId = null;
  }

  private delete(id: number): void {
    const prekey = this.prekeys.get(id);
    if (prekey === undefined) return;
    wipe(prekey.secretKey);
    this.prekeys.delete(id);
    if (this.currentId === id) this.currentId = null;
  }

  private firstToExpire(): number | undefined {
    let first: PrivateEnvelopePrekey | undefined;
    for (const prekey of this.prekeys.values()) {
      if (first === undefined || prekey.expiresAt < first.expiresAt) first = prekey;
    }
    return first?.id;
  }

  private byNewest(): PrivateEnvelopePrekey[] {
    return [...this.prekeys.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** For the client's encrypted key store only: this holds private keys. */
  serialize(): Uint8Array {
    const w = new ByteWriter().bytes(formatHeader(SUITE.prekey)).u8(STORE_KIND).u8(STORE_VERSION);
    w.u32(this.currentId ?? 0, 'current id').u32(this.prekeys.size, 'prekey count');
    for (const prekey of this.prekeys.values()) {
      w.u32(prekey.id, 'envelope prekey id')
        .fixed(prekey.publicKey, XWING_PUBLIC_KEY_BYTES, 'envelope prekey')
        .fixed(prekey.secretKey, XWING_SECRET_KEY_BYTES, 'envelope prekey secret')
        .u53(prekey.createdAt, 'created at')
        .u53(prekey.expiresAt, 'expires at')
        .fixed(prekey.signature, ED25519_SIGNATURE_BYTES, 'envelope prekey signature');
    }
    return w.finish();
  }

  /**
   * Reads what serialize() wrote: another kind of prekey blob or a bad entry (id 0 or repeated,
   * a public key its secret does not give, over MAX_ENVELOPE_PREKEYS) is MALFORMED, another
   * version UNSUPPORTED_VERSION.
   */
  static deserialize(bytes: Uint8Array): EnvelopePrekeyStore {
    const r = new ByteReader(readFormatHeader(bytes, SUITE.prekey));
    if (r.u8() !== STORE_KIND) throw new CryptoError('MALFORMED', 'not an envelope prekey store');
    if (r.u8() !== STORE_VERSION) {
      throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported envelope prekey store version');
    }
    const store = new EnvelopePrekeyStore();
    let currentId = 0;
    try {
      currentId = r.u32();
      const count = r.u32();
      if (count > MAX_ENVELOPE_PREKEYS) throw new CryptoError('MALFORMED', 'too many entries');
      for (let i = 0; i < count; i += 1) {
        const id = r.u32();
        const publicKey = r.fixed(XWING_PUBLIC_KEY_BYTES);
        const secretKey = r.fixed(XWING_SECRET_KEY_BYTES);
        const createdAt = r.u53();
        const expiresAt = r.u53();
        const signature = r.fixed(ED25519_SIGNATURE_BYTES);
        if (id === 0 || store.prekeys.has(id)) {
          throw new CryptoError('MALFORMED', 'bad envelope prekey id');
        }
        if (!equalBytes(xwingKeyPairFromSeed(secretKey).publicKey, publicKey)) {
          throw new CryptoError('MALFORMED', 'envelope prekey does not match its secret');
        }
        store.prekeys.set(id, { id, publicKey, secretKey, createdAt, expiresAt, signature });
      }
      r.end();
    } catch (error) {
      store.wipe();
      throw error;
    }
    store.currentId = store.prekeys.has(currentId) ? currentId : null;
    return store;
  }
}
