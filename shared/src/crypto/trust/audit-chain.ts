// The audit log as a hash chain: every entry holds the hash of the one before, so changing,
// removing or reordering an entry breaks every hash after it, and a head recorded elsewhere (a
// checkpoint, or the head a moderator's client signed into a statement) shows a chain rewritten
// wholesale. An entry is a signed moderator decision with the certificate it was verified
// against, an offline-signed artifact (a moderator certificate, a revocation statement), or an
// action of the operator on the server host. `AuditChainVerifier` checks a chain as read from a
// store, entry by entry, and names the first that is broken.
import { toBase64Url } from '../../encoding/base64url.js';
import {
  concatBytes,
  equalBytes,
  fromUtf8,
  randomBytes,
  transcript,
  utf8,
} from '../primitives/bytes.js';
import { ByteReader, u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import { sodium } from '../primitives/sodium.js';
import {
  AUDIT_DIGEST_BYTES,
  AUDIT_NONCE_BYTES,
  AUDIT_STATEMENT_MAX_SKEW_MS,
  decodeAuditStatementUnverified,
  verifyAuditStatement,
} from './audit-statement.js';
import {
  revocationFloorOf,
  verifyRevocationStatement,
  type VerifiedRevocationStatement,
} from './revocation.js';
import {
  checkRootPublicKey,
  verifyModeratorCertificate,
  type ModeratorCertificate,
} from './trust-chain.js';

/** What an entry holds; the wire id of each is its position + 1. */
export const AUDIT_ENTRY_TYPES = ['statement', 'certificate', 'revocation', 'operator'] as const;
export type AuditEntryType = (typeof AUDIT_ENTRY_TYPES)[number];

export const AUDIT_HASH_BYTES = AUDIT_DIGEST_BYTES;

/** The head of an empty log, and the previous hash of entry 1: 32 zero bytes. */
export function auditGenesisHash(): Uint8Array {
  return new Uint8Array(AUDIT_HASH_BYTES);
}

export interface AuditEntry {
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly type: AuditEntryType;
  /** When the server appended it (ms): its word, but covered by the hash. */
  readonly recordedAt: number;
  /** The audit statement, the certificate, the revocation statement, or the operator action. */
  readonly payload: Uint8Array;
  /** For a statement: the actor's certificate the server verified it against; null otherwise. */
  readonly certificate: Uint8Array | null;
  /** The hash of entry seq − 1, or the genesis hash for entry 1. */
  readonly prevHash: Uint8Array;
  readonly hash: Uint8Array;
}

/**
 * SHA-256(transcript("kolokol/v1/audit/entry", u64 seq, u8 type, u64 recordedAt, prevHash,
 * payload, certificate or empty)): every field of the entry, length-prefixed, bound to its place.
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): Uint8Array {
  return sodium.crypto_hash_sha256(
    transcript(
      label('audit/entry'),
      u64be(entry.seq),
      Uint8Array.of(AUDIT_ENTRY_TYPES.indexOf(entry.type) + 1),
      u64be(entry.recordedAt),
      entry.prevHash,
      entry.payload,
      entry.certificate ?? new Uint8Array(0),
    ),
  );
}

/** SHA-256 of an entry's payload: unique in a log, so nothing is recorded (or acted on) twice. */
export function auditPayloadDigest(payload: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(payload);
}

/** What the operator did on the server host with the admin CLI (no identity key signs it). */
export const OPERATOR_ACTIONS = ['suspend', 'reinstate'] as const;
export type OperatorActionKind = (typeof OPERATOR_ACTIONS)[number];

export interface OperatorAction {
  readonly action: OperatorActionKind;
  readonly accountId: string;
  readonly nonce: Uint8Array;
}

const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** `u8 action ‖ nonce 16 ‖ u8 n ‖ accountId n`: an operator entry's payload, unique by its nonce. */
export function encodeOperatorAction(action: {
  readonly action: OperatorActionKind;
  readonly accountId: string;
  readonly nonce?: Uint8Array;
}): Uint8Array {
  if (!OPERATOR_ACTIONS.includes(action.action) || !ACCOUNT_ID_PATTERN.test(action.accountId)) {
    throw new CryptoError('MALFORMED', 'not an operator action');
  }
  const nonce = action.nonce ?? randomBytes(AUDIT_NONCE_BYTES);
  if (nonce.length !== AUDIT_NONCE_BYTES) throw new CryptoError('MALFORMED', 'bad nonce length');
  const id = utf8(action.accountId);
  return concatBytes(
    Uint8Array.of(OPERATOR_ACTIONS.indexOf(action.action) + 1),
    nonce,
    Uint8Array.of(id.length),
    id,
  );
}

export function decodeOperatorAction(bytes: Uint8Array): OperatorAction {
  const reader = new ByteReader(bytes);
  const action = OPERATOR_ACTIONS[reader.u8() - 1];
  const nonce = reader.take(AUDIT_NONCE_BYTES);
  const idBytes = reader.take(reader.u8());
  reader.end();
  const accountId = fromUtf8(idBytes);
  if (
    action === undefined ||
    !ACCOUNT_ID_PATTERN.test(accountId) ||
    !equalBytes(utf8(accountId), idBytes)
  ) {
    throw new CryptoError('MALFORMED', 'not an operator action');
  }
  return { action, accountId, nonce };
}

/** The first broken entry: its sequence number and why. */
export interface AuditChainBreak {
  readonly seq: number;
  readonly reason: string;
}

export interface AuditChainSummary {
  readonly length: number;
  readonly head: Uint8Array;
  readonly statements: number;
  readonly certificates: number;
  readonly revocations: number;
  readonly operatorActions: number;
}

/** A refusal of the verifier's own (CryptoErrors from the trust chain are refusals too). */
class Broken extends Error {}

/**
 * Checks a chain entry by entry, in the order of their sequence numbers, from entry 1:
 * numbering without gaps, each previous hash, each hash, no payload twice; then what the entry
 * holds, against the organisation root:
 *
 * - a statement: its certificate verifies against the root at the statement's issuedAt and at
 *   recordedAt, not revoked by the latest revocation statement recorded before it; the statement
 *   verifies against the identity the certificate names; it was recorded within
 *   AUDIT_STATEMENT_MAX_SKEW_MS of its issuedAt; a prevHead it carries is the hash of an earlier
 *   entry of this chain (or the genesis hash);
 * - a certificate: root-signed and valid when recorded, not revoked then;
 * - a revocation statement: root → signer → statement, unexpired when recorded, and neither older
 *   than nor missing a serial of the one recorded before it;
 * - an operator action: well formed.
 *
 * Feed it until `add` returns a break; stop there (later entries are not checked against a
 * broken one).
 */
export class AuditChainVerifier {
  readonly #root: Uint8Array;
  #length = 0;
  #head = auditGenesisHash();
  readonly #positions = new Map<string, number>();
  readonly #digests = new Map<string, number>();
  #revocations: VerifiedRevocationStatement | undefined;
  readonly #counts = { statement: 0, certificate: 0, revocation: 0, operator: 0 };

  constructor(rootPublicKey: Uint8Array) {
    this.#root = checkRootPublicKey(rootPublicKey);
  }

  /** The next entry read; the break it shows, or undefined when it holds. */
  add(entry: AuditEntry): AuditChainBreak | undefined {
    const expected = this.#length + 1;
    if (entry.seq !== expected) {
      return {
        seq: expected,
        reason:
          entry.seq > expected
            ? `missing: the entry after #${this.#length} is numbered #${entry.seq} (entries were removed)`
            : `out of order: #${entry.seq} comes after #${this.#length}`,
      };
    }
    const digest = toBase64Url(auditPayloadDigest(entry.payload));
    try {
      if (!equalBytes(entry.prevHash, this.#head)) {
        throw new Broken(
          `does not follow entry #${this.#length}: its previous hash differs (an entry was changed, removed or reordered)`,
        );
      }
      if (!equalBytes(auditEntryHash(entry), entry.hash)) {
        throw new Broken('its hash does not match its contents (the entry was changed)');
      }
      const repeated = this.#digests.get(digest);
      if (repeated !== undefined) {
        throw new Broken(`repeats entry #${repeated} (a statement is recorded and acted on once)`);
      }
      this.#checkContent(entry);
    } catch (error) {
      if (error instanceof Broken) return { seq: entry.seq, reason: error.message };
      if (error instanceof CryptoError) {
        return { seq: entry.seq, reason: `${entry.type}: ${error.message}` };
      }
      throw error;
    }
    this.#length = entry.seq;
    this.#head = entry.hash.slice();
    this.#positions.set(toBase64Url(entry.hash), entry.seq);
    this.#digests.set(digest, entry.seq);
    this.#counts[entry.type] += 1;
    return undefined;
  }

  /** The sequence number of the entry with this hash, 0 for the genesis hash, undefined if none. */
  positionOf(hash: Uint8Array): number | undefined {
    if (equalBytes(hash, auditGenesisHash())) return 0;
    return this.#positions.get(toBase64Url(hash));
  }

  summary(): AuditChainSummary {
    return {
      length: this.#length,
      head: this.#head.slice(),
      statements: this.#counts.statement,
      certificates: this.#counts.certificate,
      revocations: this.#counts.revocation,
      operatorActions: this.#counts.operator,
    };
  }

  #checkContent(entry: AuditEntry): void {
    if (entry.type !== 'statement' && entry.certificate !== null) {
      throw new Broken(`a ${entry.type} entry carries no certificate`);
    }
    switch (entry.type) {
      case 'statement':
        return this.#checkStatement(entry);
      case 'certificate':
        this.#certificate(entry.payload, entry.recordedAt);
        return;
      case 'revocation':
        this.#revocations = verifyRevocationStatement(this.#root, entry.payload, {
          now: entry.recordedAt,
          ...(this.#revocations ? { floor: revocationFloorOf(this.#revocations) } : {}),
        });
        return;
      case 'operator':
        decodeOperatorAction(entry.payload);
        return;
    }
  }

  #checkStatement(entry: AuditEntry): void {
    if (entry.certificate === null) {
      throw new Broken("a statement entry carries its actor's certificate");
    }
    const { issuedAt } = decodeAuditStatementUnverified(entry.payload);
    this.#certificate(entry.certificate, issuedAt);
    const certificate = this.#certificate(entry.certificate, entry.recordedAt);
    const statement = verifyAuditStatement(entry.payload, certificate.moderator);
    if (Math.abs(entry.recordedAt - statement.issuedAt) > AUDIT_STATEMENT_MAX_SKEW_MS) {
      throw new Broken('recorded too long before or after it was issued');
    }
    if (statement.prevHead !== undefined && this.positionOf(statement.prevHead) === undefined) {
      throw new Broken(
        'the log head its signer saw is not an earlier entry of this chain (the history before it was rewritten)',
      );
    }
  }

  #certificate(bytes: Uint8Array, now: number): ModeratorCertificate {
    return verifyModeratorCertificate(this.#root, bytes, {
      now,
      ...(this.#revocations ? { revocationList: this.#revocations } : {}),
    });
  }
}
