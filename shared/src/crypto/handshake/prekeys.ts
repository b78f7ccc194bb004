// Prekeys for PQXDH: the public shapes a client uploads and the server validates, their
// signature checks, and their generation. Each device signs its own prekeys with its device key
// (devices/device-list.ts), which the account's identity-signed device list names: a peer trusts a
// device's prekeys through the list, and a removed device's keys verify against nothing listed.
//
// As libsignal keeps them, a device has two kinds of ML-KEM-768 prekey: one-time KEM prekeys,
// each handed out once and deleted after its handshake, and a last-resort KEM prekey (the
// signed, rotated `kemPrekey`) for when none is left. They are signed under different labels, so
// one can never pass for the other.
import { equalBytes, randomBytes, transcript, u32be, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import { verifyPublicIdentity, type PublicIdentity } from '../identity/identity.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  sign,
  verify,
  x25519KeyPair,
  type KeyPair,
} from '../primitives/primitives.js';
import { isU32 } from '../primitives/session-codec.js';
import { isDeviceId } from '../devices/device-list.js';
import { sodium } from '../primitives/sodium.js';

export const MLKEM768_PUBLIC_KEY_BYTES: number = sodium.crypto_kem_mlkem768_PUBLICKEYBYTES;
export const MLKEM768_SECRET_KEY_BYTES: number = sodium.crypto_kem_mlkem768_SECRETKEYBYTES;
export const MLKEM768_CIPHERTEXT_BYTES: number = sodium.crypto_kem_mlkem768_CIPHERTEXTBYTES;
export const MLKEM768_SHARED_SECRET_BYTES: number = sodium.crypto_kem_mlkem768_SHAREDSECRETBYTES;
/** Key generation seed d ‖ z (FIPS 203 §7.1): 64 bytes. */
export const MLKEM768_SEED_BYTES = 64;
/** Encapsulation randomness m (FIPS 203 §7.2): 32 bytes. */
export const MLKEM768_ENCAPSULATION_SEED_BYTES = 32;

/** Signed X25519 prekey as uploaded: the device key's signature over transcript(label('prekey/x25519'), u32be(id), publicKey). */
export interface PublicSignedPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** Last-resort ML-KEM-768 prekey as uploaded: the device key's signature over transcript(label('prekey/mlkem768'), u32be(id), publicKey). */
export interface PublicKemPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** One-time ML-KEM-768 prekey: signed like the last-resort one, under label('prekey/mlkem768/one-time'). */
export type PublicOneTimeKemPrekey = PublicKemPrekey;

/** One-time X25519 prekey: unsigned, as in Signal (a forged one only costs the forger a failed handshake). */
export interface PublicOneTimePrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
}

/** Which device of the account a bundle is for, as its device list names it. */
export interface BundleDevice {
  readonly deviceId: string;
  /** Signs the bundle's prekeys; must be the key the account's device list gives this device. */
  readonly deviceKey: Uint8Array;
}

/** One device's bundle. */
export interface PrekeyBundle {
  readonly identity: PublicIdentity;
  readonly device: BundleDevice;
  readonly signedPrekey: PublicSignedPrekey;
  /** The last-resort KEM prekey, used when the bundle carries no one-time KEM prekey. */
  readonly kemPrekey: PublicKemPrekey;
  readonly oneTimeKemPrekey?: PublicOneTimeKemPrekey | undefined;
  readonly oneTimePrekey?: PublicOneTimePrekey | undefined;
}

export interface PrivateSignedPrekey {
  readonly id: number;
  readonly keyPair: KeyPair;
  readonly signature: Uint8Array;
  readonly createdAt: number;
}

export interface PrivateKemPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly createdAt: number;
}

export interface PrivateOneTimePrekey {
  readonly id: number;
  readonly keyPair: KeyPair;
}

export interface PrivateOneTimeKemPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly signature: Uint8Array;
}

// The encodings of the X25519 points of small order (and their non-canonical twins); a DH
// with any of them yields a value an attacker knows. The top bit is ignored by X25519.
const LOW_ORDER_X25519_POINTS: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => sodium.from_hex(hex));

