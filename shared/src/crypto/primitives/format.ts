// Every serialized crypto object starts with the same authenticated header:
// magic "KK", a format version and a suite id. Unknown versions or suites are refused,
// never downgraded. HKDF `info` labels carry the version (see `label`).
import { CryptoError } from './errors.js';

export const FORMAT_MAGIC = Uint8Array.of(0x4b, 0x4b); // "KK"
export const FORMAT_VERSION = 1;
export const FORMAT_HEADER_BYTES = 4;

/** What an object is and which algorithms it uses; one id per (kind, algorithm set). */
export const SUITE = {
  // 0x01 was the sealed envelope with crypto_box_seal slots to identity keys: retired, refused as unknown.
  /**
   * Sealed multi-recipient envelope: XChaCha20-Poly1305 body, X-Wing key slots to envelope
   * prekeys, Ed25519 inner signature over body and slots.
   */
  sealedEnvelope: 0x0b,
  /** Double Ratchet message: X25519, HKDF/HMAC-SHA-256, XChaCha20-Poly1305, encrypted header. */
  ratchetMessage: 0x02,
  /** First message of a session: PQXDH (X25519 + ML-KEM-768) key agreement data + a ratchet message. */
  prekeyMessage: 0x03,
  /** Local key store blob: Argon2id-derived key, XChaCha20-Poly1305. */
  keyStore: 0x04,
  /** Serialized ratchet session state (stored only inside an encrypted key store). */
  sessionState: 0x05,
  /** Moderator certificate signed by the organisation root key. */
  moderatorCertificate: 0x06,
  // 0x07 was the root-signed revocation list without expiry: retired, refused as unknown.
  /** The private prekey store blob (handshake/prekeys-store.ts); wire prekeys carry no header. */
  prekey: 0x08,
  /** Root-signed certificate of a medium-term revocation signer key. */
  revocationSignerCertificate: 0x09,
  /** Short-lived revocation statement signed by a certified revocation signer. */
  revocationStatement: 0x0a,
  /** Identity-signed list of an account's devices (devices/device-list.ts). */
  deviceList: 0x0c,
  /** A moderator's or admin's decision, signed by their certified identity (trust/audit-statement.ts). */
  auditStatement: 0x0d,
} as const;

export type Suite = (typeof SUITE)[keyof typeof SUITE];

export function formatHeader(suite: Suite): Uint8Array {
  return Uint8Array.of(FORMAT_MAGIC[0]!, FORMAT_MAGIC[1]!, FORMAT_VERSION, suite);
}

/** Checks magic, version and suite; returns the bytes after the header. */
export function readFormatHeader(bytes: Uint8Array, suite: Suite): Uint8Array {
  if (
    bytes.length < FORMAT_HEADER_BYTES ||
    bytes[0] !== FORMAT_MAGIC[0] ||
    bytes[1] !== FORMAT_MAGIC[1]
  ) {
    throw new CryptoError('MALFORMED', 'not a Kolokol crypto object');
  }
  if (bytes[2] !== FORMAT_VERSION)
    throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported format version');
  if (bytes[3] !== suite) throw new CryptoError('UNSUPPORTED_VERSION', 'unexpected suite');
  return bytes.subarray(FORMAT_HEADER_BYTES);
}

/** A versioned HKDF/signature label, e.g. label('ratchet/root') → "kolokol/v1/ratchet/root". */
export function label(name: string): string {
  return `kolokol/v${FORMAT_VERSION}/${name}`;
}
