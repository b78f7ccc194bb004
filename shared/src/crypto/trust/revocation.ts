// Revocation with a short shelf life, after the Tor directory authorities' key split: the offline
// root key certifies a medium-term revocation signer key (≤ MAX_REVOCATION_SIGNER_LIFETIME_MS),
// held by an admin, and that key signs revocation statements valid ≤ MAX_REVOCATION_STATEMENT_
// LIFETIME_MS, each carrying every revoked serial whose certificate has not yet expired. Clients
// verify root → signer → statement and refuse an expired statement, one older than their floor,
// and one that leaves out a serial their floor knows to be revoked — so a server can neither
// withhold revocations for long nor roll them back.
import { fromBase64Url, toBase64Url } from '../../encoding/base64url.js';
import { concatBytes, equalBytes, expectLength, transcript, u32be } from '../primitives/bytes.js';
import { ByteReader, U64_BYTES, u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import { checkDeployment } from '../identity/two-secret-keys.js';
import {
  FORMAT_HEADER_BYTES,
  SUITE,
  formatHeader,
  label,
  readFormatHeader,
} from '../primitives/format.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
  ed25519KeyPairFromSeed,
  sign,
  verify,
} from '../primitives/primitives.js';
import {
  CERTIFICATE_CLOCK_SKEW_MS,
  CERTIFICATE_SERIAL_BYTES,
  MAX_REVOKED_SERIALS,
  checkRootPublicKey,
  decodeRootPublicKey,
} from './trust-chain.js';

const HOUR_MS = 60 * 60 * 1000;
/** Longest validity of a revocation signer certificate: a stolen signer key is useless after it. */
export const MAX_REVOCATION_SIGNER_LIFETIME_MS = 90 * 24 * HOUR_MS;
/**
 * Longest validity of a revocation statement: how long a server can keep showing a client a
 * statement from before a revocation. The signer re-issues one at least daily.
 */
export const MAX_REVOCATION_STATEMENT_LIFETIME_MS = 48 * HOUR_MS;

const SIGNER_CERTIFICATE_BYTES =
  FORMAT_HEADER_BYTES + 2 * U64_BYTES + ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES;
const REVOKED_ENTRY_BYTES = CERTIFICATE_SERIAL_BYTES + U64_BYTES;
const STATEMENT_MIN_BYTES =
  FORMAT_HEADER_BYTES + SIGNER_CERTIFICATE_BYTES + 2 * U64_BYTES + 4 + ED25519_SIGNATURE_BYTES;
/** Largest revocation statement: MAX_REVOKED_SERIALS entries (240 204 bytes). */
export const MAX_REVOCATION_STATEMENT_BYTES =
  STATEMENT_MIN_BYTES + MAX_REVOKED_SERIALS * REVOKED_ENTRY_BYTES;

