// One device's private keys: its device key (which signs its prekeys and its sessions with the
// server), the current signed X25519 and last-resort ML-KEM-768 prekeys, the ones they replaced
// (kept for a grace period), unused one-time X25519 and one-time ML-KEM-768 prekeys, and the base
// keys of handshakes already accepted without a one-time prekey (so such a handshake cannot be
// replayed).
//
// Rotation: `rotate` makes a new signed prekey and a new KEM prekey with fresh ids and marks
// the previous ones replaced. Initiators may still hold the old bundle, so a replaced prekey
// stays usable for SIGNED_PREKEY_GRACE_MS; `prune(now)` then deletes (and wipes) it. Clients
// should rotate about every SIGNED_PREKEY_ROTATION_MS.
//
// Replay protection: a handshake that used a one-time prekey (X25519 or KEM) cannot be replayed,
// since the prekey is deleted once it has succeeded. A base key accepted without either is remembered for as long as
// its signed prekey is accepted, never evicted early — forgetting one would let that first
// message be replayed as a new session. So the memory is capped instead: once a signed prekey
// has accepted its quota, further such handshakes to it are refused and `needsRotation` says
// to rotate; a global cap bounds the total across replaced prekeys until `prune` drops them.
import { equalBytes, expectLength, fromUtf8, utf8, wipe } from '../primitives/bytes.js';
import { formatHeader, readFormatHeader, SUITE } from '../primitives/format.js';
import { CryptoError } from '../primitives/errors.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  type KeyPair,
} from '../primitives/primitives.js';
import { isDeviceId } from '../devices/device-list.js';
import { signDeviceSession } from '../proofs/device-proof.js';
import { canonicalX25519PublicKey } from './pqxdh.js';
import {
  MLKEM768_PUBLIC_KEY_BYTES,
  MLKEM768_SECRET_KEY_BYTES,
  generateKemPrekey,
  generateOneTimeKemPrekey,
  generateOneTimePrekeys,
  generateSignedPrekey,
  publicKemPrekey,
  publicSignedPrekey,
  wipeKemPrekey,
  wipeOneTimeKemPrekey,
  wipeOneTimePrekey,
  wipeSignedPrekey,
  type BundleDevice,
  type PrivateKemPrekey,
  type PrivateOneTimeKemPrekey,
  type PrivateOneTimePrekey,
  randomPrekeyId,
  type PrivateSignedPrekey,
  type PublicKemPrekey,
  type PublicOneTimeKemPrekey,
  type PublicOneTimePrekey,
  type PublicSignedPrekey,
} from './prekeys.js';
import { ByteReader, ByteWriter } from '../primitives/session-codec.js';
import { sodium } from '../primitives/sodium.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const SIGNED_PREKEY_ROTATION_MS = 7 * DAY_MS;
export const SIGNED_PREKEY_GRACE_MS = 30 * DAY_MS;
/** Unused one-time prekeys kept at most; uploads beyond it would only grow the device's secrets. */
export const MAX_ONE_TIME_PREKEYS = 1000;
/** Unused one-time KEM prekeys kept at most: each secret is 2400 bytes, so the sealed store stays small. */
export const MAX_ONE_TIME_KEM_PREKEYS = 100;
/** Default quota of handshakes without a one-time prekey that one signed prekey accepts. */
export const MAX_REMEMBERED_BASE_KEYS_PER_SIGNED_PREKEY = 2_000;
/** Default cap on remembered base keys across all signed prekeys still held. */
export const MAX_REMEMBERED_BASE_KEYS = 10_000;

export interface PrekeyStoreOptions {
  /** Handshakes without a one-time prekey one signed prekey accepts before it must be rotated. */
  readonly maxBaseKeysPerSignedPrekey?: number;
  /** Remembered base keys across all signed prekeys; at the cap, such handshakes wait for `prune`. */
  readonly maxBaseKeys?: number;
}

function positiveLimit(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CryptoError('BAD_LENGTH', `${what} must be a positive integer`);
  }
  return value;
}

/** Identifies a private prekey store blob after the format header (SUITE.prekey covers prekey objects). */
const STORE_KIND = 0x01;
const STORE_VERSION = 3; // 2: random prekey ids, no id counters; 3: the device key, one-time KEM prekeys

