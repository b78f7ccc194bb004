// Messages of a conversation: stored before they are acknowledged, under a gapless sequence,
// one envelope per device of the recipient; fetched by each device after its high water and
// deleted as it acknowledges them. A retried clientId gets the first ack and stores nothing.
//
// Every limit answers with its own error and changes nothing: an envelope that is not a padded
// size (BAD_REQUEST) or larger than the largest (PAYLOAD_TOO_LARGE), more messages per minute than
// the account's budget (RATE_LIMITED), a recipient device whose unacknowledged backlog in the
// conversation is full (RATE_LIMITED) — so a recipient who never reads costs the server a bounded
// amount of disk per conversation, and the timer takes even that away.
import {
  base64UrlByteLength,
  CONVERSATION_LIMITS,
  envelopeSizeProblem,
  type ConversationMessageWire,
} from '@kolokol/shared';
import { AppError } from '../../errors.js';
import type { ConversationEnvelopeRecord, Store } from '../../store/ports.js';
import type { Clock } from '../clock.js';
import { memoryBudgets, type Budget, type Budgets } from '../budget.js';
import type { Notifier } from '../notifier.js';
import type { ConversationService } from './conversations.js';

const MINUTE_MS = 60 * 1000;

export interface SendingDevice {
  readonly accountId: string;
  readonly deviceId: string;
}

export interface OutgoingMessage {
  readonly conversation: string;
  readonly clientId: string;
  /**
   * Each body is canonical base64url text, as the schema checked it: stored as its bytes and
   * delivered as received, never decoded and encoded again in JavaScript (docs/relay.md).
   */
  readonly envelopes: readonly { readonly device: string; readonly body: string }[];
}

/** The bytes of canonical base64url text (checked by the schema); native, not a JS loop. */
function bytesOf(text: string): Uint8Array {
  return Buffer.from(text, 'base64url');
}

function toMessageWire(envelope: ConversationEnvelopeRecord): ConversationMessageWire {
  return {
    conversation: envelope.conversationId,
    seq: envelope.seq,
    from: envelope.senderId,
    fromDevice: envelope.senderDeviceId,
    body: Buffer.from(
      envelope.body.buffer,
      envelope.body.byteOffset,
      envelope.body.length,
    ).toString('base64url'),
    sentAt: envelope.sentAt,
  };
}

/** Refuses an envelope whose length is not a padded envelope size (docs/crypto.md §6, §8.3). */
function checkEnvelopeSizes(message: OutgoingMessage): void {
  let total = 0;
  for (const envelope of message.envelopes) {
    const length = base64UrlByteLength(envelope.body);
    total += length;
    const problem = envelopeSizeProblem(length);
    if (problem === 'too-large') {
      throw new AppError('PAYLOAD_TOO_LARGE', 'envelopes.body: larger than the largest envelope');
    }
    if (problem === 'not-padded') {
      throw new AppError('BAD_REQUEST', 'envelopes.body: not a padded envelope size');
    }
  }
  if (total > CONVERSATION_LIMITS.sendBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'envelopes: more bytes than one send may carry');
  }
}

export class ConversationMessageService {
  readonly #perMinute: Budget;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      readonly conversations: ConversationService;
      /** Messages per minute one account may send, all conversations and devices together. */
      readonly messagesPerMinute: number;
      /** Shared budgets (several processes); unset: in this process's memory. */
      readonly budgets?: Budgets | undefined;
    },
  ) {
    this.#perMinute = (deps.budgets ?? memoryBudgets(deps.clock))({
      name: 'messages',
      perWindow: deps.messagesPerMinute,
      windowMs: MINUTE_MS,
    });
  }

  async send(
    sender: SendingDevice,
    message: OutgoingMessage,
  ): Promise<{ seq: number; sentAt: number }> {
    checkEnvelopeSizes(message);
    const { store } = this.deps;
    // In memory the answer is synchronous: the relay's hot path awaits only a shared budget.
    const answer = this.#perMinute.tryTake(sender.accountId);
    if (!(typeof answer === 'boolean' ? answer : await answer)) {
      // A retry of a message already stored is answered even when the budget is spent.
      const earlier = await store.conversations.findSent(
        message.conversation,
        sender.accountId,
        message.clientId,
      );
      if (earlier !== undefined) return earlier;
      throw new AppError('RATE_LIMITED', 'too many messages; slow down');
    }
    const outcome = await store.conversations.appendMessage(
      {
        conversationId: message.conversation,
        senderId: sender.accountId,
        senderDeviceId: sender.deviceId,
        clientId: message.clientId,
        sentAt: this.deps.clock.now(),
        envelopes: message.envelopes.map((envelope) => ({
          deviceId: envelope.device,
          body: bytesOf(envelope.body),
        })),
      },
      CONVERSATION_LIMITS.backlog,
    );
    // Only a stored message costs budget; a refusal or a retry gives its unit back.
    if (outcome.kind !== 'created') await this.#perMinute.giveBack(sender.accountId);
    switch (outcome.kind) {
      case 'created':
        for (const envelope of message.envelopes) {
          this.deps.notifier.conversationMessage(envelope.device, {
            conversation: message.conversation,
            seq: outcome.seq,
            from: sender.accountId,
            fromDevice: sender.deviceId,
            body: envelope.body,
            sentAt: outcome.sentAt,
          });
        }
        return { seq: outcome.seq, sentAt: outcome.sentAt };
      case 'duplicate':
        return { seq: outcome.seq, sentAt: outcome.sentAt };
      case 'not-found':
        throw new AppError('NOT_FOUND', 'no such conversation');
      case 'closed':
        throw new AppError('CONFLICT', 'the conversation is closed');
      case 'devices-changed':
        throw new AppError(
          'DEVICE_LIST_CHANGED',
          'the envelopes must name exactly the peer’s current devices; fetch its list and send again',
        );
      case 'sender-removed':
        throw new AppError('UNAUTHENTICATED', 'device invalid or removed');
      case 'backlog-full':
        throw new AppError(
          'RATE_LIMITED',
          'the peer has too many unread messages in this conversation; try later',
        );
    }
  }

  async fetch(
    reader: SendingDevice,
    request: { conversation: string; after: number; limit?: number | undefined },
  ): Promise<ConversationMessageWire[]> {
    const conversation = await this.deps.conversations.participantOf(reader, request.conversation);
    const envelopes = await this.deps.store.conversations.fetchEnvelopes(
      conversation.id,
      reader.deviceId,
      {
        after: request.after,
        // What the timer has expired is not served, even before housekeeping purges it.
        sentAfter: this.deps.clock.now() - conversation.ttlMs,
        limit: request.limit ?? CONVERSATION_LIMITS.fetch,
      },
    );
    return envelopes.map(toMessageWire);
  }

  async ack(reader: SendingDevice, request: { conversation: string; seq: number }) {
    const conversation = await this.deps.conversations.participantOf(reader, request.conversation);
    const result = await this.deps.store.conversations.acknowledge(
      conversation.id,
      reader.deviceId,
      request.seq,
    );
    if (result.kind === 'no-such-seq') {
      throw new AppError('NOT_FOUND', 'no message with that sequence number');
    }
    if (result.delivered !== null) {
      // Only the other participant learns it: what a delivery receipt tells (docs/protocol.md).
      const [first, second] = conversation.participants;
      this.deps.notifier.conversationDelivered(first === reader.accountId ? second : first, {
        conversation: conversation.id,
        seq: result.delivered,
      });
    }
    return { ackedSeq: result.ackedSeq };
  }
}
