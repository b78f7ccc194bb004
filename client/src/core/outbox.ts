// Sending, exactly once: a message is written to the history and the outbox (`queued`) before
// anything else; once online it is encrypted once per device of the peer's list and the
// envelopes are sealed into the outbox together with the advanced ratchet state, so every retry
// — after a timeout, a dropped connection, a restart of the server or of this app — sends the
// same bytes under the same clientId and the server stores the message once (`sent`, its seq).
import { toBase64Url } from '@kolokol/shared';
import { utf8 } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError, isKolokolError } from './errors.js';
import { newClientId } from './client-ids.js';
import { CLIENT_LIMITS } from './limits.js';
import type { Emitter } from './observable.js';
import { TRANSIENT, problemOf } from './problems.js';
import type { ConversationRecords } from './records.js';
import type { LocalMessage, OutboxEntry } from './state.js';

/** Tries of one message in one flush after DEVICE_LIST_CHANGED (each refetches the peer's list). */
const DEVICE_LIST_RETRIES = 3;

export class Outbox {
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly connection: Connection,
    private readonly records: ConversationRecords,
    private readonly shown: Emitter<LocalMessage>,
    /** Runs a flush later, in the client's serial queue (after RATE_LIMITED). */
    private readonly later: () => void,
  ) {}

  get pending(): number {
    return this.records.state.outbox.length;
  }

  /** Writes `text` to the history and the outbox, sealed, and returns it `queued`. */
  async enqueue(conversation: string, text: string): Promise<LocalMessage> {
    const { state } = this.records;
    if (state.outbox.length >= CLIENT_LIMITS.outboxMessages) {
      throw new KolokolError('RATE_LIMITED', 'too many messages wait to be sent');
    }
    const known = state.conversations[conversation];
    const clientId = newClientId(Math.max(known?.received ?? 0, known?.sent ?? 0));
    const queued: LocalMessage = {
      id: clientId,
      conversation,
      from: 'me',
      seq: null,
      text,
      at: Date.now(),
      state: 'queued',
    };
    (await this.records.history(conversation)).push(queued);
    state.outbox.push({ clientId, conversation, text, envelopes: null });
    await this.records.commitHistory(conversation);
    return queued;
  }

  /** Sends the outbox in order; stops at the first transient failure (retried later). */
  async flush(): Promise<void> {
    const { state } = this.records;
    while (!this.#stopped && state.outbox.length > 0) {
      const entry = state.outbox[0]!;
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

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
  }

  async #deliver(entry: OutboxEntry): Promise<void> {
    const conversation = this.records.state.conversations[entry.conversation];
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
        await this.records.peers.refresh(conversation.peer, true);
        entry.envelopes = null;
      }
    }
  }

  /** Encrypts once for every listed device and seals the envelopes with the ratchet state. */
  async #encrypt(entry: OutboxEntry, peerId: string): Promise<void> {
    const { peers } = this.records;
    const peer = await peers.reachable(peerId);
    const plaintext = utf8(JSON.stringify({ v: 1, kind: 'text', text: entry.text }));
    const fanOut = peer.encrypt(plaintext, Date.now());
    entry.envelopes = fanOut.envelopes.map(({ deviceId, body }) => ({
      device: deviceId,
      body: toBase64Url(body),
    }));
    peers.markChanged(peerId);
    await this.records.commit();
  }

  async #settle(
    entry: OutboxEntry,
    outcome: { state: 'sent'; seq: number } | { state: 'failed'; problem: string },
  ): Promise<void> {
    const { state } = this.records;
    state.outbox = state.outbox.filter((queued) => queued.clientId !== entry.clientId);
    const conversation = state.conversations[entry.conversation];
    if (outcome.state === 'sent' && conversation !== undefined) {
      conversation.sent = Math.max(conversation.sent, outcome.seq);
    }
    const history = await this.records.history(entry.conversation);
    const index = history.findIndex((message) => message.id === entry.clientId);
    let updated: LocalMessage | undefined;
    if (index !== -1) {
      const before = history[index]!;
      // The peer may have acknowledged it before this device learnt its seq (a lost send ack).
      const delivered = state.conversations[entry.conversation]?.delivered ?? 0;
      updated =
        outcome.state === 'sent'
          ? { ...before, state: outcome.seq <= delivered ? 'delivered' : 'sent', seq: outcome.seq }
          : { ...before, state: 'failed', problem: outcome.problem };
      history[index] = updated;
    }
    await this.records.commitHistory(entry.conversation);
    if (updated !== undefined) this.shown.emit(updated);
  }

  #retryLater(): void {
    if (this.#retryTimer !== undefined || this.#stopped) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.later();
    }, CLIENT_LIMITS.outboxRetryMs);
  }
}
