// Abuse reports: any signed-in account reports another (`reports.create`) and learns only that it
// was received; moderators and admins list the open ones (`reports.list`) and close each by a
// signed decision — dismissed here (`reports.dismiss`), or actioned by a suspension that names it
// (ModerationService.suspend). Staff sockets hear of every report made or closed
// (`reports.changed`); closed reports are deleted after the retention.
import {
  MAX_LISTED_REPORTS,
  MAX_REPORT_NOTE_BYTES,
  ROLES,
  toBase64Url,
  type EventPayload,
  type ReportWire,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { AccountRecord, NewReport, OpenReport, ReportRecord, Store } from '../store/ports.js';
import type { Caller, Decisions } from './audit/decisions.js';
import type { Clock } from './clock.js';
import { isParticipant } from './conversations/conversations.js';
import { HOUR_MS, memoryBudgets, type Budget, type Budgets } from './budget.js';
import type { Notifier } from './notifier.js';
import {
  MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT,
  MAX_OPEN_REPORTS_PER_REPORTER,
  REPORTS_PER_REPORTER_PER_HOUR,
} from './report-limits.js';
import { checkSealedEnvelope } from './sealed-shape.js';
import { hmacSha256, loadServerKey, newId } from './secrets.js';

/** A reporter: the caller, with the age of its account (on its socket, no store read). */
export interface Reporter extends Caller {
  readonly accountCreatedAt: number;
}

/** The server key that makes the id answered for a report past the subject cap (never stored). */
const ABSORBED_ID_KEY = 'report-absorbed-id-key';
const ID_BYTES = 16;

function toReportWire(report: OpenReport): ReportWire {
  return {
    id: report.id,
    reporterId: report.reporterId,
    subjectId: report.subjectId,
    reason: report.reason,
    requestId: report.requestId,
    conversationId: report.conversationId,
    note: report.note === null ? null : toBase64Url(report.note),
    fromNewAccount: report.fromNewAccount,
    state: report.state,
    createdAt: report.createdAt,
  };
}

/**
 * Whether `caller` may decide about a report on `subject` (dismiss it, or suspend over it), and
 * see it listed: never about themselves; moderators about contacts and volunteers; admins about
 * anyone else (a report about a moderator or admin is not shown to other moderators).
 */
function mayHandleReportAbout(caller: Caller, subject: Pick<AccountRecord, 'id' | 'role'>) {
  return (
    subject.id !== caller.accountId &&
    (subject.role === 'contact' || subject.role === 'volunteer' || caller.role === 'admin')
  );
}

const SUBJECT_ROLES_SEEN: Readonly<Record<Role, readonly Role[]>> = {
  contact: [],
  volunteer: [],
  moderator: ['contact', 'volunteer'],
  admin: ROLES,
};

export class ReportService {
  readonly #creates: Budget;
  readonly #absorbedIdKey: Promise<Uint8Array>;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      readonly decisions: Decisions;
      /** Non-staff accounts younger than this are new (KOLOKOL_NEW_ACCOUNT_HOURS). */
      readonly newAccountMs: number;
      /** How long a closed report is kept (KOLOKOL_CLOSED_REPORT_RETENTION_DAYS). */
      readonly closedRetentionMs: number;
      /** Shared budgets (several processes); unset: in this process's memory. */
      readonly budgets?: Budgets | undefined;
    },
  ) {
    this.#creates = (deps.budgets ?? memoryBudgets(deps.clock))({
      name: 'report-creates',
      perWindow: REPORTS_PER_REPORTER_PER_HOUR,
      windowMs: HOUR_MS,
    });
    this.#absorbedIdKey = loadServerKey(deps.store.meta, ABSORBED_ID_KEY);
  }

  /**
   * Stores an open report and tells staff sockets. The answer is `received` and an id, whatever
   * happens to the report: a repeat while the reporter's report about the subject is open answers
   * that one's id (free, even past the limits); a new account's report about a subject with
   * MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT open ones from new accounts is not stored and answers
   * an id derived from (reporter, subject), the same on a retry. Refused, storing nothing: oneself
   * (BAD_REQUEST), a note that is not a sealed envelope (BAD_REQUEST), no such account or a request
   * that is neither the reporter's nor the subject's (NOT_FOUND), a conversation that is not the
   * reporter's (NOT_FOUND) or not with the subject (BAD_REQUEST), past MAX_OPEN_REPORTS_PER_REPORTER
   * (FORBIDDEN) or the hourly budget (RATE_LIMITED).
   */
  async create(
    caller: Reporter,
    input: EventPayload<'reports.create'>,
  ): Promise<{ received: true; id: string }> {
    if (input.subject === caller.accountId) {
      throw new AppError('BAD_REQUEST', 'subject: you cannot report yourself');
    }
    const note = input.note ?? null;
    if (note !== null) checkSealedEnvelope(note, MAX_REPORT_NOTE_BYTES, 'note');
    const subject = await this.deps.store.accounts.findById(input.subject);
    if (subject === undefined) throw new AppError('NOT_FOUND', 'no such account');
    const requestId = input.request ?? null;
    if (requestId !== null) {
      const request = await this.deps.store.requests.findRequest(requestId);
      if (request === undefined || ![caller.accountId, subject.id].includes(request.ownerId)) {
        throw new AppError('NOT_FOUND', 'request: not one of yours or of the account reported');
      }
    }
    const conversationId = input.conversation ?? null;
    if (conversationId !== null) await this.#checkConversation(caller, subject.id, conversationId);
    const now = this.deps.clock.now();
    const report: NewReport = {
      id: newId(),
      reporterId: caller.accountId,
      subjectId: subject.id,
      reason: input.reason,
      requestId,
      conversationId,
      note,
      fromNewAccount:
        (caller.role === 'contact' || caller.role === 'volunteer') &&
        now - caller.accountCreatedAt < this.deps.newAccountMs,
      createdAt: now,
    };
    // Out of budget, the store is still asked, allowing no new row: a repeat is answered as the
    // duplicate it is, anything else is refused.
    const budgeted = await this.#creates.tryTake(caller.accountId);
    const result = await this.deps.store.reports
      .createReport(report, {
        maxOpenPerReporter: budgeted ? MAX_OPEN_REPORTS_PER_REPORTER : 0,
        maxOpenFromNewPerSubject: MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT,
      })
      .catch(async (error: unknown) => {
        if (budgeted) await this.#creates.giveBack(caller.accountId);
        throw error;
      });
    // A repeat or a refusal costs nothing; an absorbed report costs what a stored one does.
    if (budgeted && (result.kind === 'duplicate' || result.kind === 'reporter-limit')) {
      await this.#creates.giveBack(caller.accountId);
    }
    switch (result.kind) {
      case 'created':
        this.#tell(result.report);
        return { received: true, id: result.report.id };
      case 'duplicate':
        return { received: true, id: result.report.id };
      case 'subject-limit':
        return { received: true, id: await this.#absorbedId(report) };
      case 'reporter-limit':
        if (!budgeted) {
          throw new AppError('RATE_LIMITED', 'too many reports this hour; try again later');
        }
        throw new AppError(
          'FORBIDDEN',
          `at most ${MAX_OPEN_REPORTS_PER_REPORTER} of your reports may be open at once`,
        );
    }
  }

  /**
   * A report's conversation must be the reporter's (NOT_FOUND otherwise, as for no such id: a
   * report cannot probe conversation ids) with the subject (BAD_REQUEST). A closed one counts: a
   * reporter blocks first and reports after.
   */
  async #checkConversation(caller: Caller, subjectId: string, id: string): Promise<void> {
    const conversation = await this.deps.store.conversations.findConversation(id);
    if (conversation === undefined || !isParticipant(conversation, caller.accountId)) {
      throw new AppError('NOT_FOUND', 'conversation: not one of yours');
    }
    if (!isParticipant(conversation, subjectId)) {
      throw new AppError('BAD_REQUEST', 'conversation: the account reported is not in it');
    }
  }

  /** Open reports the caller may handle, oldest first, a page of at most MAX_LISTED_REPORTS. */
  async list(
    caller: Caller,
    after: EventPayload<'reports.list'>['after'],
  ): Promise<{ reports: ReportWire[]; next: { createdAt: number; id: string } | null }> {
    const reports = await this.deps.store.reports.listOpenReports({
      subjectRoles: SUBJECT_ROLES_SEEN[caller.role],
      excludeSubject: caller.accountId,
      ...(after === undefined ? {} : { after }),
      limit: MAX_LISTED_REPORTS,
    });
    const last = reports.at(-1);
    return {
      reports: reports.map(toReportWire),
      next:
        reports.length === MAX_LISTED_REPORTS && last !== undefined
          ? { createdAt: last.createdAt, id: last.id }
          : null,
    };
  }

  /**
   * `reports.dismiss`: a signed dismiss_report statement closes an open report without action,
   * logged with it in one durable write. NOT_FOUND for no such report, FORBIDDEN for one about
   * the caller (or, for a moderator, about staff), CONFLICT once it is closed, BAD_REQUEST when
   * the statement names another subject than the report's.
   */
  async dismiss(caller: Caller, bytes: Uint8Array) {
    const decision = await this.deps.decisions.verify(caller, bytes, 'dismiss_report');
    const { report: reportId, subject } = decision.statement;
    if (reportId === undefined) throw new Error('dismiss_report: rule not enforced');
    await this.openReport(caller, reportId, subject);
    const { entry } = await this.deps.decisions.record(decision, async (_seq, at) => {
      await this.openReport(caller, reportId, subject);
      return { kind: 'dismiss-report', reportId, at };
    });
    const closedAt = entry.recordedAt;
    this.tellClosed(reportId, 'dismissed', closedAt);
    return { report: { id: reportId, state: 'dismissed' as const, closedAt }, entry };
  }

  /**
   * The open report a decision of `caller` names, checked as above; `subject`, when the statement
   * names one, must be the report's.
   */
  async openReport(
    caller: Caller,
    reportId: string,
    subject: string | undefined,
  ): Promise<ReportRecord> {
    const report = await this.deps.store.reports.findReport(reportId);
    const reported =
      report === undefined ? undefined : await this.deps.store.accounts.findById(report.subjectId);
    if (report === undefined || reported === undefined) {
      throw new AppError('NOT_FOUND', 'no such report');
    }
    if (!mayHandleReportAbout(caller, reported)) {
      throw new AppError('FORBIDDEN', 'you may not decide about this report');
    }
    if (subject !== undefined && subject !== report.subjectId) {
      throw new AppError('BAD_REQUEST', 'statement: the report is about another account');
    }
    if (report.state !== 'open') throw new AppError('CONFLICT', `report: already ${report.state}`);
    return report;
  }

  /** Housekeeping: deletes closed reports (notes included) kept past the retention. */
  housekeep(): Promise<number> {
    return this.deps.store.reports.purgeClosedReports(
      this.deps.clock.now() - this.deps.closedRetentionMs,
    );
  }

  /** Tells staff sockets a report was closed (by a dismissal or a suspension). */
  tellClosed(id: string, state: 'dismissed' | 'actioned', at: number): void {
    this.deps.notifier.reportChanged({ id, state, at });
  }

  #tell(report: ReportRecord): void {
    this.deps.notifier.reportChanged({
      id: report.id,
      state: report.state,
      at: report.closedAt ?? report.createdAt,
    });
  }

  /** The id answered for an absorbed report: the same for every repeat of the pair, stored nowhere. */
  async #absorbedId(report: NewReport): Promise<string> {
    const mac = hmacSha256(
      await this.#absorbedIdKey,
      JSON.stringify([report.reporterId, report.subjectId]),
    );
    return toBase64Url(mac.subarray(0, ID_BYTES));
  }
}
