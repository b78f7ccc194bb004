// Conversations as an app sees them: open and list, send through a persistent outbox, receive
// in order exactly once. Sending: the message is written to the history and the outbox
// (`queued`) before anything else; once online it is encrypted once per peer device and the
// envelopes are sealed into the outbox with the advanced ratchet state, so every retry — after
// a timeout, a dropped connection, a restart of the server or of this client — sends the same
// bytes under the same clientId, and the server stores it once (`sent`, with its seq).
// Receiving: pushes only wake the conversation up; the device fetches everything after its high
// water, in order, decrypts, stores history + ratchet state + high water in one vault write,
// tells the app, and only then acknowledges. A message is shown at most once (its seq is at or
// below the high water afterwards) and at least once (nothing is acked before it is stored).
import {
  conversationMessageSchema,
  conversationsChangedSchema,
  toBase64Url,
  type EventOutput,
} from '@kolokol/shared';
import {
  CryptoError,
  MAX_SESSION_PLAINTEXT_BYTES,
  fromUtf8,
  randomBytes,
  utf8,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError, isKolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';
import { Emitter } from './observable.js';
import type { Serial } from './serial.js';
import type { Peers } from './peers.js';
import {
  historySchema,
  messagePlaintextSchema,
  type ClientState,
  type LocalConversation,
  type LocalMessage,
  type OutboxEntry,
} from './state.js';
import { RECORDS, newRecordId, type Vault, type VaultBatch } from './vault.js';

type WireConversation = EventOutput<'conversations.open'>['conversation'];

/** Codes after which the outbox stops and tries again later, keeping the message queued. */
const TRANSIENT = ['UNAVAILABLE', 'RATE_LIMITED', 'UNAUTHENTICATED', 'INTERNAL'] as const;

/** Tries of one message in one flush after DEVICE_LIST_CHANGED (each refetches the peer's list). */
const DEVICE_LIST_RETRIES = 3;

export class Conversations {
  /** A conversation was opened, closed, or changed its timer (locally known state). */
  readonly changed = new Emitter<LocalConversation>();
  /** A message was added or changed state (sent, failed, received): render it. */
  readonly messages = new Emitter<LocalMessage>();
  readonly #histories = new Map<string, LocalMessage[]>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly vault: Vault,
    private readonly state: ClientState,
    private readonly peers: Peers,
    /** The client's one queue of state changes: sends, fetches, acks and prekey supply never interleave. */
    private readonly serial: Serial,
  ) {
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
  }

  /** The conversations this device knows, newest first. */
  list(): LocalConversation[] {
    return Object.values(this.state.conversations).sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): LocalConversation | undefined {
    return this.state.conversations[id];
  }

  /**
   * A conversation's messages on this device in the conversation's order (by `seq`, which the
   * server assigns to both sides' messages alike), then those not yet sent in the order written.
   */
  async history(id: string): Promise<readonly LocalMessage[]> {
    const order = (message: LocalMessage) => message.seq ?? Number.POSITIVE_INFINITY;
    return [...(await this.#history(id))].sort((a, b) => order(a) - order(b));
  }

  /** Messages waiting in the outbox (queued, not yet acknowledged by the server). */
  get pending(): number {
    return this.state.outbox.length;
  }

  /** Opens (or returns the open) conversation with `peer` (`conversations.open`). */
  async open(peer: string, ttlSeconds?: number): Promise<LocalConversation> {
    const { conversation } = await this.connection.call('conversations.open', {
      peer,
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    });
    await this.#exclusive(() => this.#remember([conversation]));
    return this.state.conversations[conversation.id]!;
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
    const message = await this.#exclusive(async () => {
      if (this.state.conversations[conversation] === undefined) {
        // Perhaps opened by the peer a moment ago, its push not yet handled: ask the server.
        await this.#remember((await this.connection.call('conversations.list', {})).conversations);
      }
      if (this.state.conversations[conversation] === undefined) {
        throw new KolokolError('NOT_FOUND', 'no such conversation on this device');
      }
      if (this.state.outbox.length >= CLIENT_LIMITS.outboxMessages) {
        throw new KolokolError('RATE_LIMITED', 'too many messages wait to be sent');
      }
      const clientId = toBase64Url(randomBytes(16));
      const queued: LocalMessage = {
        id: clientId,
        conversation,
        from: 'me',
        seq: null,
        text,
        at: Date.now(),
        state: 'queued',
      };
      const history = await this.#history(conversation);
      history.push(queued);
      this.state.outbox.push({ clientId, conversation, text, envelopes: null });
      const batch = this.vault.batch();
      this.#putHistory(batch, conversation);
      await this.#commit(batch);
      return queued;
    });
    this.messages.emit(message);
    void this.#background(() => this.#flush());
    return message;
  }

  /**
   * After (re)connecting: learns every conversation and its high water (`conversations.list`),
   * fetches what this device missed, then sends the outbox. The core calls it on each connect.
   */
  catchUp(): Promise<void> {
    return this.#exclusive(async () => {
      const { conversations } = await this.connection.call('conversations.list', {});
      await this.#remember(conversations);
      for (const listed of conversations) {
        const known = this.state.conversations[listed.id];
        if (known === undefined) continue;
        const before = known.received;
        if (listed.lastSeq > known.received) await this.#syncNow(listed.id);
        if (known.received === before && listed.ackedSeq < known.received) {
          // Stored here, but the ack was lost with the connection: acknowledge it now.
          await this.connection.call('conversations.ack', {
            conversation: listed.id,
            seq: known.received,
          });
        }
      }
      await this.#flushNow();
    });
  }

  /** Stops retrying (logout, close). */
  stop(): void {
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
  }

  // -- internals: everything below runs inside #exclusive --

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial.run(work);
  }

  /** Work started by a push or a send: its failure is transient (retried on reconnect), not thrown. */
  async #background(work: () => Promise<void>): Promise<void> {
    try {
      await this.#exclusive(work);
    } catch {
      // The connection dropped or the server was busy: catchUp on the next connect retries.
    }
  }

  async #remember(conversations: readonly WireConversation[]): Promise<void> {
    const changed: LocalConversation[] = [];
    for (const wire of conversations) {
      const known = this.state.conversations[wire.id];
      const next: LocalConversation = {
        id: wire.id,
        peer: wire.peer,
        record: known?.record ?? newRecordId(),
        ttlSeconds: wire.ttlSeconds,
        createdAt: wire.createdAt,
        closedAt: wire.closedAt,
        received: known?.received ?? 0,
      };
      const same =
        known !== undefined &&
        known.ttlSeconds === next.ttlSeconds &&
        known.closedAt === next.closedAt;
      if (same) continue;
      this.state.conversations[wire.id] = next;
      changed.push(next);
    }
    if (changed.length === 0) return;
    await this.#commit(this.vault.batch());
    for (const conversation of changed) this.changed.emit(conversation);
  }

  async #sync(conversation: string): Promise<void> {
    if (this.state.conversations[conversation] === undefined) {
      // Opened by the peer while we were not listening: learn it first.
      const { conversations } = await this.connection.call('conversations.list', {});
      await this.#remember(conversations);
    }
    if (this.state.conversations[conversation] !== undefined) await this.#syncNow(conversation);
  }

  /** Fetches, page by page, what is after the high water; stores each page, then acks it. */
  async #syncNow(id: string): Promise<void> {
    const conversation = this.state.conversations[id]!;
    for (;;) {
      const { messages } = await this.connection.call('conversations.fetch', {
        conversation: id,
        after: conversation.received,
        limit: CLIENT_LIMITS.fetchPage,
      });
      if (messages.length === 0) return;
      const fresh = messages.filter((message) => message.seq > conversation.received);
      const history = await this.#history(id);
      const added: LocalMessage[] = [];
      for (const message of fresh) {
        added.push(await this.#open(message));
        conversation.received = message.seq;
      }
      history.push(...added);
      const batch = this.vault.batch();
      this.#putHistory(batch, id);
      await this.#commit(batch);
      for (const message of added) this.messages.emit(message);
      await this.connection.call('conversations.ack', {
        conversation: id,
        seq: conversation.received,
      });
      if (messages.length < CLIENT_LIMITS.fetchPage) return;
    }
  }

  async #open(
    message: EventOutput<'conversations.fetch'>['messages'][number],
  ): Promise<LocalMessage> {
    const received = {
      id: `seq:${message.seq}`,
      conversation: message.conversation,
      from: 'peer' as const,
      seq: message.seq,
      at: message.sentAt,
    };
    const undecryptable = (problem: string): LocalMessage => ({
      ...received,
      text: null,
      state: 'undecryptable',
      problem,
    });
    let plaintext: Uint8Array;
    try {
      plaintext = await this.peers.decrypt(
        message.from,
        message.fromDevice,
        message.body,
        Date.now(),
      );
    } catch (error) {
      // No connection to look the sender up: try again later. Anything else is this message's
      // own fault, shown as such, so that one bad message never blocks the conversation.
      if (isKolokolError(error, ...TRANSIENT)) throw error;
      if (error instanceof CryptoError || error instanceof KolokolError) {
        return undecryptable(problemOf(error));
      }
      throw error;
    }
    try {
      if (plaintext.length > MAX_SESSION_PLAINTEXT_BYTES) return undecryptable('MALFORMED');
      const parsed = messagePlaintextSchema.safeParse(JSON.parse(fromUtf8(plaintext)));
      if (!parsed.success) return undecryptable('MALFORMED');
      return { ...received, text: parsed.data.text, state: 'received' };
    } catch {
      return undecryptable('MALFORMED');
    }
  }

  async #flush(): Promise<void> {
    await this.#flushNow();
  }

  /** Sends the outbox in order; stops at the first transient failure (retried on reconnect). */
  async #flushNow(): Promise<void> {
    while (!this.#closed && this.state.outbox.length > 0) {
      const entry = this.state.outbox[0]!;
      try {
        await this.#deliver(entry);
      } catch (error) {
        if (isKolokolError(error, ...TRANSIENT)) {
          if (isKolokolError(error, 'RATE_LIMITED')) this.#retryLater();
          throw error;
        }
        await this.#settle(entry, { state: 'failed', problem: problemOf(error) });
      }
    }
  }

  async #deliver(entry: OutboxEntry): Promise<void> {
    const conversation = this.state.conversations[entry.conversation];
    if (conversation === undefined) throw new KolokolError('NOT_FOUND', 'conversation unknown');
    for (let attempt = 0; ; attempt += 1) {
      if (entry.envelopes === null) await this.#encrypt(entry, conversation.peer);
      try {
        const { seq } = await this.connection.call('conversations.send', {
          conversation: entry.conversation,
          clientId: entry.clientId,
          envelopes: entry.envelopes!,
        });
        await this.#settle(entry, { state: 'sent', seq });
        return;
      } catch (error) {
        if (!isKolokolError(error, 'DEVICE_LIST_CHANGED') || attempt >= DEVICE_LIST_RETRIES) {
          throw error;
        }
        // The server stored nothing under this clientId: encrypt again for the new list.
        await this.peers.refresh(conversation.peer, true);
        entry.envelopes = null;
      }
    }
  }

  /** Encrypts once for every listed device and seals the envelopes with the ratchet state. */
  async #encrypt(entry: OutboxEntry, peerId: string): Promise<void> {
    const peer = await this.peers.reachable(peerId);
    const plaintext = utf8(JSON.stringify({ v: 1, kind: 'text', text: entry.text }));
    const fanOut = peer.encrypt(plaintext, Date.now());
    entry.envelopes = fanOut.envelopes.map(({ deviceId, body }) => ({
      device: deviceId,
      body: toBase64Url(body),
    }));
    this.peers.markChanged(peerId);
    await this.#commit(this.vault.batch());
  }

  async #settle(
    entry: OutboxEntry,
    outcome: { state: 'sent'; seq: number } | { state: 'failed'; problem: string },
  ): Promise<void> {
    this.state.outbox = this.state.outbox.filter((queued) => queued.clientId !== entry.clientId);
    const history = await this.#history(entry.conversation);
    const index = history.findIndex((message) => message.id === entry.clientId);
    let updated: LocalMessage | undefined;
    if (index !== -1) {
      const before = history[index]!;
      updated =
        outcome.state === 'sent'
          ? { ...before, state: 'sent', seq: outcome.seq }
          : { ...before, state: 'failed', problem: outcome.problem };
      history[index] = updated;
    }
    const batch = this.vault.batch();
    this.#putHistory(batch, entry.conversation);
    await this.#commit(batch);
    if (updated !== undefined) this.messages.emit(updated);
  }

  #retryLater(): void {
    if (this.#retryTimer !== undefined || this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#background(() => this.#flush());
    }, CLIENT_LIMITS.outboxRetryMs);
  }

  async #history(id: string): Promise<LocalMessage[]> {
    let history = this.#histories.get(id);
    if (history === undefined) {
      const record = this.state.conversations[id]?.record;
      const stored =
        record === undefined ? undefined : await this.vault.loadState(RECORDS.history(record));
      history = stored === undefined ? [] : historySchema.parse(stored);
      this.#histories.set(id, history);
    }
    return history;
  }

  #putHistory(batch: VaultBatch, id: string): void {
    const history = this.#histories.get(id) ?? [];
    if (history.length > CLIENT_LIMITS.historyMessages) {
      history.splice(0, history.length - CLIENT_LIMITS.historyMessages);
    }
    const record = this.state.conversations[id]?.record;
    if (record !== undefined) batch.putState(RECORDS.history(record), history);
  }

  /** Writes the client state, every changed session and the prekeys with `batch`, at once. */
  async #commit(batch: VaultBatch): Promise<void> {
    await this.peers.persist(batch);
    batch.putState(RECORDS.state, this.state);
    await batch.commit();
  }
}

function problemOf(error: unknown): string {
  if (error instanceof KolokolError) return error.code;
  if (error instanceof CryptoError) return error.reason;
  return 'INTERNAL';
}
