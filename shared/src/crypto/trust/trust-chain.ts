// The organisation's trust chain: an offline Ed25519 root key certifies moderator identities
// with expiring certificates (withdrawn through short-lived revocation statements,
// trust/revocation.ts); clients pin the root public key, so a compromised server cannot slip in a
// moderator key of its own.
import { fromBase64Url, toBase64Url } from '../../encoding/base64url.js';
import {
  concatBytes,
  equalBytes,
  expectLength,
  fromUtf8,
  randomBytes,
  transcript,
  utf8,
} from '../primitives/bytes.js';
import { ByteReader, U64_BYTES, u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import {
  FORMAT_HEADER_BYTES,
  SUITE,
  formatHeader,
  label,
  readFormatHeader,
} from '../primitives/format.js';
import { verifyPublicIdentity, type PublicIdentity } from '../identity/identity.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  ed25519KeyPair,
  sign,
  verify,
  type KeyPair,
} from '../primitives/primitives.js';
import type { VerifiedRevocationStatement } from './revocation.js';
import { sodium } from '../primitives/sodium.js';

export const CERTIFICATE_SERIAL_BYTES = 16;
export const MAX_CERTIFICATE_HANDLE_BYTES = 64;
/** Most serials one revocation statement may carry; bounds the work a hostile statement can cause. */
export const MAX_REVOKED_SERIALS = 10_000;
/**
 * A certificate issued moments ago on the admin's machine must not be refused by a client whose
 * clock runs a little behind. Only the start of validity gets this grace; expiry gets none.
 */
export const CERTIFICATE_CLOCK_SKEW_MS = 5 * 60 * 1000;

const TIMESTAMP_BYTES = U64_BYTES;
const CERTIFICATE_FIXED_BYTES =
  CERTIFICATE_SERIAL_BYTES +
  2 * TIMESTAMP_BYTES +
  ED25519_PUBLIC_KEY_BYTES +
  X25519_KEY_BYTES +
  ED25519_SIGNATURE_BYTES +
  1; // handle length
const CERTIFICATE_MIN_BYTES =
  FORMAT_HEADER_BYTES + CERTIFICATE_FIXED_BYTES + 1 + ED25519_SIGNATURE_BYTES;
const CERTIFICATE_MAX_BYTES =
  FORMAT_HEADER_BYTES +
  CERTIFICATE_FIXED_BYTES +
  MAX_CERTIFICATE_HANDLE_BYTES +
  ED25519_SIGNATURE_BYTES;

export interface ModeratorCertificate {
  /** Random, so serials reveal nothing about how many moderators exist. */
  readonly serial: Uint8Array;
  readonly handle: string;
  readonly moderator: PublicIdentity;
  /** Milliseconds since the Unix epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface ModeratorCertificateFields extends Omit<ModeratorCertificate, 'serial'> {
  /** Defaults to 16 random bytes. */
  readonly serial?: Uint8Array;
}

export interface CertificateCheck {
  /** The verifier's clock, ms since the epoch. */
  readonly now: number;
  /** A verified revocation statement (verifyRevocationStatement); its serials are refused. */
  readonly revocationList?: VerifiedRevocationStatement;
}

/** A fresh organisation root key pair; the admin CLI keeps the secret key offline. */
export function generateRootKey(): KeyPair {
  return ed25519KeyPair();
}

/** The root public key as canonical base64url text for the deployment's configuration. */
export function encodeRootPublicKey(publicKey: Uint8Array): string {
  return toBase64Url(checkRootPublicKey(publicKey));
}

/** Parses a pinned root public key; BAD_KEY unless it is canonical base64url of a valid Ed25519 point. */
export function decodeRootPublicKey(text: string): Uint8Array {
  const bytes = fromBase64Url(text.trim());
  if (bytes === undefined)
    throw new CryptoError('BAD_KEY', 'root public key is not canonical base64url');
  return checkRootPublicKey(bytes);
}

/** Signs a moderator certificate with the root secret key (admin CLI only). */
export function issueModeratorCertificate(
  rootSecretKey: Uint8Array,
  fields: ModeratorCertificateFields,
): Uint8Array {
  expectLength(rootSecretKey, ED25519_SECRET_KEY_BYTES, 'root secret key');
  const serial = fields.serial ?? randomBytes(CERTIFICATE_SERIAL_BYTES);
  expectLength(serial, CERTIFICATE_SERIAL_BYTES, 'certificate serial');
  if (!verifyPublicIdentity(fields.moderator)) {
    throw new CryptoError('BAD_SIGNATURE', 'moderator identity is not self-signed');
  }
  const handle = utf8(fields.handle);
  if (handle.length < 1 || handle.length > MAX_CERTIFICATE_HANDLE_BYTES) {
    throw new CryptoError('BAD_LENGTH', `handle must be 1..${MAX_CERTIFICATE_HANDLE_BYTES} bytes`);
  }
  checkValidity(fields.issuedAt, fields.expiresAt);
  const signed = concatBytes(
    formatHeader(SUITE.moderatorCertificate),
    serial,
    u64be(fields.issuedAt),
    u64be(fields.expiresAt),
    fields.moderator.signingKey,
    fields.moderator.exchangeKey,
    fields.moderator.exchangeSignature,
    Uint8Array.of(handle.length),
    handle,
  );
  return concatBytes(signed, sign(rootSecretKey, certificateTranscript(signed)));
}

