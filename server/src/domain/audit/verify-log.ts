// `admin audit-verify`: reads the whole audit log from the store in order and checks it with
// shared's AuditChainVerifier — numbering, every hash, every signature, every certificate against
// the organisation root — stopping at the first broken entry; then, if given, that a checkpoint
// (a head recorded elsewhere earlier) is still an entry of the chain; then that the vetting the
// store holds is what the log's signed decisions make it (vetting-replay.ts), that every approved
// proposal and the details it shared are accounted for by them (approval-replay.ts), and so are
// the closed abuse reports (report-replay.ts).
import {
  AuditChainVerifier,
  type AuditChainBreak,
  type AuditChainSummary,
} from '@kolokol/shared/crypto';
import type { Store } from '../../store/ports.js';
import { ApprovalReplay } from './approval-replay.js';
import { ReportReplay } from './report-replay.js';
import { VettingReplay } from './vetting-replay.js';

/** Entries read per store call: bounds the memory one page takes (≤ 500 × ~2 KiB). */
export const AUDIT_VERIFY_PAGE_ENTRIES = 500;

export type LogVerification =
  | {
      readonly ok: true;
      readonly summary: AuditChainSummary;
      /** The checkpoint's entry number (0 for the empty log's head), when one was given. */
      readonly checkpointAt?: number;
    }
  | { readonly ok: false; readonly broken: AuditChainBreak }
  /** The chain holds, but the checkpoint is not one of its entries: rewritten or truncated since. */
  | { readonly ok: false; readonly checkpointMissing: true; readonly summary: AuditChainSummary }
  /** The chain holds, but the stored vetting, approvals or reports are not what its decisions made them. */
  | {
      readonly ok: false;
      readonly stateMismatch: string;
      /** Which state differs. */
      readonly state: 'vetting' | 'approvals' | 'reports';
      readonly summary: AuditChainSummary;
    };

export async function verifyAuditLog(
  store: Store,
  rootPublicKey: Uint8Array,
  checkpoint?: Uint8Array,
): Promise<LogVerification> {
  const verifier = new AuditChainVerifier(rootPublicKey);
  const vetting = new VettingReplay();
  const approvals = new ApprovalReplay();
  const reports = new ReportReplay();
  let after = 0;
  for (;;) {
    const page = await store.audit.entries(after, AUDIT_VERIFY_PAGE_ENTRIES);
    for (const entry of page) {
      const broken = verifier.add(entry);
      if (broken) return { ok: false, broken };
      const refused = vetting.add(entry);
      if (refused) return { ok: false, broken: { seq: entry.seq, reason: refused } };
      approvals.add(entry);
      reports.add(entry);
      after = entry.seq;
    }
    if (page.length < AUDIT_VERIFY_PAGE_ENTRIES) break;
  }
  const summary = verifier.summary();
  const checkpointAt = checkpoint === undefined ? undefined : verifier.positionOf(checkpoint);
  if (checkpoint !== undefined && checkpointAt === undefined) {
    return { ok: false, checkpointMissing: true, summary };
  }
  const mismatches = [
    ['vetting', vetting],
    ['approvals', approvals],
    ['reports', reports],
  ] as const;
  for (const [state, replay] of mismatches) {
    const stateMismatch = await replay.mismatch(store);
    if (stateMismatch !== undefined) return { ok: false, stateMismatch, state, summary };
  }
  return checkpointAt === undefined ? { ok: true, summary } : { ok: true, summary, checkpointAt };
}