/** True for a 32-byte X25519 public key that is not one of the small-order points. */
export function isUsableX25519PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== X25519_KEY_BYTES) return false;
  const masked = publicKey.slice();
  masked[31] = masked[31]! & 0x7f;
  return !LOW_ORDER_X25519_POINTS.some((point) => equalBytes(point, masked));
}

function signedPrekeyTranscript(id: number, publicKey: Uint8Array): Uint8Array {
  return transcript(label('prekey/x25519'), u32be(id), publicKey);
}

function kemPrekeyTranscript(id: number, publicKey: Uint8Array): Uint8Array {
  return transcript(label('prekey/mlkem768'), u32be(id), publicKey);
}

function oneTimeKemPrekeyTranscript(id: number, publicKey: Uint8Array): Uint8Array {
  return transcript(label('prekey/mlkem768/one-time'), u32be(id), publicKey);
}

function hasSigningKeyShape(signingKey: Uint8Array): boolean {
  return signingKey instanceof Uint8Array && signingKey.length === ED25519_PUBLIC_KEY_BYTES;
}

/** `deviceKey`: the Ed25519 device key that signed the prekey. */
export function verifySignedPrekey(deviceKey: Uint8Array, prekey: PublicSignedPrekey): boolean {
  return (
    hasSigningKeyShape(deviceKey) &&
    isU32(prekey.id) &&
    isUsableX25519PublicKey(prekey.publicKey) &&
    prekey.signature instanceof Uint8Array &&
    prekey.signature.length === ED25519_SIGNATURE_BYTES &&
    verify(deviceKey, signedPrekeyTranscript(prekey.id, prekey.publicKey), prekey.signature)
  );
}

function verifyAnyKemPrekey(
  deviceKey: Uint8Array,
  prekey: PublicKemPrekey,
  transcriptOf: (id: number, publicKey: Uint8Array) => Uint8Array,
): boolean {
  return (
    hasSigningKeyShape(deviceKey) &&
    isU32(prekey.id) &&
    prekey.publicKey instanceof Uint8Array &&
    prekey.publicKey.length === MLKEM768_PUBLIC_KEY_BYTES &&
    prekey.signature instanceof Uint8Array &&
    prekey.signature.length === ED25519_SIGNATURE_BYTES &&
    verify(deviceKey, transcriptOf(prekey.id, prekey.publicKey), prekey.signature)
  );
}

/** The last-resort KEM prekey's signature by the device key. */
export function verifyKemPrekey(deviceKey: Uint8Array, prekey: PublicKemPrekey): boolean {
  return verifyAnyKemPrekey(deviceKey, prekey, kemPrekeyTranscript);
}

/** A one-time KEM prekey's signature by the device key (another label than the last-resort one). */
export function verifyOneTimeKemPrekey(
  deviceKey: Uint8Array,
  prekey: PublicOneTimeKemPrekey,
): boolean {
  return verifyAnyKemPrekey(deviceKey, prekey, oneTimeKemPrekeyTranscript);
}

export function verifyOneTimePrekey(prekey: PublicOneTimePrekey): boolean {
  return isU32(prekey.id) && isUsableX25519PublicKey(prekey.publicKey);
}

/**
 * The whole bundle, or nothing: identity binding, every prekey signature by the bundle's device
 * key, key shapes. Whether that device key speaks for the account is the device list's to say
 * (`initiateSession` checks it against a verified list).
 */
export function verifyPrekeyBundle(bundle: PrekeyBundle): boolean {
  const { identity, device } = bundle;
  return (
    verifyPublicIdentity(identity) &&
    isUsableX25519PublicKey(identity.exchangeKey) &&
    isDeviceId(device.deviceId) &&
    verifySignedPrekey(device.deviceKey, bundle.signedPrekey) &&
    verifyKemPrekey(device.deviceKey, bundle.kemPrekey) &&
    (bundle.oneTimeKemPrekey === undefined ||
      verifyOneTimeKemPrekey(device.deviceKey, bundle.oneTimeKemPrekey)) &&
    (bundle.oneTimePrekey === undefined || verifyOneTimePrekey(bundle.oneTimePrekey))
  );
}

function checkId(id: number): void {
  if (!isU32(id))
    throw new CryptoError('BAD_LENGTH', 'prekey id must be an unsigned 32-bit integer');
}

