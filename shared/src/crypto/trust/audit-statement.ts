// A moderator's or admin's decision as a signed audit statement: what was decided (vet, unvet,
// approve, reject, re-propose, suspend, reinstate, dismiss a report), by whom, about whom, when,
// and the log head the actor's client had seen — signed in the actor's client by the identity key
// the organisation root certified. The server verifies it against that certificate before acting
// and keeps it in the hash-chained audit log (audit-chain.ts), so every decision stays
// attributable to a certified person, and a server cannot make one up.
//
// One fixed layout for every kind, so adding a kind later adds an id and a rule, never a format:
// each optional field is present or absent by a flag or a zero length, and a per-kind rule says
// which fields it must, may and must not carry.
import { RISK_TIERS, type RiskTier } from '../../skills/taxonomy.js';
import {
  concatBytes,
  equalBytes,
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
import { ED25519_SIGNATURE_BYTES, sign, verify } from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';
import { verifyPublicIdentity, type Identity, type PublicIdentity } from '../identity/identity.js';

/** The decisions a statement can record; the wire id of each is its position + 1. */
export const AUDIT_KINDS = [
  'vet',
  'unvet',
  'approve',
  'reject',
  'repropose',
  'suspend',
  'reinstate',
  'dismiss_report',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * Why a decision was taken, as a code a client shows in the reader's language; a free-text note
 * travels sealed to the moderators, and only its digest is signed here. Append only: the wire id
 * of each is its position + 1, and a verifier refuses an id it does not know.
 */
export const AUDIT_REASONS = [
  'other',
  'mismatch',
  'safety_risk',
  'conflict_of_interest',
  'over_capacity',
  'abuse',
  'suspected_infiltration',
  'compromised_account',
  'spam',
  'resolved',
  'owner_request',
  'mistake',
] as const;
export type AuditReason = (typeof AUDIT_REASONS)[number];

/**
 * How far a statement's issuedAt may lie from the server's clock, either way: the server refuses
 * an older one (so a statement captured in transit or kept back cannot be played later) and one
 * from further ahead (a client whose clock is wrong).
 */
export const AUDIT_STATEMENT_MAX_SKEW_MS = 5 * 60 * 1000;

export const AUDIT_NONCE_BYTES = 16;
/** A SHA-256 digest: of a sealed note, of a re-wrapped envelope, of a log entry (the head). */
export const AUDIT_DIGEST_BYTES = 32;
/** Server-issued ids (accounts, requests, proposals, reports): 16–64 characters of base64url. */
const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const MIN_ID_BYTES = 16;
const MAX_ID_BYTES = 64;

/** The subject fields, in wire order: an account and the ids of the objects a kind concerns. */
const ID_FIELDS = ['subject', 'request', 'proposal', 'report'] as const;
/** The optional 32-byte digests, in wire order. */
const DIGEST_FIELDS = ['noteDigest', 'envelopeDigest', 'prevHead'] as const;

const FIXED_BYTES = FORMAT_HEADER_BYTES + 1 + U64_BYTES + AUDIT_NONCE_BYTES + 2;
export const MIN_AUDIT_STATEMENT_BYTES =
  FIXED_BYTES +
  1 +
  MIN_ID_BYTES +
  ID_FIELDS.length +
  DIGEST_FIELDS.length +
  ED25519_SIGNATURE_BYTES;
/** The largest statement: every id 64 characters, every digest present (519 bytes). */
export const MAX_AUDIT_STATEMENT_BYTES =
  FIXED_BYTES +
  (1 + ID_FIELDS.length) * (1 + MAX_ID_BYTES) +
  DIGEST_FIELDS.length * (1 + AUDIT_DIGEST_BYTES) +
  ED25519_SIGNATURE_BYTES;

type Presence = 'required' | 'optional';
type Field = (typeof ID_FIELDS)[number] | 'tier' | 'reason' | 'noteDigest' | 'envelopeDigest';

/**
 * Which fields each kind must (`required`) or may (`optional`) carry; any other is refused.
 * `prevHead` is optional for every kind. Phase-2 kinds (approve, reject, repropose,
 * dismiss_report) are settled here so the format does not change when they are wired.
 */
export const AUDIT_KIND_RULES: Readonly<Record<AuditKind, Partial<Record<Field, Presence>>>> = {
  /** A volunteer vetted at a tier (high takes effect once two different moderators signed it). */
  vet: { subject: 'required', tier: 'required', noteDigest: 'optional' },
  /** A volunteer's vetting withdrawn. */
  unvet: { subject: 'required', reason: 'optional', noteDigest: 'optional' },
  /** A proposal approved: the volunteer, the request, the proposal, the re-wrapped details. */
  approve: {
    subject: 'required',
    request: 'required',
    proposal: 'required',
    envelopeDigest: 'optional',
    noteDigest: 'optional',
  },
  /** A proposal rejected, with a reason. */
  reject: {
    subject: 'required',
    request: 'required',
    proposal: 'required',
    reason: 'required',
    noteDigest: 'optional',
  },
  /** A proposal replaced by one to another volunteer (the subject). */
  repropose: {
    subject: 'required',
    request: 'required',
    proposal: 'required',
    reason: 'optional',
    noteDigest: 'optional',
  },
  /** An account suspended, perhaps after an abuse report. */
  suspend: {
    subject: 'required',
    reason: 'required',
    report: 'optional',
    noteDigest: 'optional',
  },
  /** A suspension lifted. */
  reinstate: { subject: 'required', reason: 'optional', noteDigest: 'optional' },
  /** An abuse report closed without action. */
  dismiss_report: {
    report: 'required',
    subject: 'optional',
    reason: 'optional',
    noteDigest: 'optional',
  },
};

export interface AuditStatementFields {
  readonly kind: AuditKind;
  /** The deciding account (the signer's). */
  readonly actor: string;
  /** The account the decision is about: the volunteer vetted, the account suspended, … */
  readonly subject?: string;
  readonly request?: string;
  readonly proposal?: string;
  readonly report?: string;
  readonly tier?: RiskTier;
  readonly reason?: AuditReason;
  /** SHA-256 of the sealed note that goes with the decision (the note itself is not logged). */
  readonly noteDigest?: Uint8Array;
  /** approve: SHA-256 of the request's envelope as re-wrapped for the volunteer. */
  readonly envelopeDigest?: Uint8Array;
  /** The audit log head (`audit.head`) the actor's client had seen: it witnesses that history. */
  readonly prevHead?: Uint8Array;
  /** Milliseconds since the epoch, by the actor's clock. */
  readonly issuedAt: number;
  /** Defaults to 16 random bytes, so two identical decisions are two statements. */
  readonly nonce?: Uint8Array;
}

export interface AuditStatement extends AuditStatementFields {
  readonly nonce: Uint8Array;
}

declare const verifiedStatement: unique symbol;

/** A statement whose signature verified against a moderator identity; only verifyAuditStatement makes one. */
export type VerifiedAuditStatement = AuditStatement & {
  /** The statement as signed. */
  readonly bytes: Uint8Array;
  /** SHA-256 of `bytes`: what the log keeps unique, so a statement is acted on once. */
  readonly digest: Uint8Array;
  readonly [verifiedStatement]: true;
};

/** Signs a decision with the actor's identity signing key (in the actor's client). MALFORMED for a bad field. */
export function issueAuditStatement(identity: Identity, fields: AuditStatementFields): Uint8Array {
  const statement: AuditStatement = {
    ...fields,
    nonce: fields.nonce ?? randomBytes(AUDIT_NONCE_BYTES),
  };
  checkStatement(statement);
  const body = encodeBody(statement);
  return concatBytes(body, sign(identity.signing.secretKey, statementTranscript(body)));
}

/**
 * Verifies a statement against the identity that must have signed it (the one its actor's
 * root-certified certificate names — never one from the same untrusted source), in this order:
 * size and header (MALFORMED, UNSUPPORTED_VERSION); the identity and the signature (UNTRUSTED),
 * before any field is read; strict parse and the kind's rule (MALFORMED). Freshness and the
 * actor's account are the caller's to check.
 */
export function verifyAuditStatement(
  bytes: Uint8Array,
  moderator: PublicIdentity,
): VerifiedAuditStatement {
  const { body, signature } = splitStatement(bytes);
  if (
    !verifyPublicIdentity(moderator) ||
    !verify(moderator.signingKey, statementTranscript(body), signature)
  ) {
    throw new CryptoError('UNTRUSTED', 'audit statement is not signed by this moderator');
  }
  const statement = parseBody(body);
  return {
    ...statement,
    bytes: bytes.slice(),
    digest: auditStatementDigest(bytes),
  } as VerifiedAuditStatement;
}

/** Reads a statement WITHOUT checking its signature: to find whose certificate to check, never for trust. */
export function decodeAuditStatementUnverified(bytes: Uint8Array): AuditStatement {
  return parseBody(splitStatement(bytes).body);
}

/** SHA-256 of the statement as signed. */
export function auditStatementDigest(bytes: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(bytes);
}

function statementTranscript(body: Uint8Array): Uint8Array {
  return transcript(label('audit/statement'), body);
}

function splitStatement(bytes: Uint8Array): { body: Uint8Array; signature: Uint8Array } {
  if (
    !(bytes instanceof Uint8Array) ||
    bytes.length < MIN_AUDIT_STATEMENT_BYTES ||
    bytes.length > MAX_AUDIT_STATEMENT_BYTES
  ) {
    throw new CryptoError(
      'MALFORMED',
      `audit statement must be ${MIN_AUDIT_STATEMENT_BYTES}..${MAX_AUDIT_STATEMENT_BYTES} bytes`,
    );
  }
  readFormatHeader(bytes, SUITE.auditStatement);
  const split = bytes.length - ED25519_SIGNATURE_BYTES;
  return { body: bytes.subarray(0, split), signature: bytes.subarray(split) };
}

function encodeBody(statement: AuditStatement): Uint8Array {
  const parts: Uint8Array[] = [
    formatHeader(SUITE.auditStatement),
    Uint8Array.of(AUDIT_KINDS.indexOf(statement.kind) + 1),
    u64be(statement.issuedAt),
    statement.nonce,
    encodeId(statement.actor),
  ];
  for (const field of ID_FIELDS) parts.push(encodeId(statement[field]));
  parts.push(
    Uint8Array.of(statement.tier === undefined ? 0 : RISK_TIERS.indexOf(statement.tier) + 1),
    Uint8Array.of(statement.reason === undefined ? 0 : AUDIT_REASONS.indexOf(statement.reason) + 1),
  );
  for (const field of DIGEST_FIELDS) {
    const digest = statement[field];
    parts.push(digest === undefined ? Uint8Array.of(0) : concatBytes(Uint8Array.of(1), digest));
  }
  return concatBytes(...parts);
}

function encodeId(id: string | undefined): Uint8Array {
  if (id === undefined) return Uint8Array.of(0);
  const bytes = utf8(id);
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

function parseBody(body: Uint8Array): AuditStatement {
  const reader = new ByteReader(body, FORMAT_HEADER_BYTES);
  const kind = AUDIT_KINDS[reader.u8() - 1];
  const issuedAt = reader.u64();
  const nonce = reader.take(AUDIT_NONCE_BYTES);
  const actor = readId(reader);
  const ids = ID_FIELDS.map(() => readId(reader));
  const tierId = reader.u8();
  const reasonId = reader.u8();
  const digests = DIGEST_FIELDS.map(() => {
    const flag = reader.u8();
    if (flag > 1) throw new CryptoError('MALFORMED', 'a presence flag is 0 or 1');
    return flag === 1 ? reader.take(AUDIT_DIGEST_BYTES) : undefined;
  });
  reader.end();
  if (kind === undefined) throw new CryptoError('MALFORMED', 'unknown audit statement kind');
  const tier = tierId === 0 ? undefined : RISK_TIERS[tierId - 1];
  const reason = reasonId === 0 ? undefined : AUDIT_REASONS[reasonId - 1];
  if (tier === undefined && tierId !== 0) throw new CryptoError('MALFORMED', 'unknown tier');
  if (reason === undefined && reasonId !== 0) throw new CryptoError('MALFORMED', 'unknown reason');
  if (actor === undefined) throw new CryptoError('MALFORMED', 'an audit statement names its actor');
  const statement: AuditStatement = {
    kind,
    actor,
    issuedAt,
    nonce,
    ...withDefined({
      subject: ids[0],
      request: ids[1],
      proposal: ids[2],
      report: ids[3],
      tier,
      reason,
      noteDigest: digests[0],
      envelopeDigest: digests[1],
      prevHead: digests[2],
    }),
  };
  checkStatement(statement);
  return statement;
}

function readId(reader: ByteReader): string | undefined {
  const length = reader.u8();
  if (length === 0) return undefined;
  const bytes = reader.take(length);
  const id = fromUtf8(bytes);
  if (!ID_PATTERN.test(id) || !equalBytes(utf8(id), bytes)) {
    throw new CryptoError('MALFORMED', 'not a server-issued id');
  }
  return id;
}

/** The object without its undefined properties (so a parsed statement equals the issued fields). */
function withDefined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** Every field's shape, then the kind's rule: MALFORMED naming the rule, never a value. */
function checkStatement(statement: AuditStatement): void {
  if (!AUDIT_KINDS.includes(statement.kind)) {
    throw new CryptoError('MALFORMED', 'unknown audit statement kind');
  }
  if (!Number.isSafeInteger(statement.issuedAt) || statement.issuedAt < 0) {
    throw new CryptoError('MALFORMED', 'issuedAt must be a non-negative integer of milliseconds');
  }
  if (!(statement.nonce instanceof Uint8Array) || statement.nonce.length !== AUDIT_NONCE_BYTES) {
    throw new CryptoError('MALFORMED', `the nonce is ${AUDIT_NONCE_BYTES} bytes`);
  }
  for (const id of [statement.actor, ...ID_FIELDS.map((field) => statement[field])]) {
    if (id !== undefined && !(typeof id === 'string' && ID_PATTERN.test(id))) {
      throw new CryptoError('MALFORMED', 'not a server-issued id');
    }
  }
  if (statement.actor === undefined) {
    throw new CryptoError('MALFORMED', 'an audit statement names its actor');
  }
  if (statement.tier !== undefined && !RISK_TIERS.includes(statement.tier)) {
    throw new CryptoError('MALFORMED', 'unknown tier');
  }
  if (statement.reason !== undefined && !AUDIT_REASONS.includes(statement.reason)) {
    throw new CryptoError('MALFORMED', 'unknown reason');
  }
  for (const field of DIGEST_FIELDS) {
    const digest = statement[field];
    if (
      digest !== undefined &&
      !(digest instanceof Uint8Array && digest.length === AUDIT_DIGEST_BYTES)
    ) {
      throw new CryptoError('MALFORMED', `${field} is ${AUDIT_DIGEST_BYTES} bytes`);
    }
  }
  const rule = AUDIT_KIND_RULES[statement.kind];
  const fields: readonly Field[] = [...ID_FIELDS, 'tier', 'reason', 'noteDigest', 'envelopeDigest'];
  for (const field of fields) {
    const present = statement[field] !== undefined;
    if (rule[field] === 'required' && !present) {
      throw new CryptoError('MALFORMED', `a ${statement.kind} statement needs ${field}`);
    }
    if (rule[field] === undefined && present) {
      throw new CryptoError('MALFORMED', `a ${statement.kind} statement carries no ${field}`);
    }
  }
}
