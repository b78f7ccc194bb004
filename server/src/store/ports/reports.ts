// The report port: abuse reports — who reported whom, why, about which request or conversation,
// with a note sealed
// to the moderators (opaque bytes) — and their state. A report is made open (the reporter's limits
// decided in the same write) and closed only by an audited decision (AuditStore.append's
// 'dismiss-report' effect, or a suspension naming it); closed reports are deleted after retention.
import type { ReportReason, ReportState } from '@kolokol/shared';

export interface ReportRecord {
  /** Server-issued. */
  readonly id: string;
  readonly reporterId: string;
  readonly subjectId: string;
  readonly reason: ReportReason;
  /** The request it concerns, or null. */
  readonly requestId: string | null;
  /** The conversation it concerns (the reporter's with the subject), or null. */
  readonly conversationId: string | null;
  /** Whether the reporter's account was new (KOLOKOL_NEW_ACCOUNT_HOURS) when it reported. */
  readonly fromNewAccount: boolean;
  readonly state: ReportState;
  readonly createdAt: number;
  /** When a moderator closed it; null while open. */
  readonly closedAt: number | null;
}

export interface NewReport extends Omit<ReportRecord, 'state' | 'closedAt'> {
  /** The sealed note to the moderators, or null for none. */
  readonly note: Uint8Array | null;
}

/** An open report with its note, as moderators list them. */
export interface OpenReport extends ReportRecord {
  readonly note: Uint8Array | null;
}

export interface ReportLimits {
  /** Open reports one reporter may have; past it 'reporter-limit'. */
  readonly maxOpenPerReporter: number;
  /** Open reports from new accounts one subject may have; past it (for a new reporter) 'subject-limit'. */
  readonly maxOpenFromNewPerSubject: number;
}

export type CreateReportResult =
  | { readonly kind: 'created'; readonly report: ReportRecord }
  /** The reporter has an open report about this subject already: that one; nothing stored. */
  | { readonly kind: 'duplicate'; readonly report: ReportRecord }
  | { readonly kind: 'reporter-limit' }
  | { readonly kind: 'subject-limit' };

export interface ReportListQuery {
  /** Only reports whose subject has one of these roles. */
  readonly subjectRoles: readonly string[];
  /** Never reports about this account (the moderator asking). */
  readonly excludeSubject: string;
  /** Start after this (createdAt, id), in ascending order of both. */
  readonly after?: { readonly createdAt: number; readonly id: string };
  readonly limit: number;
}

export interface ReportStore {
  /**
   * Stores a new open report unless the reporter has an open one about the same subject
   * ('duplicate', checked first), has `maxOpenPerReporter` open ('reporter-limit'), or — for a
   * report from a new account — the subject has `maxOpenFromNewPerSubject` open reports from new
   * accounts ('subject-limit'); decided in one transaction, so concurrent creates cannot pass a
   * limit together.
   */
  createReport(report: NewReport, limits: ReportLimits): Promise<CreateReportResult>;
  findReport(id: string): Promise<ReportRecord | undefined>;
  /** Open reports with their notes, oldest first, at most `query.limit`. */
  listOpenReports(query: ReportListQuery): Promise<OpenReport[]>;
  /** Closed reports with ids above `afterId`, in ascending id order, at most `limit` (audit-verify). */
  listClosedReports(afterId: string, limit: number): Promise<ReportRecord[]>;
  /** Deletes closed reports (notes included) closed at or before `before`: how many. */
  purgeClosedReports(before: number): Promise<number>;
}
