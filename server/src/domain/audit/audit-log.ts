// The audit log as the domain sees it: entries chained to the head they were planned against,
// each appended with the effect it authorises in one store write. The head is the lock for
// every audited state: an effect is planned from what the store holds after the head was read,
// and if another entry was appended meanwhile the store refuses ('head-moved') and it is planned
// again, so two decisions never both act on the same stale reading.
import { toBase64Url } from '@kolokol/shared';
import { auditEntryHash, type AuditEntryType } from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type {
  AppendOutcome,
  AuditEffect,
  AuditEntryRecord,
  AuditHead,
  Store,
} from '../../store/ports.js';
import type { Clock } from '../clock.js';

/**
 * How often an append is planned again after another entry got in first. Decisions are rare
 * (people click them), so losing five races in a row means something is hammering the log.
 */
export const MAX_AUDIT_APPEND_ATTEMPTS = 5;

export interface NewAuditEntry {
  readonly type: AuditEntryType;
  readonly payload: Uint8Array;
  readonly certificate: Uint8Array | null;
}

/** Plans the effect of the entry numbered `seq`, recorded at `recordedAt`; throws an AppError to refuse. */
export type PlanEffect = (seq: number, recordedAt: number) => Promise<AuditEffect>;

export type Appended =
  | {
      readonly kind: 'appended';
      readonly entry: AuditEntryRecord;
      readonly revokedSessionIds: readonly string[];
    }
  | { readonly kind: 'duplicate' }
  /** The store's refusal, as it gave it (its reasons are documented on the port). */
  | Extract<AppendOutcome, { readonly kind: 'not-applied' }>;

export class AuditLog {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {}

  head(): Promise<AuditHead> {
    return this.deps.store.audit.head();
  }

  /**
   * Up to `limit` entries after `after`, as stored, and the head they end at: the head is read
   * first and no entry past it is returned, so a page read while another entry is appended is
   * still a prefix of the head it names (the reader's computed head can match it exactly).
   */
  async page(
    after: number,
    limit: number,
  ): Promise<{ head: AuditHead; entries: AuditEntryRecord[] }> {
    const head = await this.deps.store.audit.head();
    if (after >= head.length) return { head, entries: [] };
    const entries = await this.deps.store.audit.entries(
      after,
      Math.min(limit, head.length - after),
    );
    return { head, entries: entries.filter((entry) => entry.seq <= head.length) };
  }

  /** Appends `entry` with the effect `plan` gives, in one write; plans again if the head moved. */
  async append(entry: NewAuditEntry, plan: PlanEffect): Promise<Appended> {
    for (let attempt = 0; attempt < MAX_AUDIT_APPEND_ATTEMPTS; attempt += 1) {
      const head = await this.deps.store.audit.head();
      const recordedAt = this.deps.clock.now();
      const seq = head.length + 1;
      const effect = await plan(seq, recordedAt);
      const unhashed = { ...entry, seq, recordedAt, prevHash: head.hash };
      const record = { ...unhashed, hash: auditEntryHash(unhashed) };
      const outcome = await this.deps.store.audit.append(record, effect);
      if (outcome.kind === 'appended') {
        return { kind: 'appended', entry: record, revokedSessionIds: outcome.revokedSessionIds };
      }
      if (outcome.kind !== 'head-moved') return outcome;
    }
    throw new AppError('UNAVAILABLE', 'the audit log is busy; try again');
  }
}

/** An entry as a decision's answer names it: its number and hash (base64url), the new head. */
export function wireEntryRef(entry: AuditEntryRecord): { seq: number; hash: string } {
  return { seq: entry.seq, hash: toBase64Url(entry.hash) };
}
