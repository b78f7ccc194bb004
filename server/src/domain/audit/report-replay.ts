// For `audit-verify`: abuse reports are closed only by signed decisions (a dismiss_report, or a
// suspension naming the report), so the reports the store holds as closed must be exactly those
// the log's decisions closed, each as its decision did — a report buried by someone with the disk
// (marked dismissed, or actioned, without a decision) is caught, and so is one reopened. A report
// a decision names may be gone: closed reports are deleted after their retention.
import type { ReportState } from '@kolokol/shared';
import { decodeAuditStatementUnverified } from '@kolokol/shared/crypto';
import type { AuditEntryRecord, Store } from '../../store/ports.js';

/** Closed reports read per store call while comparing: bounds the memory one page takes. */
export const REPORT_REPLAY_PAGE = 500;

export class ReportReplay {
  /** Report id → how the log's signed decision closed it. */
  readonly #closedBy = new Map<string, ReportState>();

  /** Notes the report a statement of a chain that verified up to it closed, if any. */
  add(entry: AuditEntryRecord): void {
    if (entry.type !== 'statement') return;
    const statement = decodeAuditStatementUnverified(entry.payload);
    if (statement.report === undefined) return;
    if (statement.kind === 'dismiss_report') this.#closedBy.set(statement.report, 'dismissed');
    if (statement.kind === 'suspend') this.#closedBy.set(statement.report, 'actioned');
  }

  /** The first report whose stored state differs from what the log's decisions made it. */
  async mismatch(store: Store): Promise<string | undefined> {
    for (const [id, state] of this.#closedBy) {
      const stored = await store.reports.findReport(id);
      if (stored !== undefined && stored.state !== state) {
        return `report ${id} is ${stored.state} in the store, but the log's signed decision made it ${state}`;
      }
    }
    let after = '';
    for (;;) {
      const page = await store.reports.listClosedReports(after, REPORT_REPLAY_PAGE);
      for (const report of page) {
        if (this.#closedBy.get(report.id) !== report.state) {
          return `report ${report.id} is ${report.state} in the store, but no signed decision in the log closed it so`;
        }
        after = report.id;
      }
      if (page.length < REPORT_REPLAY_PAGE) return undefined;
    }
  }
}
