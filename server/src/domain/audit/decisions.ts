// Signed decisions of moderators and admins: before anything is acted on, the caller must hold a
// current root-certified moderator certificate for the keys it registered, and the statement must
// be signed by that certified identity, of the expected kind, naming the caller as its actor,
// fresh, never seen before, and — when it names a log head it saw — naming one of this log. Then
// the statement and the certificate it was checked against are appended to the audit log in the
// same write as the decision's effect.
import { toBase64Url, type Role } from '@kolokol/shared';
import {
  AUDIT_STATEMENT_MAX_SKEW_MS,
  CryptoError,
  equalBytes,
  verifyAuditStatement,
  verifyModeratorCertificate,
  verifyRevocationStatement,
  auditGenesisHash,
  type AuditKind,
  type ModeratorCertificate,
  type VerifiedAuditStatement,
  type VerifiedRevocationStatement,
} from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type { AuditEffect, AuditEntryRecord, Store } from '../../store/ports.js';
import type { Clock } from '../clock.js';
import type { AuditLog } from './audit-log.js';
import { requireRootKey } from '../root-key.js';

export interface Caller {
  readonly accountId: string;
  readonly role: Role;
}

/** A caller whose certificate verified now: what its statements are checked against. */
export interface CertifiedActor {
  readonly accountId: string;
  readonly certificate: ModeratorCertificate;
  /** The certificate as the root signed it; logged beside each of the actor's statements. */
  readonly certificateBytes: Uint8Array;
  /** The certificate's serial, base64url. */
  readonly serial: string;
}

export interface Decision {
  readonly actor: CertifiedActor;
  readonly statement: VerifiedAuditStatement;
}

export interface Recorded {
  readonly entry: AuditEntryRecord;
  readonly revokedSessionIds: readonly string[];
}

const NO_CERTIFICATE =
  'no valid moderator certificate: deciding needs an identity the organisation root certified';

