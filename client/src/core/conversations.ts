// Conversations as an app sees them: open and list, send through a persistent outbox
// (outbox.ts), receive in order exactly once (inbox.ts). Pushes only wake work up; on every
// (re)connect the core catches up from the server's list. All of it runs in the client's one
// serial queue, so sending, fetching and acknowledging never interleave.
import {
  conversationMessageSchema,
  conversationsChangedSchema,
  conversationsDeliveredSchema,
  type EventOutput,
} from '@kolokol/shared';
import { utf8 } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError } from './errors.js';
import { Inbox } from './inbox.js';
import { CLIENT_LIMITS } from './limits.js';
import { Emitter } from './observable.js';
import { Outbox } from './outbox.js';
import type { ConversationRecords } from './records.js';
import type { Serial } from './serial.js';
import type { LocalConversation, LocalMessage } from './state.js';
import { newRecordId } from './vault.js';

type WireConversation = EventOutput<'conversations.open'>['conversation'];

export class Conversations {
  /** A conversation was opened, closed, or changed its timer (locally known state). */
  readonly changed = new Emitter<LocalConversation>();
  /** A message was added or changed state (sent, failed, received): render it. */
  readonly messages = new Emitter<LocalMessage>();
  readonly #inbox: Inbox;
  readonly #outbox: Outbox;

  constructor(
    private readonly connection: Connection,
    private readonly records: ConversationRecords,
    /** The client's one queue of state changes: sends, fetches, acks and prekey supply. */
    private readonly serial: Serial,
  ) {
    this.#inbox = new Inbox(connection, records, this.messages);
    this.#outbox = new Outbox(connection, records, this.messages, () => this.#flushSoon());
    connection.onPush('conversations.message', (raw) => {
      const parsed = conversationMessageSchema.safeParse(raw);
      if (parsed.success) void this.#background(() => this.#sync(parsed.data.conversation));
    });
    connection.onPush('conversations.changed', (raw) => {
      const parsed = conversationsChangedSchema.safeParse(raw);
      if (parsed.success) {
        void this.#background(() => this.#remember([parsed.data.conversation]));
      }
    });
    connection.onPush('conversations.delivered', (raw) => {
      const parsed = conversationsDeliveredSchema.safeParse(raw);
      if (parsed.success) {
        const { conversation, seq } = parsed.data;
        void this.#background(() => this.#delivered(conversation, seq));
      }
    });
  }

  /** The conversations this device knows, newest first. */
  list(): LocalConversation[] {
    return Object.values(this.records.state.conversations).sort(
      (a, b) => b.createdAt - a.createdAt,
    );
  }

  get(id: string): LocalConversation | undefined {
    return this.records.state.conversations[id];
  }

  /**
   * A conversation's messages on this device in the conversation's order (by `seq`, which the
   * server assigns to both sides' messages alike), then those not yet sent in the order written.
   */
  async history(id: string): Promise<readonly LocalMessage[]> {
    const order = (message: LocalMessage) => message.seq ?? Number.POSITIVE_INFINITY;
    return [...(await this.records.history(id))].sort((a, b) => order(a) - order(b));
  }

  /** Messages waiting in the outbox (queued, not yet acknowledged by the server). */
  get pending(): number {
    return this.#outbox.pending;
  }

  /** Opens (or returns the open) conversation with `peer` (`conversations.open`). */
  async open(peer: string, ttlSeconds?: number): Promise<LocalConversation> {
    const { conversation } = await this.connection.call('conversations.open', {
      peer,
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    });
    await this.serial.run(() => this.#remember([conversation]));
    return this.records.state.conversations[conversation.id]!;
  }

  /**
   * Queues `text` for the conversation and returns it as `queued` at once; it is sent now if
   * online, else on the next connection. Refuses (BAD_REQUEST) a text longer than
   * CLIENT_LIMITS.messageTextBytes, an unknown conversation (NOT_FOUND), a full outbox
   * (RATE_LIMITED) — nothing is queued then.
   */
  async send(conversation: string, text: string): Promise<LocalMessage> {
    if (utf8(text).length > CLIENT_LIMITS.messageTextBytes) {
      throw new KolokolError('BAD_REQUEST', 'the message is too long');
    }
    const message = await this.serial.run(async () => {
      if (this.get(conversation) === undefined) {
        // Perhaps opened by the peer a moment ago, its push not yet handled: ask the server.
        await this.#remember((await this.connection.call('conversations.list', {})).conversations);
      }
      if (this.get(conversation) === undefined) {
        throw new KolokolError('NOT_FOUND', 'no such conversation on this device');
      }
      return this.#outbox.enqueue(conversation, text);
    });
    this.messages.emit(message);
    this.#flushSoon();
    return message;
  }

  /** Closes the conversation for both sides (`conversations.close`): no more messages. */
  close(id: string): Promise<LocalConversation> {
    return this.#change(this.connection.call('conversations.close', { conversation: id }));
  }

  /**
   * Blocks the other side of a match (`conversations.block`): never matched again, the match
   * withdrawn, the conversation closed. FORBIDDEN for a conversation with staff.
   */
  block(id: string): Promise<LocalConversation> {
    return this.#change(this.connection.call('conversations.block', { conversation: id }));
  }

  /** Sets the disappearing-message timer for both sides (`conversations.set_timer`). */
  setTimer(id: string, ttlSeconds: number): Promise<LocalConversation> {
    return this.#change(
      this.connection.call('conversations.set_timer', { conversation: id, ttlSeconds }),
    );
  }

