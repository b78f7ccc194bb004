// Suspending and reinstating accounts: by a moderator's or admin's signed statement
// (`moderation.suspend`, `moderation.reinstate`), or by the operator on the server host (admin
// CLI, an unsigned operator entry). Either way the log records it in the same write as the
// change; a suspension revokes every live session, and their sockets are ended at once, and closes
// the account's conversations with contacts or volunteers (the channel policy no longer allows
// them; conversations with staff stay).
import { encodeOperatorAction, type OperatorActionKind } from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type { AccountRecord, AuditEffect, AuditEntryRecord, Store } from '../../store/ports.js';
import type { ConversationService } from '../conversations/conversations.js';
import type { ReportService } from '../reports.js';
import type { SessionService } from '../sessions.js';
import type { AuditLog } from './audit-log.js';
import type { Caller, Decisions } from './decisions.js';

export interface Suspended {
  readonly sessionsEnded: number;
  readonly entry: AuditEntryRecord;
}

export class ModerationService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly log: AuditLog;
      readonly decisions: Decisions;
      readonly sessions: SessionService;
      readonly reports: ReportService;
      readonly conversations: ConversationService;
    },
  ) {}

  /**
   * `moderation.suspend`: a signed suspend statement about an account the caller may suspend.
   * A statement naming a report acts on it: the report must be open and about that account
   * (NOT_FOUND, CONFLICT, BAD_REQUEST otherwise, nothing changed) and becomes 'actioned' in the
   * same write as the suspension — or alone, when the account is suspended already.
   */
  async suspend(caller: Caller, bytes: Uint8Array): Promise<Suspended> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'suspend');
    const subject = await this.#subject(caller, decision.statement.subject);
    const reportId = decision.statement.report;
    if (reportId !== undefined) await this.deps.reports.openReport(caller, reportId, subject.id);
    const { entry, revokedSessionIds } = await this.deps.decisions.record(
      decision,
      async (_seq, at) => {
        if (reportId === undefined) return this.#plan('suspend', subject.id, at);
        await this.deps.reports.openReport(caller, reportId, subject.id);
        return { kind: 'suspend', accountId: subject.id, at, reportId };
      },
    );
    this.deps.sessions.announceRevoked(revokedSessionIds, 'suspended');
    // A second write: housekeeping's sweep closes them should a crash come in between.
    await this.deps.conversations.closeUnmatched([subject.id]);
    if (reportId !== undefined)
      this.deps.reports.tellClosed(reportId, 'actioned', entry.recordedAt);
    return { sessionsEnded: revokedSessionIds.length, entry };
  }

  /** `moderation.reinstate`: a signed reinstate statement lifts a suspension. */
  async reinstate(caller: Caller, bytes: Uint8Array): Promise<{ entry: AuditEntryRecord }> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'reinstate');
    const subject = await this.#subject(caller, decision.statement.subject);
    const { entry } = await this.deps.decisions.record(decision, (_seq, at) =>
      this.#plan('reinstate', subject.id, at),
    );
    return { entry };
  }

  /**
   * The operator's `admin suspend <handle>` / `unsuspend`: any account, logged as an operator
   * action (nobody's identity key is on the server host to sign it). Returns the sessions ended.
   */
  async byOperator(action: OperatorActionKind, handle: string): Promise<number> {
    const account = await this.deps.store.accounts.findByHandle(handle);
    if (!account) throw new AppError('NOT_FOUND', 'no such account');
    const outcome = await this.deps.log.append(
      {
        type: 'operator',
        payload: encodeOperatorAction({ action, accountId: account.id }),
        certificate: null,
      },
      (_seq, at) => this.#plan(action, account.id, at),
    );
    if (outcome.kind !== 'appended') throw new AppError('NOT_FOUND', 'no such account');
    this.deps.sessions.announceRevoked(outcome.revokedSessionIds, 'suspended');
    if (action === 'suspend') await this.deps.conversations.closeUnmatched([account.id]);
    return outcome.revokedSessionIds.length;
  }

  /** The effect, planned from the account as it is now: CONFLICT when it would change nothing. */
  async #plan(action: OperatorActionKind, accountId: string, at: number): Promise<AuditEffect> {
    const account = await this.deps.store.accounts.findById(accountId);
    if (!account) throw new AppError('NOT_FOUND', 'no such account');
    if (action === 'suspend') {
      if (account.suspendedAt !== null) throw new AppError('CONFLICT', 'already suspended');
      return { kind: 'suspend', accountId, at };
    }
    if (account.suspendedAt === null) throw new AppError('CONFLICT', 'not suspended');
    return { kind: 'reinstate', accountId };
  }

  /**
   * The account a statement names, if the caller may decide about it: moderators about contacts
   * and volunteers, admins about moderators too; nobody about an admin (the operator can, from
   * the host) or about themselves. NOT_FOUND for no such account, FORBIDDEN otherwise.
   */
  async #subject(caller: Caller, subjectId: string | undefined): Promise<AccountRecord> {
    if (subjectId === undefined) throw new Error('suspend: rule not enforced');
    const subject = await this.deps.store.accounts.findById(subjectId);
    if (!subject) throw new AppError('NOT_FOUND', 'no such account');
    const allowed =
      subject.id !== caller.accountId &&
      (subject.role === 'contact' ||
        subject.role === 'volunteer' ||
        (subject.role === 'moderator' && caller.role === 'admin'));
    if (!allowed) {
      throw new AppError('FORBIDDEN', 'you may not suspend or reinstate this account');
    }
    return subject;
  }
}