/** `device`: the device key pair that signs it. */
export function generateSignedPrekey(
  device: KeyPair,
  id: number,
  now = 0,
): { publicPrekey: PublicSignedPrekey; privatePrekey: PrivateSignedPrekey } {
  checkId(id);
  const keyPair = x25519KeyPair();
  const signature = sign(device.secretKey, signedPrekeyTranscript(id, keyPair.publicKey));
  return {
    publicPrekey: { id, publicKey: keyPair.publicKey, signature },
    privatePrekey: { id, keyPair, signature, createdAt: now },
  };
}

function mlkemKeyPair(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  // Keygen from a seed d ‖ z (FIPS 203 ML-KEM.KeyGen_internal) drawn through randomBytes, so
  // every random input of the library has one source.
  const seed = randomBytes(MLKEM768_SEED_BYTES);
  const keyPair = sodium.crypto_kem_mlkem768_seed_keypair(seed);
  wipe(seed);
  return keyPair;
}

/** The last-resort KEM prekey, signed by the device key pair `device`. */
export function generateKemPrekey(
  device: KeyPair,
  id: number,
  now = 0,
): { publicPrekey: PublicKemPrekey; privatePrekey: PrivateKemPrekey } {
  checkId(id);
  const { publicKey, privateKey } = mlkemKeyPair();
  const signature = sign(device.secretKey, kemPrekeyTranscript(id, publicKey));
  return {
    publicPrekey: { id, publicKey, signature },
    privatePrekey: { id, publicKey, secretKey: privateKey, signature, createdAt: now },
  };
}

/** A one-time KEM prekey, signed by the device key pair `device`. */
export function generateOneTimeKemPrekey(
  device: KeyPair,
  id: number,
): { publicPrekey: PublicOneTimeKemPrekey; privatePrekey: PrivateOneTimeKemPrekey } {
  checkId(id);
  const { publicKey, privateKey } = mlkemKeyPair();
  const signature = sign(device.secretKey, oneTimeKemPrekeyTranscript(id, publicKey));
  return {
    publicPrekey: { id, publicKey, signature },
    privatePrekey: { id, publicKey, secretKey: privateKey, signature },
  };
}

export function generateOneTimePrekeys(
  startId: number,
  count: number,
): { publicPrekeys: PublicOneTimePrekey[]; privatePrekeys: PrivateOneTimePrekey[] } {
  checkId(startId);
  if (!Number.isInteger(count) || count < 0 || !isU32(startId + Math.max(count - 1, 0))) {
    throw new CryptoError('BAD_LENGTH', 'one-time prekey ids would overflow');
  }
  const publicPrekeys: PublicOneTimePrekey[] = [];
  const privatePrekeys: PrivateOneTimePrekey[] = [];
  for (let i = 0; i < count; i += 1) {
    const keyPair = x25519KeyPair();
    publicPrekeys.push({ id: startId + i, publicKey: keyPair.publicKey });
    privatePrekeys.push({ id: startId + i, keyPair });
  }
  return { publicPrekeys, privatePrekeys };
}

export function publicSignedPrekey(prekey: PrivateSignedPrekey): PublicSignedPrekey {
  return { id: prekey.id, publicKey: prekey.keyPair.publicKey, signature: prekey.signature };
}

export function publicKemPrekey(prekey: PrivateKemPrekey): PublicKemPrekey {
  return { id: prekey.id, publicKey: prekey.publicKey, signature: prekey.signature };
}

/** A fresh random prekey id, so ids do not reveal how many prekeys an account has made. */
export function randomPrekeyId(): number {
  const bytes = randomBytes(4);
  return new DataView(bytes.buffer).getUint32(0, false);
}

export function wipeSignedPrekey(prekey: PrivateSignedPrekey): void {
  wipe(prekey.keyPair.secretKey);
}

export function wipeKemPrekey(prekey: PrivateKemPrekey): void {
  wipe(prekey.secretKey);
}

export function wipeOneTimePrekey(prekey: PrivateOneTimePrekey): void {
  wipe(prekey.keyPair.secretKey);
}

export function wipeOneTimeKemPrekey(prekey: PrivateOneTimeKemPrekey): void {
  wipe(prekey.secretKey);
}
