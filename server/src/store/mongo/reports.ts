// ReportStore on MongoDB: abuse reports, made in one transaction that checks the duplicate and
// the limits under the reporter's and the subject's locks; closed only through the audited writes
// (closeReportIn, in the audit append's transaction); deleted whole once closed past retention.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import {
  REPORT_REASONS,
  REPORT_STATES,
  reportReasonSchema,
  reportStateSchema,
} from '@kolokol/shared';
import type { OpenReport, ReportListQuery, ReportRecord, ReportStore } from '../ports.js';
import { parseStored, toBufferOrNull, toBytesOrNull } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface ReportDoc {
  readonly _id: string;
  readonly reporterId: string;
  readonly subjectId: string;
  readonly reason: string;
  readonly requestId: string | null;
  readonly conversationId: string | null;
  readonly note: Buffer | null;
  readonly fromNewAccount: boolean;
  readonly state: string;
  readonly createdAt: number;
  readonly closedAt: number | null;
}

export const reportSchema = new Schema<ReportDoc>(
  {
    _id: { type: String, required: true },
    reporterId: { type: String, required: true },
    subjectId: { type: String, required: true },
    reason: { type: String, required: true, enum: REPORT_REASONS },
    requestId: { type: String, default: null },
    conversationId: { type: String, default: null },
    note: { type: Buffer, default: null },
    fromNewAccount: { type: Boolean, required: true },
    state: { type: String, required: true, enum: REPORT_STATES },
    createdAt: { type: Number, required: true },
    closedAt: { type: Number, default: null },
  },
  schemaOptions('reports'),
);
// One open report per (reporter, subject): the partial unique index refuses a second.
reportSchema.index(
  { reporterId: 1, subjectId: 1 },
  { unique: true, partialFilterExpression: { state: 'open' }, name: 'reports_open_pair' },
);
reportSchema.index({ state: 1, createdAt: 1, _id: 1 }, { name: 'reports_by_state_and_age' });
reportSchema.index({ subjectId: 1, state: 1 }, { name: 'reports_by_subject' });
reportSchema.index({ closedAt: 1 }, { name: 'reports_by_closing' });

const RECORD_FIELDS = {
  _id: 1,
  reporterId: 1,
  subjectId: 1,
  reason: 1,
  requestId: 1,
  conversationId: 1,
  fromNewAccount: 1,
  state: 1,
  createdAt: 1,
  closedAt: 1,
} as const;

export const reportFilters = {
  openPair: (reporterId: string, subjectId: string): FilterQuery<ReportDoc> => ({
    reporterId,
    subjectId,
    state: 'open',
  }),
  openOfReporter: (reporterId: string): FilterQuery<ReportDoc> => ({ reporterId, state: 'open' }),
  openFromNewAbout: (subjectId: string): FilterQuery<ReportDoc> => ({
    subjectId,
    state: 'open',
    fromNewAccount: true,
  }),
  closeable: (id: string, subjectId?: string): FilterQuery<ReportDoc> => ({
    _id: id,
    state: 'open',
    ...(subjectId === undefined ? {} : { subjectId }),
  }),
  /** Open reports about `subjects`, after the (createdAt, id) cursor. */
  openPage: (query: ReportListQuery, subjects: readonly string[]): FilterQuery<ReportDoc> => ({
    state: 'open',
    subjectId: op({ $in: subjects.filter((id) => id !== query.excludeSubject) }),
    ...(query.after === undefined
      ? {}
      : {
          $or: [
            { createdAt: op({ $gt: query.after.createdAt }) },
            { createdAt: query.after.createdAt, _id: op({ $gt: query.after.id }) },
          ],
        }),
  }),
  /** Subjects of open reports (for the role filter). */
  open: (): FilterQuery<ReportDoc> => ({ state: 'open' }),
  closedAfter: (afterId: string): FilterQuery<ReportDoc> => ({
    state: op({ $ne: 'open' }),
    _id: op({ $gt: afterId }),
  }),
  purgeable: (before: number): FilterQuery<ReportDoc> => ({
    state: op({ $ne: 'open' }),
    closedAt: op({ $lte: before }),
  }),
};

