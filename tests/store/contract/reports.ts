// Contract for ReportStore and the audited writes on reports: a create answers an open report of
// the same (reporter, subject) first, then applies the reporter's and the subject's caps, all in
// the write; the list pages open reports oldest first by the subject's role; a report closes only
// through an audit entry (dismissed, or actioned with a suspension of its subject — both or
// neither); closed reports are purged whole after the retention.
import { describe, expect, it } from 'vitest';
import { auditEntryHash } from '@kolokol/shared/crypto';
import type {
  AuditEffect,
  NewReport,
  ReportLimits,
  ReportListQuery,
  ReportRecord,
} from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes, unique, uniqueBytes } from './fixtures.js';

const LIMITS: ReportLimits = { maxOpenPerReporter: 10, maxOpenFromNewPerSubject: 3 };

function newReport(reporterId: string, subjectId: string, overrides: Partial<NewReport> = {}) {
  return {
    id: unique('report'),
    reporterId,
    subjectId,
    reason: 'harassment',
    requestId: null,
    conversationId: null,
    note: bytes(1_500, 9),
    fromNewAccount: false,
    createdAt: 1_000,
    ...overrides,
  } satisfies NewReport;
}

export function reportsContract(store: CurrentStore): void {
  const create = async (report: NewReport, limits = LIMITS): Promise<ReportRecord> => {
    const result = await store().reports.createReport(report, limits);
    if (result.kind !== 'created') throw new Error(`report not created (${result.kind})`);
    return result.report;
  };

  /** Appends an audit entry with `effect` after the current head: the outcome. */
  const audited = async (effect: AuditEffect) => {
    const head = await store().audit.head();
    const unhashed = {
      seq: head.length + 1,
      type: 'statement' as const,
      recordedAt: 5_000,
      payload: uniqueBytes(150),
      certificate: bytes(230, 4),
      prevHash: head.hash,
    };
    return store().audit.append({ ...unhashed, hash: auditEntryHash(unhashed) }, effect);
  };

  describe('reports', () => {
    it('creates an open report and reads it back, with its note in the open list', async () => {
      const reporter = await createAccount(store());
      const subject = await createAccount(store(), { role: 'volunteer' });
      const input = newReport(reporter.id, subject.id, {
        requestId: 'request-1',
        conversationId: 'conversation-1',
      });
      const created = await create(input);
      const { note, ...fields } = input;
      expect(created).toStrictEqual({ ...fields, state: 'open', closedAt: null });
      expect(await store().reports.findReport(input.id)).toStrictEqual(created);
      expect(await store().reports.findReport('no-such-report')).toBeUndefined();
      const listed = await store().reports.listOpenReports({
        subjectRoles: ['volunteer'],
        excludeSubject: 'nobody',
        limit: 10,
      });
      expect(listed).toStrictEqual([{ ...created, note }]);
      expectPlainBytes(listed[0]!.note!);
    });

    it('answers an open report of the same reporter and subject, whatever else is sent', async () => {
      const reporter = await createAccount(store());
      const subject = await createAccount(store());
      const first = await create(newReport(reporter.id, subject.id));
      const again = await store().reports.createReport(
        newReport(reporter.id, subject.id, { reason: 'spam', note: null }),
        { maxOpenPerReporter: 0, maxOpenFromNewPerSubject: 0 },
      );
      expect(again).toStrictEqual({ kind: 'duplicate', report: first });
      // The other direction, and another reporter, are other reports.
      await create(newReport(subject.id, reporter.id));
      await create(newReport((await createAccount(store())).id, subject.id));
    });

    it('refuses past the reporter’s open reports, and a new account’s past the subject’s cap', async () => {
      const reporter = await createAccount(store());
      const subjects = [await createAccount(store()), await createAccount(store())];
      const limits = { maxOpenPerReporter: 1, maxOpenFromNewPerSubject: 2 };
      await create(newReport(reporter.id, subjects[0]!.id), limits);
      const refused = newReport(reporter.id, subjects[1]!.id);
      expect(await store().reports.createReport(refused, limits)).toStrictEqual({
        kind: 'reporter-limit',
      });
      expect(await store().reports.findReport(refused.id)).toBeUndefined();

      // Two open reports from new accounts fill the subject's cap; an old account still reports.
      const target = await createAccount(store());
      for (let i = 0; i < 2; i += 1) {
        const fresh = await createAccount(store());
        await create(newReport(fresh.id, target.id, { fromNewAccount: true }), limits);
      }
      const third = newReport((await createAccount(store())).id, target.id, {
        fromNewAccount: true,
      });
      expect(await store().reports.createReport(third, limits)).toStrictEqual({
        kind: 'subject-limit',
      });
      expect(await store().reports.findReport(third.id)).toBeUndefined();
      const established = await createAccount(store());
      await create(newReport(established.id, target.id), limits);
    });

    it('lists open reports oldest first, a page after a cursor, by the subject’s role, without one subject', async () => {
      const reporter = await createAccount(store());
      const contact = await createAccount(store());
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const moderator = await createAccount(store(), { role: 'moderator' });
      const reports = [
        await create(newReport(reporter.id, volunteer.id, { createdAt: 3_000 })),
        await create(newReport(reporter.id, contact.id, { createdAt: 2_000 })),
        await create(newReport(reporter.id, moderator.id, { createdAt: 2_000 })),
      ];
      const ids = async (query: Partial<ReportListQuery>) =>
        (
          await store().reports.listOpenReports({
            subjectRoles: ['contact', 'volunteer', 'moderator'],
            excludeSubject: 'nobody',
            limit: 10,
            ...query,
          })
        ).map((report) => report.id);
      const [late, early, staffOne] = reports.map((report) => report.id) as [
        string,
        string,
        string,
      ];
      const sameTime = [early, staffOne].sort();
      expect(await ids({})).toEqual([...sameTime, late]);
      expect(await ids({ limit: 1 })).toEqual([sameTime[0]]);
      expect(await ids({ after: { createdAt: 2_000, id: sameTime[0]! } })).toEqual([
        sameTime[1],
        late,
      ]);
      expect(await ids({ subjectRoles: ['contact', 'volunteer'] })).toEqual([early, late]);
      expect(await ids({ excludeSubject: volunteer.id })).toEqual(sameTime);
    });

    it('closes a report only by an audited decision: dismissed, or actioned with its subject’s suspension', async () => {
      const reporter = await createAccount(store());
      const subject = await createAccount(store());
      const other = await createAccount(store());
      const a = await create(newReport(reporter.id, subject.id));
      const b = await create(newReport(other.id, subject.id));

      expect(await audited({ kind: 'dismiss-report', reportId: a.id, at: 6_000 })).toStrictEqual({
        kind: 'appended',
        revokedSessionIds: [],
      });
      expect(await store().reports.findReport(a.id)).toMatchObject({
        state: 'dismissed',
        closedAt: 6_000,
      });
      // Closed already, or unknown: nothing written, the log included.
      const head = await store().audit.head();
      for (const reportId of [a.id, 'no-such-report']) {
        expect(await audited({ kind: 'dismiss-report', reportId, at: 7_000 })).toStrictEqual({
          kind: 'not-applied',
          reason: 'report-not-open',
        });
      }
      // A suspension of another account cannot action a report about this one: neither happens.
      expect(
        await audited({ kind: 'suspend', accountId: other.id, at: 7_000, reportId: b.id }),
      ).toStrictEqual({ kind: 'not-applied', reason: 'report-not-open' });
      expect((await store().accounts.findById(other.id))?.suspendedAt).toBeNull();
      expect(await store().audit.head()).toStrictEqual(head);

      expect(
        await audited({ kind: 'suspend', accountId: subject.id, at: 8_000, reportId: b.id }),
      ).toMatchObject({ kind: 'appended' });
      expect(await store().reports.findReport(b.id)).toMatchObject({
        state: 'actioned',
        closedAt: 8_000,
      });
      expect((await store().accounts.findById(subject.id))?.suspendedAt).toBe(8_000);
      // A closed report frees the pair: the same reporter may report the subject again.
      await create(newReport(reporter.id, subject.id));
    });

    it('lists closed reports by id, a page after an id, for audit-verify', async () => {
      const reporter = await createAccount(store());
      const subjects = [await createAccount(store()), await createAccount(store())];
      const closed = await create(newReport(reporter.id, subjects[0]!.id, { id: 'report-b' }));
      await create(newReport(reporter.id, subjects[1]!.id, { id: 'report-a' }));
      await audited({ kind: 'dismiss-report', reportId: closed.id, at: 6_000 });
      const dismissed = await store().reports.findReport(closed.id);
      expect(await store().reports.listClosedReports('', 10)).toStrictEqual([dismissed]);
      expect(await store().reports.listClosedReports('report-b', 10)).toStrictEqual([]);
      expect(await store().reports.listClosedReports('', 0)).toStrictEqual([]);
    });

    it('purges closed reports whole at the retention, never open ones', async () => {
      const reporter = await createAccount(store());
      const subjects = [await createAccount(store()), await createAccount(store())];
      const closed = await create(newReport(reporter.id, subjects[0]!.id));
      const open = await create(newReport(reporter.id, subjects[1]!.id, { createdAt: 0 }));
      await audited({ kind: 'dismiss-report', reportId: closed.id, at: 6_000 });
      expect(await store().reports.purgeClosedReports(5_999)).toBe(0);
      expect(await store().reports.purgeClosedReports(6_000)).toBe(1);
      expect(await store().reports.findReport(closed.id)).toBeUndefined();
      expect(await store().reports.purgeClosedReports(Number.MAX_SAFE_INTEGER)).toBe(0);
      expect(await store().reports.findReport(open.id)).toBeDefined();
    });
  });
}
