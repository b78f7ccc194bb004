// Receiving, in order and exactly once: everything after the device's high water is fetched in
// pages, decrypted in order, stored (history + ratchet state + high water, one write), shown to
// the app, and only then acknowledged. A message that does not decrypt is stored as
// `undecryptable` and acknowledged like any other: one bad message never blocks a conversation.
import type { EventOutput } from '@kolokol/shared';
import { CryptoError, MAX_SESSION_PLAINTEXT_BYTES, fromUtf8 } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError, isKolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';
import type { Emitter } from './observable.js';
import { TRANSIENT, problemOf } from './problems.js';
import type { ConversationRecords } from './records.js';
import { messagePlaintextSchema, type LocalMessage } from './state.js';

type WireMessage = EventOutput<'conversations.fetch'>['messages'][number];

export class Inbox {
  constructor(
    private readonly connection: Connection,
    private readonly records: ConversationRecords,
    private readonly shown: Emitter<LocalMessage>,
  ) {}

  /** Fetches, page by page, what is after the high water; stores each page, then acks it. */
  async sync(id: string): Promise<void> {
    const conversation = this.records.state.conversations[id]!;
    for (;;) {
      const { messages } = await this.connection.call('conversations.fetch', {
        conversation: id,
        after: conversation.received,
        limit: CLIENT_LIMITS.fetchPage,
      });
      if (messages.length === 0) return;
      const added: LocalMessage[] = [];
      let interrupted: Error | undefined;
      for (const message of messages) {
        if (message.seq <= conversation.received) continue;
        try {
          added.push(await this.#open(message));
        } catch (error) {
          // Keep what was opened before it: those ratchet steps are taken and must be stored.
          interrupted = error instanceof Error ? error : new Error('receiving failed');
          break;
        }
        conversation.received = message.seq;
      }
      if (added.length > 0) {
        (await this.records.history(id)).push(...added);
        await this.records.commitHistory(id);
        for (const message of added) this.shown.emit(message);
        await this.acknowledge(id, conversation.received);
      }
      if (interrupted !== undefined) throw interrupted;
      if (messages.length < CLIENT_LIMITS.fetchPage) return;
    }
  }

  /** Tells the server the device stored everything up to `seq`. */
  async acknowledge(id: string, seq: number): Promise<void> {
    await this.connection.call('conversations.ack', { conversation: id, seq });
  }

  async #open(message: WireMessage): Promise<LocalMessage> {
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
      plaintext = await this.records.peers.decrypt(
        message.from,
        message.fromDevice,
        message.body,
        Date.now(),
      );
    } catch (error) {
      // No connection to look the sender up: try again later. Anything else is this message's
      // own fault, shown as such.
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
}
