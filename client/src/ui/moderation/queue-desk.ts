// The moderator's queue over the client core: the pending proposals (live: `moderation.queue_changed`
// pushes and reconnects), each request's details opened on this device once, the log head this
// client has seen, and the decisions — approve (the first of two for a critical case only records
// it), reject and re-propose, each with an optional note sealed to the moderators.
import type { EventOutput } from '@kolokol/shared';
import type { AuditReason } from '@kolokol/shared/crypto';
import {
  Observable,
  type KolokolClient,
  type OpenedText,
  type QueueEntry,
} from '@kolokol/client/core';
import { LiveList } from '../flows/live-list.js';

export type AuditHead = EventOutput<'audit.head'>;

export class QueueDesk {
  readonly entries: LiveList<QueueEntry>;
  /** Whether more pending proposals wait beyond this page. */
  readonly more = new Observable<boolean>(false);
  /** The audit log's head as this client last saw it (undefined until read). */
  readonly head = new Observable<AuditHead | undefined>(undefined);
  readonly #details = new Map<string, OpenedText>();

  constructor(private readonly client: KolokolClient) {
    this.entries = new LiveList(client, async () => {
      const page = await client.moderation.queue();
      this.more.set(page.more);
      return page.entries;
    }, ['moderation.queue_changed']);
  }

  async start(): Promise<void> {
    await Promise.all([this.entries.refresh(), this.readHead()]);
  }

  stop(): void {
    this.entries.stop();
  }

  async readHead(): Promise<void> {
    this.head.set(await this.client.moderation.auditHead());
  }

  /** The request's details opened here, once per request (opening is pure work on the device). */
  details(entry: QueueEntry): OpenedText {
    const known = this.#details.get(entry.request.id);
    if (known !== undefined) return known;
    const opened = this.client.moderation.details(entry);
    this.#details.set(entry.request.id, opened);
    return opened;
  }

  note(entry: QueueEntry, decided: QueueEntry['history'][number]): Promise<OpenedText | null> {
    return this.client.moderation.note(entry, decided);
  }

  /** Whether this moderator already gave one of the approvals a critical case needs. */
  approvedByMe(entry: QueueEntry): boolean {
    return entry.proposal.approvals.some((a) => a.moderatorId === this.client.accountId);
  }

  async approve(entry: QueueEntry): Promise<void> {
    await this.client.moderation.approve(entry);
    await this.#after();
  }

  async reject(entry: QueueEntry, reason: AuditReason, note: string): Promise<void> {
    await this.client.moderation.reject(entry, reason, note === '' ? undefined : note);
    await this.#after();
  }

  async repropose(
    entry: QueueEntry,
    volunteer: string,
    reason: AuditReason,
    note: string,
  ): Promise<void> {
    await this.client.moderation.repropose(entry, volunteer, {
      reason,
      ...(note === '' ? {} : { note }),
    });
    await this.#after();
  }

  async #after(): Promise<void> {
    await Promise.all([this.entries.refresh(), this.readHead()]);
  }
}