  /**
   * The disappearing-message sweep: removes from this device's history every message older than
   * its conversation's timer at `now` (ms), all histories in one storage write, and returns how
   * many it removed. Messages still in the outbox stay until they are sent. The app calls it on
   * start and then every few minutes; nothing calls it behind the app's back.
   */
  expire(now: number = Date.now()): Promise<number> {
    return this.serial.run(async () => {
      const batch = this.records.vault.batch();
      let removed = 0;
      for (const conversation of Object.values(this.records.state.conversations)) {
        const history = await this.records.history(conversation.id);
        const oldest = now - conversation.ttlSeconds * 1000;
        const kept = history.filter(
          (message) => message.state === 'queued' || message.at >= oldest,
        );
        if (kept.length === history.length) continue;
        removed += history.length - kept.length;
        history.splice(0, history.length, ...kept);
        this.records.putHistory(batch, conversation.id);
      }
      if (removed > 0) await this.records.commit(batch);
      return removed;
    });
  }

  /**
   * After (re)connecting: learns every conversation, its high water and its delivered mark
   * (`conversations.list`), fetches what this device missed, acknowledges again what it stored
   * but whose ack was lost, then sends the outbox. The core calls it on each connect.
   */
  catchUp(): Promise<void> {
    return this.serial.run(async () => {
      const { conversations } = await this.connection.call('conversations.list', {});
      await this.#remember(conversations);
      for (const listed of conversations) {
        const known = this.get(listed.id);
        if (known === undefined) continue;
        await this.#delivered(listed.id, listed.delivered);
        const before = known.received;
        if (listed.lastSeq > known.received) await this.#inbox.sync(listed.id);
        if (known.received === before && listed.ackedSeq < known.received) {
          await this.#inbox.acknowledge(listed.id, known.received);
        }
      }
      await this.#outbox.flush();
    });
  }

  /** Stops retrying (logout, close). */
  stop(): void {
    this.#outbox.stop();
  }

  /** Remembers the conversation a close, block or timer change answered with, and returns it. */
  async #change(answer: Promise<{ conversation: WireConversation }>): Promise<LocalConversation> {
    const { conversation } = await answer;
    await this.serial.run(() => this.#remember([conversation]));
    return this.records.state.conversations[conversation.id]!;
  }

  #flushSoon(): void {
    void this.#background(() => this.#outbox.flush());
  }

  /** Work started by a push, a send or a timer: a failure is retried on the next connect. */
  async #background(work: () => Promise<void>): Promise<void> {
    try {
      await this.serial.run(work);
    } catch {
      // The connection dropped or the server was busy: catchUp on the next connect retries.
    }
  }

  async #sync(conversation: string): Promise<void> {
    if (this.get(conversation) === undefined) {
      // Opened by the peer while we were not listening: learn it first.
      await this.#remember((await this.connection.call('conversations.list', {})).conversations);
    }
    if (this.get(conversation) !== undefined) await this.#inbox.sync(conversation);
  }

  /**
   * Raises the conversation's delivered mark to `seq` (never lowers it: a removed device of the
   * peer takes its high water with it) and marks this device's sent messages up to it
   * `delivered`, in one storage write, then tells the app.
   */
  async #delivered(id: string, seq: number): Promise<void> {
    const conversation = this.get(id);
    if (conversation === undefined || seq <= conversation.delivered) return;
    conversation.delivered = seq;
    const history = await this.records.history(id);
    const changed: LocalMessage[] = [];
    history.forEach((message, index) => {
      if (isDelivered(message, seq)) {
        history[index] = { ...message, state: 'delivered' };
        changed.push(history[index]);
      }
    });
    await this.records.commitHistory(id);
    for (const message of changed) this.messages.emit(message);
  }

  async #remember(conversations: readonly WireConversation[]): Promise<void> {
    const { state } = this.records;
    const changed: LocalConversation[] = [];
    for (const wire of conversations) {
      const known = state.conversations[wire.id];
      if (
        known !== undefined &&
        known.ttlSeconds === wire.ttlSeconds &&
        known.closedAt === wire.closedAt
      ) {
        continue;
      }
      const next: LocalConversation = {
        id: wire.id,
        peer: wire.peer,
        record: known?.record ?? newRecordId(),
        ttlSeconds: wire.ttlSeconds,
        createdAt: wire.createdAt,
        closedAt: wire.closedAt,
        received: known?.received ?? 0,
        delivered: known?.delivered ?? 0,
        sent: known?.sent ?? 0,
      };
      state.conversations[wire.id] = next;
      changed.push(next);
    }
    if (changed.length === 0) return;
    await this.records.commit();
    for (const conversation of changed) this.changed.emit(conversation);
  }
}

/** An own message the server stored (`sent`) whose seq the peer's delivered mark covers. */
function isDelivered(message: LocalMessage, mark: number): boolean {
  return (
    message.from === 'me' && message.state === 'sent' && message.seq !== null && message.seq <= mark
  );
}
