// For `audit-verify`: replays the vetting decisions of a verified log through the same rules the
// server applied (vetting-rules.ts) and compares the outcome with the vetting the store holds, so
// a tier written into the database without a signed decision — an infiltrator made `high` by
// someone with the disk — is caught, not only a changed log.
import { toBase64Url } from '@kolokol/shared';
import {
  decodeAuditStatementUnverified,
  decodeModeratorCertificateUnverified,
  decodeRevocationStatementUnverified,
} from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type {
  AuditEntryRecord,
  HighEndorsement,
  Store,
  VettingChange,
  VettingRecord,
} from '../../store/ports.js';
import { planUnvet, planVet } from './vetting-rules.js';

type Endorsement = HighEndorsement & { readonly signingKey: string };

export class VettingReplay {
  readonly #current = new Map<string, VettingRecord>();
  readonly #pending = new Map<string, Endorsement[]>();
  /** Serials the latest revocation statement recorded so far revokes. */
  #revoked = new Set<string>();

  /**
   * Replays one entry of a chain that verified up to it: why the rules refuse its decision, or
   * undefined. (A refusal means the server acted against its own rules.)
   */
  add(entry: AuditEntryRecord): string | undefined {
    if (entry.type === 'revocation') {
      const statement = decodeRevocationStatementUnverified(entry.payload);
      this.#revoked = new Set(statement.serials.map(toBase64Url));
      return undefined;
    }
    if (entry.type !== 'statement' || entry.certificate === null) return undefined;
    const statement = decodeAuditStatementUnverified(entry.payload);
    if (statement.kind !== 'vet' && statement.kind !== 'unvet') return undefined;
    const volunteerId = statement.subject!;
    const certificate = decodeModeratorCertificateUnverified(entry.certificate);
    const signingKey = toBase64Url(certificate.moderator.signingKey);
    const current = this.#current.get(volunteerId);
    const pending = this.#pending.get(volunteerId) ?? [];
    let change: VettingChange;
    try {
      change =
        statement.kind === 'vet'
          ? planVet(
              {
                volunteerId,
                current,
                endorsements: pending.filter(
                  (e) =>
                    e.certificateExpiresAt > entry.recordedAt &&
                    !this.#revoked.has(e.certificateSerial),
                ),
                actor: {
                  accountId: statement.actor,
                  serial: toBase64Url(certificate.serial),
                  expiresAt: certificate.expiresAt,
                },
                sameIdentityAs: (moderatorId) =>
                  pending.some((e) => e.moderatorId === moderatorId && e.signingKey === signingKey),
                seq: entry.seq,
                at: entry.recordedAt,
              },
              statement.tier!,
            )
          : planUnvet({ volunteerId, current, pendingEndorsements: pending.length });
    } catch (error) {
      if (error instanceof AppError)
        return `a ${statement.kind} the vetting rules refuse (${error.message})`;
      throw error;
    }
    if (change.vetting === null) this.#current.delete(volunteerId);
    if (change.vetting) this.#current.set(volunteerId, change.vetting);
    let next = change.clearEndorsements ? [] : pending;
    if (change.endorse) {
      const endorse = change.endorse;
      next = [
        ...next.filter((e) => e.moderatorId !== endorse.moderatorId),
        { ...endorse, signingKey },
      ];
    }
    this.#pending.set(volunteerId, next);
    return undefined;
  }

  /** The first account whose stored vetting differs from what the log's decisions made it. */
  async mismatch(store: Store): Promise<string | undefined> {
    const stored = await store.vetting.everything();
    const accounts = new Set([
      ...this.#current.keys(),
      ...[...this.#pending].filter(([, list]) => list.length > 0).map(([id]) => id),
      ...stored.vetting.map((record) => record.volunteerId),
      ...stored.endorsements.map((e) => e.volunteerId),
    ]);
    const describe = (
      record: VettingRecord | undefined,
      endorsements: readonly HighEndorsement[],
    ) =>
      JSON.stringify({
        tier: record?.tier ?? 'none',
        since: record?.since ?? null,
        decidedBy: record?.decidedBy ?? [],
        pendingHigh: endorsements.map((e) => [e.moderatorId, e.seq]),
      });
    // By account once, not a scan of every record per account: the log may name many volunteers.
    const vettingOf = new Map(stored.vetting.map((record) => [record.volunteerId, record]));
    const endorsementsOf = new Map<string, HighEndorsement[]>();
    for (const e of stored.endorsements) {
      const list = endorsementsOf.get(e.volunteerId);
      if (list) list.push(e);
      else endorsementsOf.set(e.volunteerId, [e]);
    }
    for (const accountId of [...accounts].sort()) {
      const inStore = describe(vettingOf.get(accountId), endorsementsOf.get(accountId) ?? []);
      const fromLog = describe(this.#current.get(accountId), this.#pending.get(accountId) ?? []);
      if (inStore !== fromLog) {
        return `the vetting of account ${accountId} is ${inStore} in the store, but the log's signed decisions make it ${fromLog}`;
      }
    }
    return undefined;
  }
}