/**
 * Checks a certificate against the pinned root key and returns what it certifies. Refuses
 * (UNTRUSTED) a bad signature, another root, a broken moderator identity, a certificate not yet
 * valid or expired, and a revoked serial; the signature is checked before the body is read.
 */
export function verifyModeratorCertificate(
  rootPublicKey: Uint8Array,
  certificate: Uint8Array,
  check: CertificateCheck,
): ModeratorCertificate {
  checkRootPublicKey(rootPublicKey);
  checkTimestamp(check.now, 'now');
  const signed = splitSigned(
    certificate,
    SUITE.moderatorCertificate,
    CERTIFICATE_MIN_BYTES,
    CERTIFICATE_MAX_BYTES,
  );
  if (!verify(rootPublicKey, certificateTranscript(signed.body), signed.signature)) {
    throw new CryptoError('UNTRUSTED', 'certificate is not signed by the organisation root');
  }
  const decoded = parseCertificateBody(signed.body);
  if (!verifyPublicIdentity(decoded.moderator)) {
    throw new CryptoError('UNTRUSTED', 'certified moderator identity is not self-signed');
  }
  if (check.now + CERTIFICATE_CLOCK_SKEW_MS < decoded.issuedAt) {
    throw new CryptoError('UNTRUSTED', 'certificate is not valid yet');
  }
  if (check.now >= decoded.expiresAt) throw new CryptoError('UNTRUSTED', 'certificate has expired');
  if (check.revocationList?.serials.some((serial) => equalBytes(serial, decoded.serial))) {
    throw new CryptoError('UNTRUSTED', 'certificate has been revoked');
  }
  return decoded;
}

/**
 * Reads a certificate's fields WITHOUT checking its signature or validity: for the server,
 * which stores certificates as opaque bytes and indexes them, never for a trust decision.
 */
export function decodeModeratorCertificateUnverified(
  certificate: Uint8Array,
): ModeratorCertificate {
  const signed = splitSigned(
    certificate,
    SUITE.moderatorCertificate,
    CERTIFICATE_MIN_BYTES,
    CERTIFICATE_MAX_BYTES,
  );
  return parseCertificateBody(signed.body);
}

function certificateTranscript(signed: Uint8Array): Uint8Array {
  return transcript(label('trust/moderator-certificate'), signed);
}

/** BAD_KEY unless `publicKey` is a valid Ed25519 point (the pinned root). */
export function checkRootPublicKey(publicKey: Uint8Array): Uint8Array {
  if (
    !(publicKey instanceof Uint8Array) ||
    publicKey.length !== ED25519_PUBLIC_KEY_BYTES ||
    !sodium.crypto_core_ed25519_is_valid_point(publicKey)
  ) {
    throw new CryptoError('BAD_KEY', 'root public key is not a valid Ed25519 key');
  }
  return publicKey;
}

/** Checks the header and size bounds, then splits off the trailing signature; parses nothing else. */
function splitSigned(
  bytes: Uint8Array,
  suite: (typeof SUITE)['moderatorCertificate'],
  minBytes: number,
  maxBytes: number,
): { body: Uint8Array; signature: Uint8Array } {
  readFormatHeader(bytes, suite);
  if (bytes.length < minBytes || bytes.length > maxBytes) {
    throw new CryptoError('MALFORMED', `signed object must be ${minBytes}..${maxBytes} bytes`);
  }
  const split = bytes.length - ED25519_SIGNATURE_BYTES;
  return { body: bytes.subarray(0, split), signature: bytes.subarray(split) };
}

function parseCertificateBody(signed: Uint8Array): ModeratorCertificate {
  const reader = new ByteReader(signed, FORMAT_HEADER_BYTES);
  const serial = reader.take(CERTIFICATE_SERIAL_BYTES);
  const issuedAt = reader.u64();
  const expiresAt = reader.u64();
  const signingKey = reader.take(ED25519_PUBLIC_KEY_BYTES);
  const exchangeKey = reader.take(X25519_KEY_BYTES);
  const exchangeSignature = reader.take(ED25519_SIGNATURE_BYTES);
  const handleLength = reader.u8();
  const handleBytes = reader.take(handleLength);
  reader.end();
  const handle = fromUtf8(handleBytes);
  if (handleLength < 1 || !equalBytes(utf8(handle), handleBytes)) {
    throw new CryptoError('MALFORMED', 'certificate handle is not canonical UTF-8');
  }
  if (expiresAt <= issuedAt)
    throw new CryptoError('MALFORMED', 'certificate expires before it is issued');
  return {
    serial,
    handle,
    moderator: { signingKey, exchangeKey, exchangeSignature },
    issuedAt,
    expiresAt,
  };
}

function checkValidity(issuedAt: number, expiresAt: number): void {
  checkTimestamp(issuedAt, 'issuedAt');
  checkTimestamp(expiresAt, 'expiresAt');
  if (expiresAt <= issuedAt) throw new CryptoError('MALFORMED', 'expiresAt must be after issuedAt');
}

function checkTimestamp(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('MALFORMED', `${what} must be a non-negative integer of milliseconds`);
  }
}