export interface RevocationSigner {
  readonly signerKey: Uint8Array;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A revoked certificate: its serial, and its own expiry, after which it need not be listed. */
export interface RevokedCertificate {
  readonly serial: Uint8Array;
  /** The revoked certificate's expiresAt; undefined (in a floor only) means "keep for ever". */
  readonly certificateExpiresAt?: number;
}

export interface RevocationStatement {
  readonly issuedAt: number;
  /** After this the statement is stale and refused. */
  readonly expiresAt: number;
  readonly revoked: readonly (RevokedCertificate & { readonly certificateExpiresAt: number })[];
  /** The revoked serials alone. */
  readonly serials: readonly Uint8Array[];
  readonly signer: RevocationSigner;
}

declare const verifiedChain: unique symbol;
/** A statement whose root → signer → statement chain was checked; only verifyRevocationStatement makes one. */
export type VerifiedRevocationStatement = RevocationStatement & { readonly [verifiedChain]: true };

/**
 * The least a client will accept: no statement issued before `minIssuedAt`, and none that omits
 * a serial of `revoked` whose certificate is still unexpired. The union of the floor shipped with
 * the client build (trustFloor) and what the client stored from the last statement it accepted.
 */
export interface RevocationFloor {
  readonly minIssuedAt: number;
  readonly revoked: readonly RevokedCertificate[];
}

/**
 * What a client build embeds: the organisation root public key and a revocation floor, so a
 * client with no stored state still refuses every statement older than the build.
 */
export interface TrustConfiguration {
  /**
   * The deployment id (1–64 printable ASCII characters, no space), pinned beside the root key:
   * salts and account keys are bound to it (identity/two-secret-keys.ts), so one deployment's
   * server cannot serve another's salts or recovery kits.
   */
  readonly deployment: string;
  readonly rootPublicKey: Uint8Array;
  readonly minRevocationIssuedAt: number;
  /** Serials the build knows to be revoked; statements must keep listing them (for ever). */
  readonly knownRevokedSerials?: readonly Uint8Array[];
}

export interface RevocationStatementCheck {
  /** The verifier's clock, ms since the epoch. */
  readonly now: number;
  readonly floor?: RevocationFloor;
  /**
   * Accept a statement past its expiresAt. For the server (which keeps the last one) and the
   * admin CLI (which merges an older one): a stale statement still proves what was revoked. Never
   * for a client's trust decision.
   */
  readonly allowStale?: boolean;
}

/** Signs a revocation signer certificate with the root secret key (admin CLI, offline). */
export function issueRevocationSignerCertificate(
  rootSecretKey: Uint8Array,
  signer: RevocationSigner,
): Uint8Array {
  expectLength(rootSecretKey, ED25519_SECRET_KEY_BYTES, 'root secret key');
  expectLength(signer.signerKey, ED25519_PUBLIC_KEY_BYTES, 'signer public key');
  checkLifetime(signer.issuedAt, signer.expiresAt, MAX_REVOCATION_SIGNER_LIFETIME_MS);
  const body = concatBytes(
    formatHeader(SUITE.revocationSignerCertificate),
    u64be(signer.issuedAt),
    u64be(signer.expiresAt),
    signer.signerKey,
  );
  return concatBytes(body, sign(rootSecretKey, signerTranscript(body)));
}

/** Checks a signer certificate against the pinned root (signature first) and, unless `allowStale`, its validity at `now`. */
export function verifyRevocationSignerCertificate(
  rootPublicKey: Uint8Array,
  certificate: Uint8Array,
  check: { readonly now: number; readonly allowStale?: boolean },
): RevocationSigner {
  checkRootPublicKey(rootPublicKey);
  checkTimestamp(check.now, 'now');
  readFormatHeader(certificate, SUITE.revocationSignerCertificate);
  if (certificate.length !== SIGNER_CERTIFICATE_BYTES) {
    throw new CryptoError('MALFORMED', 'revocation signer certificate has the wrong length');
  }
  const split = certificate.length - ED25519_SIGNATURE_BYTES;
  const body = certificate.subarray(0, split);
  if (!verify(rootPublicKey, signerTranscript(body), certificate.subarray(split))) {
    throw new CryptoError('UNTRUSTED', 'revocation signer is not certified by the root');
  }
  const reader = new ByteReader(body, FORMAT_HEADER_BYTES);
  const signer = {
    issuedAt: reader.u64(),
    expiresAt: reader.u64(),
    signerKey: reader.take(ED25519_PUBLIC_KEY_BYTES),
  };
  reader.end();
  checkLifetime(signer.issuedAt, signer.expiresAt, MAX_REVOCATION_SIGNER_LIFETIME_MS);
  if (!check.allowStale) {
    if (check.now + CERTIFICATE_CLOCK_SKEW_MS < signer.issuedAt)
      throw new CryptoError('UNTRUSTED', 'revocation signer certificate is not valid yet');
    if (check.now >= signer.expiresAt)
      throw new CryptoError('UNTRUSTED', 'revocation signer certificate has expired');
  }
  return signer;
}

/**
 * Signs a statement with the signer key (admin CLI). `revoked` is deduplicated (the later expiry
 * wins) and sorted; entries whose certificate expired by `issuedAt` are dropped, as they no longer
 * need revoking. The statement must lie within the signer certificate's validity.
 */
export function issueRevocationStatement(
  signerSecretKey: Uint8Array,
  signerCertificate: Uint8Array,
  statement: {
    readonly issuedAt: number;
    readonly expiresAt: number;
    readonly revoked: readonly (RevokedCertificate & { readonly certificateExpiresAt: number })[];
  },
): Uint8Array {
  expectLength(signerSecretKey, ED25519_SECRET_KEY_BYTES, 'signer secret key');
  expectLength(signerCertificate, SIGNER_CERTIFICATE_BYTES, 'signer certificate');
  checkLifetime(statement.issuedAt, statement.expiresAt, MAX_REVOCATION_STATEMENT_LIFETIME_MS);
  const certifiedKey = signerCertificate.subarray(
    FORMAT_HEADER_BYTES + 2 * U64_BYTES,
    FORMAT_HEADER_BYTES + 2 * U64_BYTES + ED25519_PUBLIC_KEY_BYTES,
  );
  const own = ed25519KeyPairFromSeed(signerSecretKey.subarray(0, ED25519_SEED_BYTES));
  own.secretKey.fill(0);
  if (!equalBytes(own.publicKey, certifiedKey)) {
    throw new CryptoError('BAD_KEY', 'the signer certificate certifies another key');
  }
  const revoked = normaliseRevoked(statement.revoked, statement.issuedAt);
  const body = concatBytes(
    formatHeader(SUITE.revocationStatement),
    signerCertificate,
    u64be(statement.issuedAt),
    u64be(statement.expiresAt),
    u32be(revoked.length),
    ...revoked.flatMap((entry) => [entry.serial, u64be(entry.certificateExpiresAt)]),
  );
  return concatBytes(body, sign(signerSecretKey, statementTranscript(body)));
}

/**
 * Checks root → signer → statement, then freshness and the floor, in this order: size and header
 * (MALFORMED, UNSUPPORTED_VERSION); the signer certificate's root signature and the statement's
 * signer signature (UNTRUSTED) before any field is read; strict parse (MALFORMED); a statement
 * issued outside its signer's validity, expired (unless allowStale), dated in the future, issued
 * before the floor, or leaving out a serial the floor lists whose certificate is still unexpired
 * (all UNTRUSTED).
 */
export function verifyRevocationStatement(
  rootPublicKey: Uint8Array,
  bytes: Uint8Array,
  check: RevocationStatementCheck,
): VerifiedRevocationStatement {
  checkRootPublicKey(rootPublicKey);
  checkTimestamp(check.now, 'now');
  const { body, signerCertificate, signature } = splitStatement(bytes);
  const signer = verifyRevocationSignerCertificate(rootPublicKey, signerCertificate, {
    now: check.now,
    allowStale: true,
  });
  if (!verify(signer.signerKey, statementTranscript(body), signature)) {
    throw new CryptoError('UNTRUSTED', 'revocation statement is not signed by its signer');
  }
  const statement = parseStatementBody(body, signer);
  if (statement.issuedAt < signer.issuedAt || statement.issuedAt >= signer.expiresAt) {
    throw new CryptoError(
      'UNTRUSTED',
      "revocation statement was signed outside its signer's validity",
    );
  }
  if (!check.allowStale && check.now >= statement.expiresAt) {
    throw new CryptoError('UNTRUSTED', 'revocation statement is out of date');
  }
  if (statement.issuedAt > check.now + CERTIFICATE_CLOCK_SKEW_MS) {
    throw new CryptoError('UNTRUSTED', 'revocation statement is dated in the future');
  }
  if (check.floor !== undefined) {
    if (statement.issuedAt < check.floor.minIssuedAt) {
      throw new CryptoError('UNTRUSTED', 'revocation statement is older than one already seen');
    }
    const listed = new Set(statement.serials.map(toBase64Url));
    for (const entry of check.floor.revoked) {
      const stillValid =
        entry.certificateExpiresAt === undefined || entry.certificateExpiresAt > check.now;
      if (stillValid && !listed.has(toBase64Url(entry.serial))) {
        throw new CryptoError('UNTRUSTED', 'revocation statement leaves out a revoked certificate');
      }
    }
  }
  return statement as VerifiedRevocationStatement;
}

/** Reads a statement WITHOUT checking any signature: for the server's opaque storage, never for trust. */
export function decodeRevocationStatementUnverified(bytes: Uint8Array): RevocationStatement {
  const { body, signerCertificate } = splitStatement(bytes);
  const reader = new ByteReader(signerCertificate, FORMAT_HEADER_BYTES);
  const signer = {
    issuedAt: reader.u64(),
    expiresAt: reader.u64(),
    signerKey: reader.take(ED25519_PUBLIC_KEY_BYTES),
  };
  return parseStatementBody(body, signer);
}

/** The floor a client stores after accepting `statement`: its date and everything it lists. */
export function revocationFloorOf(statement: VerifiedRevocationStatement): RevocationFloor {
  return { minIssuedAt: statement.issuedAt, revoked: statement.revoked };
}

/** The floor a client build ships: its minimum date, and its known serials kept for ever. */
export function trustFloor(trust: TrustConfiguration): RevocationFloor {
  checkTimestamp(trust.minRevocationIssuedAt, 'minRevocationIssuedAt');
  return {
    minIssuedAt: trust.minRevocationIssuedAt,
    revoked: (trust.knownRevokedSerials ?? []).map((serial) => ({
      serial: expectLength(serial, CERTIFICATE_SERIAL_BYTES, 'certificate serial'),
    })),
  };
}

/** The strictest of several floors: the latest date, and every serial any of them lists (the later expiry wins). */
export function mergeRevocationFloors(...floors: readonly RevocationFloor[]): RevocationFloor {
  const revoked = new Map<string, RevokedCertificate>();
  let minIssuedAt = 0;
  for (const floor of floors) {
    minIssuedAt = Math.max(minIssuedAt, floor.minIssuedAt);
    for (const entry of floor.revoked) {
      const key = toBase64Url(entry.serial);
      const known = revoked.get(key);
      const forever =
        entry.certificateExpiresAt === undefined ||
        (known !== undefined && known.certificateExpiresAt === undefined);
      const later = Math.max(entry.certificateExpiresAt ?? 0, known?.certificateExpiresAt ?? 0);
      revoked.set(
        key,
        forever ? { serial: entry.serial } : { serial: entry.serial, certificateExpiresAt: later },
      );
    }
  }
  return { minIssuedAt, revoked: [...revoked.values()] };
}

/**
 * Parses a trust configuration as a client build embeds it (JSON): the deployment id, base64url
 * root key and serials, a millisecond floor. BAD_KEY / MALFORMED for anything else.
 */
export function parseTrustConfiguration(json: {
  readonly deployment: string;
  readonly rootPublicKey: string;
  readonly minRevocationIssuedAt: number;
  readonly knownRevokedSerials?: readonly string[];
}): TrustConfiguration {
  const knownRevokedSerials = (json.knownRevokedSerials ?? []).map((text) => {
    const serial = fromBase64Url(text);
    if (serial === undefined || serial.length !== CERTIFICATE_SERIAL_BYTES)
      throw new CryptoError('MALFORMED', 'a known revoked serial is not 16 bytes of base64url');
    return serial;
  });
  checkTimestamp(json.minRevocationIssuedAt, 'minRevocationIssuedAt');
  return {
    deployment: checkDeployment(json.deployment),
    rootPublicKey: decodeRootPublicKey(json.rootPublicKey),
    minRevocationIssuedAt: json.minRevocationIssuedAt,
    knownRevokedSerials,
  };
}

function splitStatement(bytes: Uint8Array): {
  body: Uint8Array;
  signerCertificate: Uint8Array;
  signature: Uint8Array;
} {
  readFormatHeader(bytes, SUITE.revocationStatement);
  if (bytes.length < STATEMENT_MIN_BYTES || bytes.length > MAX_REVOCATION_STATEMENT_BYTES) {
    throw new CryptoError(
      'MALFORMED',
      `revocation statement must be ${STATEMENT_MIN_BYTES}..${MAX_REVOCATION_STATEMENT_BYTES} bytes`,
    );
  }
  const split = bytes.length - ED25519_SIGNATURE_BYTES;
  return {
    body: bytes.subarray(0, split),
    signerCertificate: bytes.subarray(
      FORMAT_HEADER_BYTES,
      FORMAT_HEADER_BYTES + SIGNER_CERTIFICATE_BYTES,
    ),
    signature: bytes.subarray(split),
  };
}

function parseStatementBody(body: Uint8Array, signer: RevocationSigner): RevocationStatement {
  const reader = new ByteReader(body, FORMAT_HEADER_BYTES + SIGNER_CERTIFICATE_BYTES);
  const issuedAt = reader.u64();
  const expiresAt = reader.u64();
  const count = reader.u32();
  if (count > MAX_REVOKED_SERIALS) throw new CryptoError('MALFORMED', 'too many revoked serials');
  const revoked: { serial: Uint8Array; certificateExpiresAt: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) {
    const serial = reader.take(CERTIFICATE_SERIAL_BYTES);
    const key = toBase64Url(serial);
    if (seen.has(key)) throw new CryptoError('MALFORMED', 'a serial is listed twice');
    seen.add(key);
    revoked.push({ serial, certificateExpiresAt: reader.u64() });
  }
  reader.end();
  checkLifetime(issuedAt, expiresAt, MAX_REVOCATION_STATEMENT_LIFETIME_MS);
  return { issuedAt, expiresAt, revoked, serials: revoked.map((e) => e.serial), signer };
}

function normaliseRevoked(
  entries: readonly { readonly serial: Uint8Array; readonly certificateExpiresAt: number }[],
  issuedAt: number,
): { serial: Uint8Array; certificateExpiresAt: number }[] {
  const unique = new Map<string, { serial: Uint8Array; certificateExpiresAt: number }>();
  for (const entry of entries) {
    expectLength(entry.serial, CERTIFICATE_SERIAL_BYTES, 'certificate serial');
    checkTimestamp(entry.certificateExpiresAt, 'certificateExpiresAt');
    if (entry.certificateExpiresAt <= issuedAt) continue;
    const key = toBase64Url(entry.serial);
    const known = unique.get(key);
    if (known === undefined || known.certificateExpiresAt < entry.certificateExpiresAt)
      unique.set(key, { serial: entry.serial, certificateExpiresAt: entry.certificateExpiresAt });
  }
  if (unique.size > MAX_REVOKED_SERIALS) {
    throw new CryptoError('BAD_LENGTH', `a statement holds at most ${MAX_REVOKED_SERIALS} serials`);
  }
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry);
}

function signerTranscript(body: Uint8Array): Uint8Array {
  return transcript(label('trust/revocation-signer'), body);
}

function statementTranscript(body: Uint8Array): Uint8Array {
  return transcript(label('trust/revocation-statement'), body);
}

function checkLifetime(issuedAt: number, expiresAt: number, maxLifetimeMs: number): void {
  checkTimestamp(issuedAt, 'issuedAt');
  checkTimestamp(expiresAt, 'expiresAt');
  if (expiresAt <= issuedAt || expiresAt - issuedAt > maxLifetimeMs) {
    throw new CryptoError('MALFORMED', `validity must be 1 ms..${maxLifetimeMs} ms`);
  }
}

function checkTimestamp(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('MALFORMED', `${what} must be a non-negative integer of milliseconds`);
  }
}
