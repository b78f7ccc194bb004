// ReportStore on SQLite: abuse reports, made in one IMMEDIATE transaction that checks the duplicate
// and the limits; closed only through the audited writes (prepareReportWrites, used by audit.ts in
// the same transaction as the log entry); deleted whole once closed past the retention.
import type Database from 'better-sqlite3';
import { reportReasonSchema, reportStateSchema } from '@kolokol/shared';
import type {
  CreateReportResult,
  NewReport,
  OpenReport,
  ReportLimits,
  ReportRecord,
  ReportStore,
} from '../ports.js';
import { settle, toPlainBytes } from './codec.js';
import { fromColumn } from './json-codes.js';

interface ReportRow {
  readonly id: string;
  readonly reporter_id: string;
  readonly subject_id: string;
  readonly reason: string;
  readonly request_id: string | null;
  readonly conversation_id: string | null;
  readonly from_new_account: number;
  readonly state: string;
  readonly created_at: number;
  readonly closed_at: number | null;
}

interface InsertParams {
  readonly id: string;
  readonly reporter: string;
  readonly subject: string;
  readonly reason: string;
  readonly request: string | null;
  readonly conversation: string | null;
  readonly note: Uint8Array | null;
  readonly fromNew: 0 | 1;
  readonly at: number;
}

interface ListParams {
  /** JSON array of roles. */
  readonly roles: string;
  readonly exclude: string;
  readonly afterAt: number;
  readonly afterId: string;
  readonly limit: number;
}

const COLUMNS =
  'id, reporter_id, subject_id, reason, request_id, conversation_id, from_new_account, state, ' +
  'created_at, closed_at';

function toReport(row: ReportRow): ReportRecord {
  return {
    id: row.id,
    reporterId: row.reporter_id,
    subjectId: row.subject_id,
    reason: fromColumn(row.reason, reportReasonSchema, 'report reason'),
    requestId: row.request_id,
    conversationId: row.conversation_id,
    fromNewAccount: row.from_new_account === 1,
    state: fromColumn(row.state, reportStateSchema, 'report state'),
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

/**
 * The audited writes on reports, for audit.ts's transaction: closes report `id` as `state` at `at`
 * if it is open (and, when given, about `subjectId`); false when nothing matched.
 */
export function prepareReportWrites(db: Database.Database) {
  const close = db.prepare<{
    readonly id: string;
    readonly state: string;
    readonly at: number;
    readonly subject: string | null;
  }>(
    `UPDATE reports SET state = :state, closed_at = :at
     WHERE id = :id AND state = 'open' AND (:subject IS NULL OR subject_id = :subject)`,
  );
  const closeReport = (
    id: string,
    state: 'dismissed' | 'actioned',
    at: number,
    subjectId: string | null = null,
  ): boolean => close.run({ id, state, at, subject: subjectId }).changes === 1;
  return { closeReport };
}

export function createSqliteReportStore(db: Database.Database): ReportStore {
  const openPair = db.prepare<[string, string], ReportRow>(
    `SELECT ${COLUMNS} FROM reports WHERE reporter_id = ? AND subject_id = ? AND state = 'open'`,
  );
  const openOfReporter = db.prepare<[string], { readonly open: number }>(
    `SELECT count(*) AS open FROM reports WHERE reporter_id = ? AND state = 'open'`,
  );
  const openFromNewAbout = db.prepare<[string], { readonly open: number }>(
    `SELECT count(*) AS open FROM reports
     WHERE subject_id = ? AND state = 'open' AND from_new_account = 1`,
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO reports
       (id, reporter_id, subject_id, reason, request_id, conversation_id, note, from_new_account,
        state, created_at, closed_at)
     VALUES (:id, :reporter, :subject, :reason, :request, :conversation, :note, :fromNew, 'open',
             :at, NULL)`,
  );
  const findOne = db.prepare<[string], ReportRow>(`SELECT ${COLUMNS} FROM reports WHERE id = ?`);
  const list = db.prepare<ListParams, ReportRow & { readonly note: Uint8Array | null }>(
    `SELECT ${COLUMNS.split(', ')
      .map((column) => `reports.${column}`)
      .join(', ')}, reports.note
     FROM reports JOIN accounts ON accounts.id = reports.subject_id
     WHERE reports.state = 'open'
       AND accounts.role IN (SELECT value FROM json_each(:roles))
       AND reports.subject_id <> :exclude
       AND (reports.created_at > :afterAt
            OR (reports.created_at = :afterAt AND reports.id > :afterId))
     ORDER BY reports.created_at, reports.id
     LIMIT :limit`,
  );
  const closedPage = db.prepare<[string, number], ReportRow>(
    `SELECT ${COLUMNS} FROM reports WHERE state <> 'open' AND id > ? ORDER BY id LIMIT ?`,
  );
  const purge = db.prepare<[number]>(
    `DELETE FROM reports WHERE state <> 'open' AND closed_at <= ?`,
  );

  const createTx = db.transaction((report: NewReport, limits: ReportLimits): CreateReportResult => {
    const earlier = openPair.get(report.reporterId, report.subjectId);
    if (earlier !== undefined) return { kind: 'duplicate', report: toReport(earlier) };
    const open = openOfReporter.get(report.reporterId)?.open ?? 0;
    if (open >= limits.maxOpenPerReporter) return { kind: 'reporter-limit' };
    if (report.fromNewAccount) {
      const piled = openFromNewAbout.get(report.subjectId)?.open ?? 0;
      if (piled >= limits.maxOpenFromNewPerSubject) return { kind: 'subject-limit' };
    }
    insert.run({
      id: report.id,
      reporter: report.reporterId,
      subject: report.subjectId,
      reason: report.reason,
      request: report.requestId,
      conversation: report.conversationId,
      note: report.note,
      fromNew: report.fromNewAccount ? 1 : 0,
      at: report.createdAt,
    });
    const created = findOne.get(report.id);
    if (created === undefined) throw new Error('store: created report not found');
    return { kind: 'created', report: toReport(created) };
  });

  return {
    createReport(report, limits) {
      return settle(() => createTx.immediate(report, limits));
    },

    findReport(id) {
      return settle(() => {
        const row = findOne.get(id);
        return row === undefined ? undefined : toReport(row);
      });
    },

    listOpenReports(query) {
      return settle(() =>
        list
          .all({
            roles: JSON.stringify(query.subjectRoles),
            exclude: query.excludeSubject,
            afterAt: query.after?.createdAt ?? -1,
            afterId: query.after?.id ?? '',
            limit: query.limit,
          })
          .map((row): OpenReport => ({
            ...toReport(row),
            note: row.note === null ? null : toPlainBytes(row.note),
          })),
      );
    },

    listClosedReports(afterId, limit) {
      return settle(() => closedPage.all(afterId, limit).map(toReport));
    },

    purgeClosedReports(before) {
      return settle(() => purge.run(before).changes);
    },
  };
}