/** A device's own key pair and the id the server issued it. */
export interface DeviceKeys {
  readonly deviceId: string;
  /** Ed25519 (generateDeviceKey): signs the device's prekeys and its sessions with the server. */
  readonly keyPair: KeyPair;
}

function checkDeviceKeys(device: DeviceKeys): void {
  if (!isDeviceId(device.deviceId)) throw new CryptoError('BAD_KEY', 'not a device id');
  expectLength(device.keyPair.publicKey, ED25519_PUBLIC_KEY_BYTES, 'device key');
  expectLength(device.keyPair.secretKey, ED25519_SECRET_KEY_BYTES, 'device secret key');
  // The secret key carries its public half; a mismatch would sign with the wrong key.
  const recomputed = sodium.crypto_sign_seed_keypair(
    device.keyPair.secretKey.subarray(0, ED25519_SEED_BYTES),
  );
  wipe(recomputed.privateKey);
  if (
    !equalBytes(recomputed.publicKey, device.keyPair.publicKey) ||
    !equalBytes(recomputed.publicKey, device.keyPair.secretKey.subarray(ED25519_SEED_BYTES))
  ) {
    throw new CryptoError('BAD_KEY', 'device secret key does not match its public key');
  }
}

/** The replay set's key for a base key: hex of its canonical encoding (X25519 reads others alike). */
function baseKeyId(baseKey: Uint8Array): string {
  expectLength(baseKey, X25519_KEY_BYTES, 'base key');
  return sodium.to_hex(canonicalX25519PublicKey(baseKey));
}

function fullError(): CryptoError {
  return new CryptoError(
    'BAD_KEY',
    'no room to remember another handshake without a one-time prekey for this signed prekey; rotate it',
  );
}

interface Replaceable<T> {
  readonly prekey: T;
  replacedAt: number | null;
}

export class PrekeyStore {
  private readonly deviceKeys: DeviceKeys;
  private readonly signed = new Map<number, Replaceable<PrivateSignedPrekey>>();
  private readonly kem = new Map<number, Replaceable<PrivateKemPrekey>>();
  private readonly oneTime = new Map<number, PrivateOneTimePrekey>();
  private readonly oneTimeKem = new Map<number, PrivateOneTimeKemPrekey>();
  /** Signed prekey id → ids (baseKeyId) of the base keys accepted with it and no one-time prekey. */
  private readonly usedBaseKeys = new Map<number, Set<string>>();
  private usedBaseKeyCount = 0;
  private readonly maxBaseKeysPerSignedPrekey: number;
  private readonly maxBaseKeys: number;

  /** Id of the newest signed prekey and KEM prekey (they are rotated together), or null before the first rotation. */
  private currentSignedId: number | null = null;
  private currentKemId: number | null = null;

  /** `device`: this device's key pair and the id the server issued it (`devices.reserve`). */
  constructor(device: DeviceKeys, options: PrekeyStoreOptions = {}) {
    checkDeviceKeys(device);
    this.deviceKeys = { deviceId: device.deviceId, keyPair: device.keyPair };
    this.maxBaseKeysPerSignedPrekey = positiveLimit(
      options.maxBaseKeysPerSignedPrekey,
      MAX_REMEMBERED_BASE_KEYS_PER_SIGNED_PREKEY,
      'base keys per signed prekey',
    );
    this.maxBaseKeys = positiveLimit(options.maxBaseKeys, MAX_REMEMBERED_BASE_KEYS, 'base keys');
  }

  /** The device this store belongs to, as bundles and the device list name it. */
  get device(): BundleDevice {
    return { deviceId: this.deviceKeys.deviceId, deviceKey: this.deviceKeys.keyPair.publicKey };
  }

  /** The device's proof for the socket handshake (`auth.device.signature`) with this session token. */
  signSession(token: string): Uint8Array {
    return signDeviceSession(this.deviceKeys.keyPair.secretKey, {
      deviceId: this.deviceKeys.deviceId,
      token,
    });
  }

