// Abuse reports. Anyone reports: the fields in the clear (whom, why, perhaps the request or the
// conversation it concerns), and a note in plain text sealed on this device to the verified
// moderators under those fields (reportNoteContext), so a server that edits a field or moves the
// note is caught when a moderator opens it. Quotes of a conversation go in the note; they cannot
// be verified. Staff list the reports they may decide, with the notes opened here, and dismiss
// one by a statement signed here (actioning one is a suspension: suspensions.ts).
import {
  toBase64Url,
  type EventInput,
  type EventOutput,
  type ReportsCreateInput,
} from '@kolokol/shared';
import {
  reportNoteContext,
  sealEnvelope,
  utf8,
  type AuditReason,
  type EnvelopePrekeyStore,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { DecisionSigner } from './decisions.js';
import type { Moderators } from './moderators.js';
import { openText, type OpenedText } from './sealed-notes.js';

/** A report as the person fills it in: the note (if any) in plain text. */
export type NewReport = Omit<ReportsCreateInput, 'note'> & { readonly note?: string };

type ReportWire = EventOutput<'reports.list'>['reports'][number];

/** An open report as staff see it: the note opened on this device (null when it has none). */
export interface ReportView {
  readonly report: ReportWire;
  readonly note: OpenedText | null;
}

export class Reports {
  constructor(
    private readonly connection: Connection,
    private readonly moderators: Moderators,
    private readonly identity: Identity,
    private readonly accountId: string,
    private readonly signer: DecisionSigner,
    private readonly envelopePrekeys: EnvelopePrekeyStore | undefined,
  ) {}

  /**
   * Reports an account (`reports.create`), the note sealed to the verified moderators (needs
   * `options.trust`); the answer says only that it was received, and its id.
   */
  async create(input: NewReport): Promise<EventOutput<'reports.create'>> {
    const { note, ...fields } = input;
    if (note === undefined) return this.connection.call('reports.create', fields);
    const sealed = sealEnvelope(utf8(note), this.identity, await this.moderators.recipients(), {
      context: reportNoteContext({ reporter: this.accountId, ...fields }),
      now: Date.now(),
    });
    return this.connection.call('reports.create', { ...fields, note: toBase64Url(sealed) });
  }

  /**
   * Staff: one page of the open reports the caller may decide (`reports.list`, oldest first),
   * each note opened under the context rebuilt from the row; pass `next` as `after` for more.
   */
  async list(
    after?: EventInput<'reports.list'>['after'],
  ): Promise<{ reports: ReportView[]; next: EventOutput<'reports.list'>['next'] }> {
    const page = await this.connection.call('reports.list', after === undefined ? {} : { after });
    return { reports: page.reports.map((report) => this.#view(report)), next: page.next };
  }

  /** Staff: closes a report without action (`reports.dismiss`) by a signed statement. */
  dismiss(report: ReportWire, reason?: AuditReason): Promise<EventOutput<'reports.dismiss'>> {
    return this.signer.decide(
      {
        kind: 'dismiss_report',
        report: report.id,
        subject: report.subjectId,
        ...(reason === undefined ? {} : { reason }),
      },
      (statement) => this.connection.call('reports.dismiss', { statement }),
    );
  }

  #view(report: ReportWire): ReportView {
    if (report.note === null) return { report, note: null };
    const context = reportNoteContext({
      reporter: report.reporterId,
      subject: report.subjectId,
      reason: report.reason,
      ...(report.requestId === null ? {} : { request: report.requestId }),
      ...(report.conversationId === null ? {} : { conversation: report.conversationId }),
    });
    return { report, note: openText(this.envelopePrekeys, report.note, context) };
  }
}
