// Direct end-to-end-encrypted envelopes between two accounts allowed a channel: stored before
// they are acknowledged, pushed to the recipient device's open sockets, deleted once that device
// confirms receipt. An interim mailbox until conversations land.
//
// Every device has its own mailbox (issue 7). A sender sends one envelope per device of the
// recipient (PeerDevices in shared makes them), each naming the device and the version of the
// recipient's device list it was encrypted for; an envelope for a stale version, or a device the
// list no longer names, is refused with DEVICE_LIST_CHANGED and nothing is stored, so a sender
// learns of every added or removed device before it leaves anyone out — Sesame's "stale devices"
// answer. The shares below apply to each device's mailbox: a sender's message costs one envelope
// in each, so a recipient with more devices is not easier to fill.
//
// Who may fill how much of a mailbox (issue 6: five throwaway contacts filled a moderator's
// with 1 000 envelopes, 72 MB, and honest contacts were refused). Accounts cost nothing to make,
// so the mailbox is shared out by what an attacker cannot make cheaply — time and the operator's
// trust: new accounts (younger than KOLOKOL_NEW_ACCOUNT_HOURS; vetting does not exist yet) all
// share one small part, each a few envelopes; established accounts each get a bounded share of
// the rest; staff, whom the operator created, are limited only by the whole mailbox and keep a
// reserve nobody else may fill. Every share caps bytes as well as envelopes. The numbers are
// DIRECT_MAILBOX_LIMITS in shared.
import {
  DIRECT_MAILBOX_LIMITS as LIMITS,
  toBase64Url,
  type DirectMessageWire,
  type MailboxShare,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { DirectMessageRecord, MailboxQuota, Store } from '../store/ports.js';
import { isStaff, mayOpenChannel } from './channel-policy.js';
import type { Clock } from './clock.js';
import type { Notifier } from './notifier.js';
import { newId } from './secrets.js';

/** What non-staff senders together may fill: the mailbox less the staff reserve. */
const NON_STAFF_MAILBOX: MailboxShare = {
  messages: LIMITS.mailbox.messages - LIMITS.staffReserve.messages,
  bytes: LIMITS.mailbox.bytes - LIMITS.staffReserve.bytes,
};

/** Staff are limited only by the whole mailbox: the operator created them. */
const STAFF_QUOTA: MailboxQuota = { mailbox: LIMITS.mailbox, sender: LIMITS.mailbox };

/** The caps a non-staff sender's envelope must fit, chosen from the account's age. */
function nonStaffQuota(createdAt: number, now: number, newAccountMs: number): MailboxQuota {
  return now - createdAt < newAccountMs
    ? { mailbox: NON_STAFF_MAILBOX, sender: LIMITS.perNewSender, newSenders: LIMITS.newSenders }
    : { mailbox: NON_STAFF_MAILBOX, sender: LIMITS.perSender };
}

export function toDirectMessageWire(message: DirectMessageRecord): DirectMessageWire {
  return {
    id: message.id,
    from: message.senderId,
    fromDevice: message.senderDeviceId,
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
      /** Accounts younger than this share the small new-sender part of each mailbox (config). */
      readonly newAccountMs: number;
    },
  ) {}

  async send(
    caller: { accountId: string; deviceId: string; role: Role; accountCreatedAt: number },
    message: {
      to: string;
      device: string;
      deviceListVersion: number;
      clientId: string;
      body: Uint8Array;
    },
  ): Promise<{ id: string; createdAt: number; duplicate: boolean }> {
    const recipient = await this.deps.store.accounts.findById(message.to);
    if (!recipient || !(await mayOpenChannel(this.deps.store, caller, recipient)))
      throw new AppError('NOT_FOUND', 'no such recipient');
    const now = this.deps.clock.now();
    const quota = this.#quotaFor(caller, now);
    const outcome = await this.deps.store.directMessages.put(
      {
        id: newId(),
        senderId: caller.accountId,
        senderDeviceId: caller.deviceId,
        recipientId: recipient.id,
        recipientDeviceId: message.device,
        clientId: message.clientId,
        body: message.body,
        createdAt: now,
      },
      quota,
      message.deviceListVersion,
    );
    if (outcome.kind === 'sender-removed') {
      throw new AppError('UNAUTHENTICATED', 'device invalid or removed');
    }
    if (outcome.kind === 'devices-changed') {
      throw new AppError(
        'DEVICE_LIST_CHANGED',
        'the recipient’s device list changed; fetch it and its bundles, then send again',
      );
    }
    if (outcome.kind === 'full') {
      throw new AppError(
        'RATE_LIMITED',
        outcome.share === 'sender'
          ? 'too many undelivered envelopes from you to this recipient; try later'
          : 'the recipient’s mailbox is full; try later',
      );
    }
    if (
      outcome.kind === 'duplicate' &&
      (outcome.message.recipientId !== recipient.id ||
        outcome.message.recipientDeviceId !== message.device)
    ) {
      throw new AppError('CONFLICT', 'clientId already used for another recipient or device');
    }
    if (outcome.kind === 'created') this.deps.notifier.directMessage(outcome.message);
    return {
      id: outcome.message.id,
      createdAt: outcome.message.createdAt,
      duplicate: outcome.kind === 'duplicate',
    };
  }

  /**
   * The caller's caps; the role and the account's age are the session's (read at the socket's
   * handshake), as for the channel check above, so a send costs no extra store read.
   */
  #quotaFor(caller: { role: Role; accountCreatedAt: number }, now: number): MailboxQuota {
    if (isStaff(caller.role)) return STAFF_QUOTA;
    return nonStaffQuota(caller.accountCreatedAt, now, this.deps.newAccountMs);
  }

  /** The device's own mailbox. */
  async fetch(deviceId: string, limit: number): Promise<DirectMessageWire[]> {
    const messages = await this.deps.store.directMessages.listForRecipient(deviceId, limit);
    return messages.map(toDirectMessageWire);
  }

  async ack(deviceId: string, ids: readonly string[]): Promise<number> {
    return this.deps.store.directMessages.deleteForRecipient(deviceId, ids);
  }
}