  /** Makes a new signed prekey and last-resort KEM prekey; returns their public parts for upload. */
  rotate(now: number): { signedPrekey: PublicSignedPrekey; kemPrekey: PublicKemPrekey } {
    const signedId = this.takePrekeyId();
    const kemId = this.takePrekeyId();
    const signed = generateSignedPrekey(this.deviceKeys.keyPair, signedId, now);
    const kem = generateKemPrekey(this.deviceKeys.keyPair, kemId, now);
    for (const entry of this.signed.values()) entry.replacedAt ??= now;
    for (const entry of this.kem.values()) entry.replacedAt ??= now;
    this.signed.set(signedId, { prekey: signed.privatePrekey, replacedAt: null });
    this.kem.set(kemId, { prekey: kem.privatePrekey, replacedAt: null });
    this.currentSignedId = signedId;
    this.currentKemId = kemId;
    return { signedPrekey: signed.publicPrekey, kemPrekey: kem.publicPrekey };
  }

  /**
   * True when there is no current prekey, it is older than SIGNED_PREKEY_ROTATION_MS, or it has
   * used up its quota of handshakes without a one-time prekey.
   */
  needsRotation(now: number): boolean {
    const current =
      this.currentSignedId === null ? undefined : this.signed.get(this.currentSignedId);
    return (
      current === undefined ||
      now - current.prekey.createdAt >= SIGNED_PREKEY_ROTATION_MS ||
      this.baseKeysOf(current.prekey.id) >= this.maxBaseKeysPerSignedPrekey
    );
  }

  /** Deletes and wipes prekeys replaced more than SIGNED_PREKEY_GRACE_MS ago. */
  prune(now: number): void {
    for (const [id, entry] of this.signed) {
      if (entry.replacedAt !== null && now - entry.replacedAt >= SIGNED_PREKEY_GRACE_MS) {
        wipeSignedPrekey(entry.prekey);
        this.signed.delete(id);
        // Its handshakes are refused from now on (unknown prekey), so their base keys can go.
        this.usedBaseKeyCount -= this.baseKeysOf(id);
        this.usedBaseKeys.delete(id);
      }
    }
    for (const [id, entry] of this.kem) {
      if (entry.replacedAt !== null && now - entry.replacedAt >= SIGNED_PREKEY_GRACE_MS) {
        wipeKemPrekey(entry.prekey);
        this.kem.delete(id);
      }
    }
  }

  /** Makes `count` one-time prekeys (up to MAX_ONE_TIME_PREKEYS held); returns their public parts. */
  addOneTimePrekeys(count: number): PublicOneTimePrekey[] {
    if (!Number.isInteger(count) || count < 0 || this.oneTime.size + count > MAX_ONE_TIME_PREKEYS) {
      throw new CryptoError(
        'BAD_LENGTH',
        `at most ${MAX_ONE_TIME_PREKEYS} one-time prekeys are kept`,
      );
    }
    // Random ids, so the server that stores the public halves cannot count how many were made.
    const publicPrekeys: PublicOneTimePrekey[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = this.freshId((candidate) => this.oneTime.has(candidate));
      const {
        publicPrekeys: [publicPrekey],
        privatePrekeys: [privatePrekey],
      } = generateOneTimePrekeys(id, 1);
      publicPrekeys.push(publicPrekey!);
      this.oneTime.set(id, privatePrekey!);
    }
    return publicPrekeys;
  }

  get oneTimePrekeyCount(): number {
    return this.oneTime.size;
  }

  /**
   * Makes `count` one-time KEM prekeys (up to MAX_ONE_TIME_KEM_PREKEYS held), signed by the device
   * key; returns their public parts for `prekeys.add_one_time_kem`.
   */
  addOneTimeKemPrekeys(count: number): PublicOneTimeKemPrekey[] {
    if (
      !Number.isInteger(count) ||
      count < 0 ||
      this.oneTimeKem.size + count > MAX_ONE_TIME_KEM_PREKEYS
    ) {
      throw new CryptoError(
        'BAD_LENGTH',
        `at most ${MAX_ONE_TIME_KEM_PREKEYS} one-time KEM prekeys are kept`,
      );
    }
    const publicPrekeys: PublicOneTimeKemPrekey[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = this.takeKemPrekeyId();
      const { publicPrekey, privatePrekey } = generateOneTimeKemPrekey(this.deviceKeys.keyPair, id);
      publicPrekeys.push(publicPrekey);
      this.oneTimeKem.set(id, privatePrekey);
    }
    return publicPrekeys;
  }