export class Decisions {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly log: AuditLog;
      /** The organisation root public key; undefined when the operator has not configured one. */
      readonly rootPublicKey: Uint8Array | undefined;
    },
  ) {}

  /**
   * Checks a statement `caller` sent for a decision of `kind`, in this order: the caller's
   * certificate (FORBIDDEN without a valid one), the statement's signature by the certified
   * identity (FORBIDDEN) and format (BAD_REQUEST), its kind (BAD_REQUEST), its actor (FORBIDDEN
   * unless the caller), its freshness (BAD_REQUEST), a replay (CONFLICT) and the head it names
   * (BAD_REQUEST). Reads only; nothing is written.
   */
  async verify(caller: Caller, bytes: Uint8Array, kind: AuditKind): Promise<Decision> {
    const actor = await this.certified(caller.accountId);
    let statement: VerifiedAuditStatement;
    try {
      statement = verifyAuditStatement(bytes, actor.certificate.moderator);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      if (error.reason === 'UNTRUSTED') {
        throw new AppError('FORBIDDEN', 'statement: not signed by your certified identity');
      }
      throw new AppError('BAD_REQUEST', `statement: ${error.message}`);
    }
    if (statement.kind !== kind) {
      throw new AppError('BAD_REQUEST', `statement: a ${kind} statement is needed here`);
    }
    if (statement.actor !== caller.accountId) {
      throw new AppError('FORBIDDEN', 'statement: names another actor');
    }
    this.#checkFresh(statement, this.deps.clock.now());
    // The certificate must also have been valid when the statement says it was signed, as
    // `audit-verify` will check.
    this.#verifyCertificate(actor.certificateBytes, statement.issuedAt, await this.revocations());
    if (await this.deps.store.audit.hasPayloadDigest(statement.digest)) {
      throw new AppError('CONFLICT', 'statement: already recorded');
    }
    const seen = statement.prevHead;
    if (
      seen !== undefined &&
      !equalBytes(seen, auditGenesisHash()) &&
      (await this.deps.store.audit.seqOfHash(seen)) === undefined
    ) {
      throw new AppError('BAD_REQUEST', 'statement: prevHead is not an entry of this audit log');
    }
    return { actor, statement };
  }

  /**
   * Appends a verified decision with the effect `plan` gives (planned from the store as it is at
   * the head the entry is chained to), in one durable write. CONFLICT for a statement recorded
   * meanwhile, NOT_FOUND when the effect's account does not exist.
   */
  async record(
    decision: Decision,
    plan: (seq: number, recordedAt: number) => Promise<AuditEffect>,
  ): Promise<Recorded> {
    const outcome = await this.deps.log.append(
      {
        type: 'statement',
        payload: decision.statement.bytes,
        certificate: decision.actor.certificateBytes,
      },
      (seq, recordedAt) => {
        // Recorded when it is fresh, so the log never holds an entry audit-verify would refuse.
        this.#checkFresh(decision.statement, recordedAt);
        return plan(seq, recordedAt);
      },
    );
    switch (outcome.kind) {
      case 'appended':
        return outcome;
      case 'duplicate':
        throw new AppError('CONFLICT', 'statement: already recorded');
      case 'not-applied':
        if (outcome.reason === 'state-moved') {
          throw new AppError('CONFLICT', 'the proposal or its request changed meanwhile; reload');
        }
        if (outcome.reason === 'report-not-open') {
          throw new AppError('CONFLICT', 'report: no longer open');
        }
        throw new AppError('NOT_FOUND', 'no such account');
    }
  }

  /**
   * The account's current certificate, verified now against the root and the latest revocation
   * statement, and certifying the identity the account registered: FORBIDDEN otherwise.
   */
  async certified(accountId: string): Promise<CertifiedActor> {
    const root = requireRootKey(this.deps.rootPublicKey);
    const stored = await this.deps.store.certificates.findModeratorCertificate(accountId);
    const account = await this.deps.store.accounts.findById(accountId);
    if (stored === undefined || account === undefined)
      throw new AppError('FORBIDDEN', NO_CERTIFICATE);
    const certificate = this.#verifyCertificate(
      stored.bytes,
      this.deps.clock.now(),
      await this.revocations(),
      root,
    );
    if (
      !equalBytes(certificate.moderator.signingKey, account.signingKey) ||
      !equalBytes(certificate.moderator.exchangeKey, account.exchangeKey)
    ) {
      throw new AppError('FORBIDDEN', NO_CERTIFICATE);
    }
    return {
      accountId,
      certificate,
      certificateBytes: stored.bytes,
      serial: toBase64Url(certificate.serial),
    };
  }

  /**
   * Whether a certificate known by serial and expiry still counts at `at` (now by default):
   * unexpired and not revoked by the latest revocation statement (for a moderator's earlier statement, such as a pending
   * high-tier endorsement).
   */
  async stillCertified(
    serial: string,
    expiresAt: number,
    at = this.deps.clock.now(),
  ): Promise<boolean> {
    if (expiresAt <= at) return false;
    const revocations = await this.revocations();
    return !(revocations?.serials.some((revoked) => toBase64Url(revoked) === serial) ?? false);
  }

  /** The latest stored revocation statement, verified (a stale one still proves what it revokes). */
  async revocations(): Promise<VerifiedRevocationStatement | undefined> {
    const stored = await this.deps.store.certificates.latestRevocationList();
    return stored
      ? verifyRevocationStatement(requireRootKey(this.deps.rootPublicKey), stored.bytes, {
          now: this.deps.clock.now(),
          allowStale: true,
        })
      : undefined;
  }

  #verifyCertificate(
    bytes: Uint8Array,
    now: number,
    revocations: VerifiedRevocationStatement | undefined,
    root = requireRootKey(this.deps.rootPublicKey),
  ): ModeratorCertificate {
    try {
      return verifyModeratorCertificate(root, bytes, {
        now,
        ...(revocations ? { revocationList: revocations } : {}),
      });
    } catch (error) {
      if (error instanceof CryptoError) throw new AppError('FORBIDDEN', NO_CERTIFICATE);
      throw error;
    }
  }

  #checkFresh(statement: VerifiedAuditStatement, now: number): void {
    if (Math.abs(now - statement.issuedAt) > AUDIT_STATEMENT_MAX_SKEW_MS) {
      throw new AppError(
        'BAD_REQUEST',
        'statement: issuedAt is more than 5 minutes from the server’s clock (stale, or a wrong clock)',
      );
    }
  }
}
