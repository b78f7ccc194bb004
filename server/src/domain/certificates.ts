// Moderator certificates and revocation lists, signed offline by the organisation root key.
// The server checks them against the configured root public key before storing (so junk never
// reaches clients), but clients verify every certificate themselves against their pinned root:
// the server is a mailbox here, not an authority. Each one stored is also an audit log entry,
// appended in the same write: the offline signature is its proof, so the log shows who was
// certified and revoked when, beside the decisions those certificates signed.
import { toBase64Url, type EnvelopePrekeyWire, type Role } from '@kolokol/shared';
import {
  CryptoError,
  equalBytes,
  revocationFloorOf,
  verifyModeratorCertificate,
  verifyRevocationStatement,
  type VerifiedRevocationStatement,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { Store } from '../store/ports.js';
import { isStaff } from './channel-policy.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Clock } from './clock.js';
import { wireEnvelopePrekey } from './envelope-prekeys.js';
import { requireRootKey } from './root-key.js';

export interface CertificateList {
  readonly certificates: {
    accountId: string;
    certificate: string;
    envelopePrekey: EnvelopePrekeyWire | null;
  }[];
  readonly revocationList: string | null;
}

export class CertificateService {
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
   * Stores a certificate for the moderator it names. The caller must be that moderator or an
   * admin, and the certificate must certify exactly the keys that account registered.
   */
  async publish(
    caller: { accountId: string; role: Role },
    bytes: Uint8Array,
  ): Promise<{ serial: string; expiresAt: number }> {
    const root = requireRootKey(this.deps.rootPublicKey);
    const verified = async (now: number) => {
      const revocations = await this.#currentRevocations(root);
      return untrusted(() =>
        verifyModeratorCertificate(
          root,
          bytes,
          revocations ? { now, revocationList: revocations } : { now },
        ),
      );
    };
    const certificate = await verified(this.deps.clock.now());
    const subject = await this.deps.store.accounts.findByHandle(certificate.handle);
    if (
      !subject ||
      !isStaff(subject.role) ||
      !equalBytes(subject.signingKey, certificate.moderator.signingKey) ||
      !equalBytes(subject.exchangeKey, certificate.moderator.exchangeKey)
    ) {
      throw new AppError(
        'BAD_REQUEST',
        'certificate: does not certify a staff account’s registered keys',
      );
    }
    if (caller.accountId !== subject.id && caller.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'only the certified moderator or an admin may publish it');
    }
    const serial = toBase64Url(certificate.serial);
    const outcome = await this.deps.log.append(
      { type: 'certificate', payload: bytes, certificate: null },
      async (_seq, at) => {
        // Checked again as it is recorded, against the revocations then (as audit-verify will).
        await verified(at);
        return {
          kind: 'certificate',
          certificate: {
            accountId: subject.id,
            serial,
            bytes,
            expiresAt: certificate.expiresAt,
            createdAt: at,
          },
        };
      },
    );
    if (outcome.kind === 'not-applied' && outcome.reason === 'serial-taken') {
      throw new AppError('CONFLICT', 'certificate: another certificate has this serial');
    }
    // Idempotent: the same certificate again ('duplicate', or 'already-stored' for one stored
    // before the log existed) is answered as the first time and stores nothing.
    return { serial, expiresAt: certificate.expiresAt };
  }

  /**
   * Current (unexpired) certificates, each with its account's current (unexpired) envelope prekey
   * or null, and the latest revocation list, for clients to verify: a contact gets everything it
   * needs to seal request details to the moderators in one call.
   */
  async list(): Promise<CertificateList> {
    const now = this.deps.clock.now();
    const certificates = (await this.deps.store.certificates.listModeratorCertificates()).filter(
      (c) => c.expiresAt > now,
    );
    const prekeys = new Map(
      (
        await this.deps.store.envelopePrekeys.findEnvelopePrekeys(
          certificates.map((c) => c.accountId),
        )
      )
        .filter((prekey) => prekey.expiresAt > now)
        .map((prekey) => [prekey.accountId, prekey]),
    );
    const revocations = await this.deps.store.certificates.latestRevocationList();
    return {
      certificates: certificates.map((c) => {
        const prekey = prekeys.get(c.accountId);
        return {
          accountId: c.accountId,
          certificate: toBase64Url(c.bytes),
          envelopePrekey: prekey ? wireEnvelopePrekey(prekey) : null,
        };
      }),
      revocationList: revocations ? toBase64Url(revocations.bytes) : null,
    };
  }

  /** Stores a revocation statement (root → signer → statement) if it is fresh, newer than the current one and drops none of its unexpired serials. */
  async publishRevocations(bytes: Uint8Array): Promise<{ issuedAt: number }> {
    const root = requireRootKey(this.deps.rootPublicKey);
    // The current statement is the floor: a new one may not be older or leave out a serial of
    // a still-valid certificate, so no import can roll revocations back. Checked again as it is
    // recorded, against the statement current then (as audit-verify will).
    const verified = async (now: number) => {
      const current = await this.#currentRevocations(root);
      return untrusted(() =>
        verifyRevocationStatement(root, bytes, {
          now,
          ...(current ? { floor: revocationFloorOf(current) } : {}),
        }),
      );
    };
    const list = await verified(this.deps.clock.now());
    const outcome = await this.deps.log.append(
      { type: 'revocation', payload: bytes, certificate: null },
      async (_seq, at) => {
        await verified(at);
        return { kind: 'revocation-list', list: { issuedAt: list.issuedAt, bytes } };
      },
    );
    if (outcome.kind !== 'appended')
      throw new AppError('CONFLICT', 'a newer or equal revocation list is already published');
    return { issuedAt: list.issuedAt };
  }

  async #currentRevocations(root: Uint8Array): Promise<VerifiedRevocationStatement | undefined> {
    const stored = await this.deps.store.certificates.latestRevocationList();
    // A stale statement still proves what was revoked; only clients insist on a fresh one.
    return stored
      ? verifyRevocationStatement(root, stored.bytes, {
          now: this.deps.clock.now(),
          allowStale: true,
        })
      : undefined;
  }
}

/** Runs a verification, turning a crypto refusal into BAD_REQUEST without its detail leaking keys. */
function untrusted<T>(verify: () => T): T {
  try {
    return verify();
  } catch (error) {
    if (error instanceof CryptoError)
      throw new AppError('BAD_REQUEST', `not accepted: ${error.message}`);
    throw error;
  }
}