  get oneTimeKemPrekeyCount(): number {
    return this.oneTimeKem.size;
  }

  currentSignedPrekey(): PublicSignedPrekey | undefined {
    const entry = this.currentSignedId === null ? undefined : this.signed.get(this.currentSignedId);
    return entry === undefined ? undefined : publicSignedPrekey(entry.prekey);
  }

  currentKemPrekey(): PublicKemPrekey | undefined {
    const entry = this.currentKemId === null ? undefined : this.kem.get(this.currentKemId);
    return entry === undefined ? undefined : publicKemPrekey(entry.prekey);
  }

  signedPrekey(id: number): PrivateSignedPrekey | undefined {
    return this.signed.get(id)?.prekey;
  }

  kemPrekey(id: number): PrivateKemPrekey | undefined {
    return this.kem.get(id)?.prekey;
  }

  oneTimePrekey(id: number): PrivateOneTimePrekey | undefined {
    return this.oneTime.get(id);
  }

  oneTimeKemPrekey(id: number): PrivateOneTimeKemPrekey | undefined {
    return this.oneTimeKem.get(id);
  }

  /** Deletes and wipes a one-time KEM prekey once a handshake that used it has succeeded. */
  consumeOneTimeKemPrekey(id: number): void {
    const prekey = this.oneTimeKem.get(id);
    if (prekey === undefined) return;
    wipeOneTimeKemPrekey(prekey);
    this.oneTimeKem.delete(id);
  }

  /** Deletes and wipes a one-time prekey once a handshake that used it has succeeded. */
  consumeOneTimePrekey(id: number): void {
    const prekey = this.oneTime.get(id);
    if (prekey === undefined) return;
    wipeOneTimePrekey(prekey);
    this.oneTime.delete(id);
  }

  /** Compares the point, not the bytes: any encoding of a remembered base key counts as used. */
  hasUsedBaseKey(baseKey: Uint8Array): boolean {
    const id = baseKeyId(baseKey);
    for (const used of this.usedBaseKeys.values()) if (used.has(id)) return true;
    return false;
  }

  /**
   * Whether a handshake without a one-time prekey to this signed prekey may be accepted: only
   * while its base key can be remembered for as long as the signed prekey is.
   */
  canRememberBaseKey(signedPrekeyId: number): boolean {
    return (
      this.signed.has(signedPrekeyId) &&
      this.baseKeysOf(signedPrekeyId) < this.maxBaseKeysPerSignedPrekey &&
      this.usedBaseKeyCount < this.maxBaseKeys
    );
  }

  /** Records an accepted handshake without a one-time prekey; refuses rather than forget another. */
  rememberBaseKey(signedPrekeyId: number, baseKey: Uint8Array): void {
    if (this.hasUsedBaseKey(baseKey)) return;
    if (!this.canRememberBaseKey(signedPrekeyId)) throw fullError();
    const id = baseKeyId(baseKey);
    let used = this.usedBaseKeys.get(signedPrekeyId);
    if (used === undefined) {
      used = new Set();
      this.usedBaseKeys.set(signedPrekeyId, used);
    }
    used.add(id);
    this.usedBaseKeyCount += 1;
  }

  private baseKeysOf(signedPrekeyId: number): number {
    return this.usedBaseKeys.get(signedPrekeyId)?.size ?? 0;
  }

  /** Wipes every private key, the device key too (panic, logout); the store is unusable afterwards. */
  wipe(): void {
    wipe(this.deviceKeys.keyPair.secretKey);
    for (const entry of this.signed.values()) wipeSignedPrekey(entry.prekey);
    for (const entry of this.kem.values()) wipeKemPrekey(entry.prekey);
    for (const prekey of this.oneTime.values()) wipeOneTimePrekey(prekey);
    for (const prekey of this.oneTimeKem.values()) wipeOneTimeKemPrekey(prekey);
    this.signed.clear();
    this.kem.clear();
    this.oneTime.clear();
    this.oneTimeKem.clear();
    this.usedBaseKeys.clear();
    this.usedBaseKeyCount = 0;
    this.currentSignedId = null;
    this.currentKemId = null;
  }