function toReport(doc: Omit<ReportDoc, 'note'>): ReportRecord {
  return {
    id: doc._id,
    reporterId: doc.reporterId,
    subjectId: doc.subjectId,
    reason: parseStored(reportReasonSchema, doc.reason, 'report reason'),
    requestId: doc.requestId ?? null,
    conversationId: doc.conversationId ?? null,
    fromNewAccount: doc.fromNewAccount,
    state: parseStored(reportStateSchema, doc.state, 'report state'),
    createdAt: doc.createdAt,
    closedAt: doc.closedAt ?? null,
  };
}

/**
 * Closes report `id` as `state` if it is open (and about `subjectId`, when given), inside the
 * caller's transaction (the audit append); false when nothing matched.
 */
export async function closeReportIn(
  models: MongoModels,
  session: ClientSession,
  close: {
    readonly id: string;
    readonly state: 'dismissed' | 'actioned';
    readonly at: number;
    readonly subjectId?: string;
  },
): Promise<boolean> {
  const result = await models.reports.updateOne(
    reportFilters.closeable(close.id, close.subjectId),
    { $set: { state: close.state, closedAt: close.at } },
    { session },
  );
  return result.matchedCount === 1;
}

export function createMongoReportStore({ connection, models }: MongoContext): ReportStore {
  const { reports, accounts, locks } = models;
  return {
    createReport(report, limits) {
      return inTransaction(connection, async (session) => {
        // The counts decide the insert: the reporter's lock, and the subject's for new accounts.
        await lock(locks, session, `reports-by:${report.reporterId}`);
        if (report.fromNewAccount) await lock(locks, session, `reports-about:${report.subjectId}`);
        const earlier = await reports
          .findOne(reportFilters.openPair(report.reporterId, report.subjectId), RECORD_FIELDS)
          .session(session)
          .lean<ReportDoc>();
        if (earlier !== null) return { kind: 'duplicate' as const, report: toReport(earlier) };
        const open = await reports
          .countDocuments(reportFilters.openOfReporter(report.reporterId))
          .session(session);
        if (open >= limits.maxOpenPerReporter) return { kind: 'reporter-limit' as const };
        if (report.fromNewAccount) {
          const piled = await reports
            .countDocuments(reportFilters.openFromNewAbout(report.subjectId))
            .session(session);
          if (piled >= limits.maxOpenFromNewPerSubject) return { kind: 'subject-limit' as const };
        }
        const doc = {
          _id: report.id,
          reporterId: report.reporterId,
          subjectId: report.subjectId,
          reason: report.reason,
          requestId: report.requestId,
          conversationId: report.conversationId,
          note: toBufferOrNull(report.note),
          fromNewAccount: report.fromNewAccount,
          state: 'open',
          createdAt: report.createdAt,
          closedAt: null,
        };
        await reports.create([doc], { session });
        return { kind: 'created' as const, report: toReport(doc) };
      });
    },

    async findReport(id) {
      const doc = await reports.findOne({ _id: id }, RECORD_FIELDS).lean<ReportDoc>();
      return doc === null ? undefined : toReport(doc);
    },

    async listOpenReports(query) {
      // The subjects' roles live with the accounts: the subjects of open reports are read first
      // (distinct, bounded by the open reports), then those with a listed role.
      const subjects = await reports.distinct('subjectId', reportFilters.open());
      if (subjects.length === 0) return [];
      const withRole = await accounts
        .find(
          { _id: op({ $in: subjects }), role: op({ $in: [...query.subjectRoles] }) },
          { _id: 1 },
        )
        .lean<{ _id: string }[]>();
      const docs = await reports
        .find(
          reportFilters.openPage(
            query,
            withRole.map((doc) => doc._id),
          ),
        )
        .sort({ createdAt: 1, _id: 1 })
        .limit(query.limit)
        .lean<ReportDoc[]>();
      return docs.map((doc): OpenReport => ({ ...toReport(doc), note: toBytesOrNull(doc.note) }));
    },

    async listClosedReports(afterId, limit) {
      const docs = await reports
        .find(reportFilters.closedAfter(afterId), RECORD_FIELDS)
        .sort({ _id: 1 })
        .limit(limit)
        .lean<ReportDoc[]>();
      return docs.map(toReport);
    },

    async purgeClosedReports(before) {
      const result = await reports.deleteMany(reportFilters.purgeable(before));
      return result.deletedCount;
    },
  };
}
