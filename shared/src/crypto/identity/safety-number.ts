// Safety numbers: a fingerprint of two people's identity keys that both sides compute alike,
// shown as 60 digits or a QR payload so they can check out of band that no one sits between them.
import { fromBase32, toBase32 } from '../../encoding/base32.js';
import { concatBytes, equalBytes, transcript } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import { encodePublicIdentity, verifyPublicIdentity, type PublicIdentity } from './identity.js';
import { sodium } from '../primitives/sodium.js';

/**
 * SHA-512 rounds per fingerprint, as in Signal's NumericFingerprint: it makes grinding for a
 * key whose digits collide with a victim's ≈ 5 200 times dearer and costs ≈ 10 ms here.
 */
export const SAFETY_NUMBER_ITERATIONS = 5200;
/** Bytes of one identity's fingerprint carried in the QR payload. */
export const FINGERPRINT_BYTES = 32;
/** Digits per identity (six groups of five, from 30 bytes), and for the pair. */
export const FINGERPRINT_DIGITS = 30;
export const SAFETY_NUMBER_DIGITS = 2 * FINGERPRINT_DIGITS;
export const SAFETY_NUMBER_QR_VERSION = 1;
export const SAFETY_NUMBER_QR_BYTES = 1 + 2 * FINGERPRINT_BYTES;

const DIGIT_CHUNK_BYTES = 5;
const DIGITS_PER_CHUNK = 5;
const CHUNK_MODULUS = 100_000;

export interface SafetyNumber {
  /** 60 decimal digits, the lower fingerprint first, so both people see the same string. */
  readonly digits: string;
  /** The digits in twelve groups of five separated by spaces, for reading aloud. */
  readonly display: string;
  /** What a QR code carries: version byte ‖ the two fingerprints in the same order as `digits`. */
  readonly qrPayload: Uint8Array;
}

/** How a peer's current identity relates to the one this client pinned earlier. */
export type PinnedIdentityStatus = 'same' | 'changed' | 'new';

/**
 * One identity's fingerprint: iterated SHA-512 over its Ed25519 signing key and X25519
 * exchange key, so a change of either key changes the safety number.
 */
export function identityFingerprint(identity: PublicIdentity): Uint8Array {
  requireVerified(identity);
  const keys = encodePublicIdentity(identity);
  let hash = sodium.crypto_hash_sha512(transcript(label('safety-number'), keys));
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i += 1) {
    hash = sodium.crypto_hash_sha512(concatBytes(hash, keys));
  }
  return hash.slice(0, FINGERPRINT_BYTES);
}

/** 30 digits from the first 30 fingerprint bytes: each 5-byte big-endian chunk mod 100 000. */
export function fingerprintDigits(fingerprint: Uint8Array): string {
  if (fingerprint.length < FINGERPRINT_DIGITS) {
    throw new CryptoError('BAD_LENGTH', `fingerprint must be at least ${FINGERPRINT_DIGITS} bytes`);
  }
  let digits = '';
  for (let offset = 0; offset < FINGERPRINT_DIGITS; offset += DIGIT_CHUNK_BYTES) {
    let chunk = 0;
    // 40-bit values stay exact in a double (< 2^53).
    for (let i = 0; i < DIGIT_CHUNK_BYTES; i += 1) chunk = chunk * 256 + fingerprint[offset + i]!;
    digits += String(chunk % CHUNK_MODULUS).padStart(DIGITS_PER_CHUNK, '0');
  }
  return digits;
}

/** Groups of five digits separated by single spaces. */
export function formatSafetyNumber(digits: string): string {
  return (digits.match(/\d{1,5}/g) ?? []).join(' ');
}

/** The safety number of two identities; the argument order does not matter. */
export function safetyNumber(mine: PublicIdentity, theirs: PublicIdentity): SafetyNumber {
  const a = identityFingerprint(mine);
  const b = identityFingerprint(theirs);
  // Sorting the raw fingerprints makes the result the same on both sides.
  const [first, second] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
  const digits = fingerprintDigits(first) + fingerprintDigits(second);
  return {
    digits,
    display: formatSafetyNumber(digits),
    qrPayload: concatBytes(Uint8Array.of(SAFETY_NUMBER_QR_VERSION), first, second),
  };
}

/**
 * True when a scanned QR payload equals ours, compared in constant time. A payload from
 * another format version is UNSUPPORTED_VERSION (so the app can say "update"), a wrong size MALFORMED.
 */
export function matchesScannedSafetyNumber(ours: SafetyNumber, scanned: Uint8Array): boolean {
  if (scanned.length < 1) throw new CryptoError('MALFORMED', 'empty safety number payload');
  if (scanned[0] !== SAFETY_NUMBER_QR_VERSION) {
    throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported safety number version');
  }
  if (scanned.length !== SAFETY_NUMBER_QR_BYTES) {
    throw new CryptoError(
      'MALFORMED',
      `safety number payload must be ${SAFETY_NUMBER_QR_BYTES} bytes`,
    );
  }
  return equalBytes(ours.qrPayload, scanned);
}

/**
 * The QR payload as text: `SAFETY_NUMBER_TEXT_PREFIX ‖ base32(qrPayload)` (upper case), so the
 * code stays in a QR code's alphanumeric mode and browser scanners that return text (the
 * BarcodeDetector's rawValue) read it losslessly, like the recovery payload.
 */
export const SAFETY_NUMBER_TEXT_PREFIX = 'KOLOKOL-SN:';

export function encodeSafetyNumberText(ours: SafetyNumber): string {
  return SAFETY_NUMBER_TEXT_PREFIX + toBase32(ours.qrPayload);
}

/**
 * The QR payload a scanned or typed text carries (surrounding spaces and lower case forgiven),
 * for matchesScannedSafetyNumber. MALFORMED for anything that is not such a text.
 */
export function parseSafetyNumberText(text: string): Uint8Array {
  const upper = text.trim().toUpperCase();
  const bytes =
    upper.length <= SAFETY_NUMBER_TEXT_PREFIX.length + 2 * SAFETY_NUMBER_QR_BYTES &&
    upper.startsWith(SAFETY_NUMBER_TEXT_PREFIX)
      ? fromBase32(upper.slice(SAFETY_NUMBER_TEXT_PREFIX.length))
      : undefined;
  if (bytes === undefined || bytes.length < 1) {
    throw new CryptoError('MALFORMED', 'not a Kolokol safety number code');
  }
  return bytes;
}

/**
 * Compares a peer's identity as the server now presents it with the one pinned at first
 * contact (or at the last verification). 'changed' must be shown to the user before any
 * message is encrypted to the new keys. The presented identity must carry a valid self-signature.
 */
export function comparePinnedIdentity(
  pinned: PublicIdentity | undefined,
  current: PublicIdentity,
): PinnedIdentityStatus {
  requireVerified(current);
  if (pinned === undefined) return 'new';
  return equalBytes(encodePublicIdentity(pinned), encodePublicIdentity(current))
    ? 'same'
    : 'changed';
}

/** Lexicographic order of two public fingerprints (not secret, so not constant time). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

function requireVerified(identity: PublicIdentity): void {
  if (!verifyPublicIdentity(identity)) {
    throw new CryptoError(
      'BAD_SIGNATURE',
      'identity exchange key is not signed by its signing key',
    );
  }
}