  private takePrekeyId(): number {
    return this.freshId(
      (candidate) =>
        this.signed.has(candidate) || this.kem.has(candidate) || this.oneTimeKem.has(candidate),
    );
  }

  /** One-time KEM prekey ids are distinct from every signed and last-resort id too. */
  private takeKemPrekeyId(): number {
    return this.takePrekeyId();
  }

  /** A random non-zero u32 (0 marks "none" in the serialized form) that `taken` rejects. */
  private freshId(taken: (candidate: number) => boolean): number {
    for (let attempt = 0; attempt < 64; attempt += 1) {
      const candidate = randomPrekeyId();
      if (candidate !== 0 && !taken(candidate)) return candidate;
    }
    throw new CryptoError('BAD_LENGTH', 'no free prekey id');
  }

  /** For the client's encrypted key store only: this holds private keys. */
  serialize(): Uint8Array {
    const w = new ByteWriter().bytes(formatHeader(SUITE.prekey)).u8(STORE_KIND).u8(STORE_VERSION);
    const deviceId = utf8(this.deviceKeys.deviceId);
    w.u8(deviceId.length)
      .bytes(deviceId)
      .fixed(this.deviceKeys.keyPair.secretKey, ED25519_SECRET_KEY_BYTES, 'device secret key');
    w.u32(this.currentSignedId ?? 0, 'current signed id').u32(
      this.currentKemId ?? 0,
      'current KEM id',
    );
    w.u32(this.signed.size, 'signed prekey count');
    for (const { prekey, replacedAt } of this.signed.values()) {
      w.u32(prekey.id, 'signed prekey id')
        .fixed(prekey.keyPair.publicKey, X25519_KEY_BYTES, 'signed prekey')
        .fixed(prekey.keyPair.secretKey, X25519_KEY_BYTES, 'signed prekey secret')
        .fixed(prekey.signature, ED25519_SIGNATURE_BYTES, 'signed prekey signature')
        .u53(prekey.createdAt, 'created at')
        .u8(replacedAt === null ? 0 : 1)
        .u53(replacedAt ?? 0, 'replaced at');
    }
    w.u32(this.kem.size, 'KEM prekey count');
    for (const { prekey, replacedAt } of this.kem.values()) {
      w.u32(prekey.id, 'KEM prekey id')
        .fixed(prekey.publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'KEM prekey')
        .fixed(prekey.secretKey, MLKEM768_SECRET_KEY_BYTES, 'KEM prekey secret')
        .fixed(prekey.signature, ED25519_SIGNATURE_BYTES, 'KEM prekey signature')
        .u53(prekey.createdAt, 'created at')
        .u8(replacedAt === null ? 0 : 1)
        .u53(replacedAt ?? 0, 'replaced at');
    }
    w.u32(this.oneTime.size, 'one-time prekey count');
    for (const prekey of this.oneTime.values()) {
      w.u32(prekey.id, 'one-time prekey id')
        .fixed(prekey.keyPair.publicKey, X25519_KEY_BYTES, 'one-time prekey')
        .fixed(prekey.keyPair.secretKey, X25519_KEY_BYTES, 'one-time prekey secret');
    }
    w.u32(this.oneTimeKem.size, 'one-time KEM prekey count');
    for (const prekey of this.oneTimeKem.values()) {
      w.u32(prekey.id, 'one-time KEM prekey id')
        .fixed(prekey.publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'one-time KEM prekey')
        .fixed(prekey.secretKey, MLKEM768_SECRET_KEY_BYTES, 'one-time KEM prekey secret')
        .fixed(prekey.signature, ED25519_SIGNATURE_BYTES, 'one-time KEM prekey signature');
    }
    w.u32(this.usedBaseKeyCount, 'base key count');
    for (const [signedId, used] of this.usedBaseKeys) {
      for (const baseKey of used) {
        w.fixed(sodium.from_hex(baseKey), X25519_KEY_BYTES, 'base key').u32(
          signedId,
          'signed prekey id',
        );
      }
    }
    return w.finish();
  }

