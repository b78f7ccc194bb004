// Direct end-to-end-encrypted envelopes between two accounts allowed a channel: stored before
// they are acknowledged, pushed to the recipient's open sockets, deleted once the recipient
// confirms receipt. An interim mailbox until conversations land.
import {
  MAX_PENDING_DIRECT_MESSAGES,
  MAX_PENDING_DIRECT_MESSAGES_PER_SENDER,
  toBase64Url,
  type DirectMessageWire,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { DirectMessageRecord, Store } from '../store/ports.js';
import { mayOpenChannel } from './channel-policy.js';
import type { Clock } from './clock.js';
import type { Notifier } from './notifier.js';
import { newId } from './secrets.js';

export function toDirectMessageWire(message: DirectMessageRecord): DirectMessageWire {
  return {
    id: message.id,
    from: message.senderId,
    body: toBase64Url(message.body),
    createdAt: message.createdAt,
  };
}

export class DirectMessageService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
    },
  ) {}

  async send(
    caller: { accountId: string; role: Role },
    message: { to: string; clientId: string; body: Uint8Array },
  ): Promise<{ id: string; createdAt: number; duplicate: boolean }> {
    const recipient = await this.deps.store.accounts.findById(message.to);
    if (!recipient || !mayOpenChannel(caller, recipient))
      throw new AppError('NOT_FOUND', 'no such recipient');
    const outcome = await this.deps.store.directMessages.put(
      {
        id: newId(),
        senderId: caller.accountId,
        recipientId: recipient.id,
        clientId: message.clientId,
        body: message.body,
        createdAt: this.deps.clock.now(),
      },
      MAX_PENDING_DIRECT_MESSAGES,
      MAX_PENDING_DIRECT_MESSAGES_PER_SENDER,
    );
    if (outcome.kind === 'full')
      throw new AppError('RATE_LIMITED', 'the recipient’s mailbox is full');
    if (outcome.kind === 'duplicate' && outcome.message.recipientId !== recipient.id) {
      throw new AppError('CONFLICT', 'clientId already used for another recipient');
    }
    if (outcome.kind === 'created') this.deps.notifier.directMessage(outcome.message);
    return {
      id: outcome.message.id,
      createdAt: outcome.message.createdAt,
      duplicate: outcome.kind === 'duplicate',
    };
  }

  async fetch(recipientId: string, limit: number): Promise<DirectMessageWire[]> {
    const messages = await this.deps.store.directMessages.listForRecipient(recipientId, limit);
    return messages.map(toDirectMessageWire);
  }

  async ack(recipientId: string, ids: readonly string[]): Promise<number> {
    return this.deps.store.directMessages.deleteForRecipient(recipientId, ids);
  }
}
