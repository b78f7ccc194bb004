// Abuse reports: the fields in the clear (whom, why, perhaps the request or the conversation it
// concerns), and a note in plain text sealed on this device to the verified moderators under
// those fields (reportNoteContext), so a server that edits a field or moves the note is caught
// when a moderator opens it. Quotes of a conversation go in the note; they cannot be verified.
import { toBase64Url, type EventOutput, type ReportsCreateInput } from '@kolokol/shared';
import { reportNoteContext, sealEnvelope, utf8, type Identity } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { Moderators } from './moderators.js';

/** A report as the person fills it in: the note (if any) in plain text. */
export type NewReport = Omit<ReportsCreateInput, 'note'> & { readonly note?: string };

export class Reports {
  constructor(
    private readonly connection: Connection,
    private readonly moderators: Moderators,
    private readonly identity: Identity,
    private readonly accountId: string,
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
}