  static deserialize(bytes: Uint8Array, options: PrekeyStoreOptions = {}): PrekeyStore {
    const r = new ByteReader(readFormatHeader(bytes, SUITE.prekey));
    if (r.u8() !== STORE_KIND) throw new CryptoError('MALFORMED', 'not a prekey store');
    if (r.u8() !== STORE_VERSION)
      throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported prekey store version');
    const deviceId = fromUtf8(r.fixed(r.u8()));
    const deviceSecretKey = r.fixed(ED25519_SECRET_KEY_BYTES);
    // checkDeviceKeys (in the constructor) refuses a secret key whose public half does not match.
    const store = new PrekeyStore(
      {
        deviceId,
        keyPair: {
          publicKey: deviceSecretKey.slice(ED25519_SEED_BYTES),
          secretKey: deviceSecretKey,
        },
      },
      options,
    );
    const currentSignedId = r.u32();
    const currentKemId = r.u32();
    const count = (max: number): number => {
      const n = r.u32();
      if (n > max) throw new CryptoError('MALFORMED', 'too many entries');
      return n;
    };
    const readReplacedAt = (): number | null => {
      const replaced = r.flag();
      const at = r.u53();
      return replaced ? at : null;
    };
    for (let i = count(10_000); i > 0; i -= 1) {
      const id = r.u32();
      const publicKey = r.fixed(X25519_KEY_BYTES);
      const secretKey = r.fixed(X25519_KEY_BYTES);
      const signature = r.fixed(ED25519_SIGNATURE_BYTES);
      const createdAt = r.u53();
      const replacedAt = readReplacedAt();
      store.signed.set(id, {
        prekey: { id, keyPair: { publicKey, secretKey }, signature, createdAt },
        replacedAt,
      });
    }
    for (let i = count(10_000); i > 0; i -= 1) {
      const id = r.u32();
      const publicKey = r.fixed(MLKEM768_PUBLIC_KEY_BYTES);
      const secretKey = r.fixed(MLKEM768_SECRET_KEY_BYTES);
      const signature = r.fixed(ED25519_SIGNATURE_BYTES);
      const createdAt = r.u53();
      const replacedAt = readReplacedAt();
      store.kem.set(id, { prekey: { id, publicKey, secretKey, signature, createdAt }, replacedAt });
    }
    for (let i = count(MAX_ONE_TIME_PREKEYS); i > 0; i -= 1) {
      const id = r.u32();
      const publicKey = r.fixed(X25519_KEY_BYTES);
      const secretKey = r.fixed(X25519_KEY_BYTES);
      store.oneTime.set(id, { id, keyPair: { publicKey, secretKey } });
    }
    for (let i = count(MAX_ONE_TIME_KEM_PREKEYS); i > 0; i -= 1) {
      const id = r.u32();
      const publicKey = r.fixed(MLKEM768_PUBLIC_KEY_BYTES);
      const secretKey = r.fixed(MLKEM768_SECRET_KEY_BYTES);
      const signature = r.fixed(ED25519_SIGNATURE_BYTES);
      store.oneTimeKem.set(id, { id, publicKey, secretKey, signature });
    }
    for (let i = count(store.maxBaseKeys); i > 0; i -= 1) {
      const baseKey = r.fixed(X25519_KEY_BYTES);
      const signedId = r.u32();
      // serialize() never writes a base key twice or one of a pruned prekey. The per-prekey
      // quota is not checked: a blob saved under a larger one loads as full, forgetting nothing.
      if (!store.signed.has(signedId) || store.hasUsedBaseKey(baseKey)) {
        throw new CryptoError('MALFORMED', 'bad remembered base key');
      }
      let used = store.usedBaseKeys.get(signedId);
      if (used === undefined) {
        used = new Set();
        store.usedBaseKeys.set(signedId, used);
      }
      used.add(baseKeyId(baseKey));
      store.usedBaseKeyCount += 1;
    }
    r.end();
    store.currentSignedId = store.signed.has(currentSignedId) ? currentSignedId : null;
    store.currentKemId = store.kem.has(currentKemId) ? currentKemId : null;
    return store;
  }
}
