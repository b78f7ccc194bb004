// The two writes of the relay's hot path, on one SQLite connection: appending a message (with
// its envelopes) and applying a device's acknowledgement. Each is a function of the database
// alone, run inside a group-commit batch (group-commit.ts). Refusals are return values, never
// exceptions: no client input can make a write throw.
//
// Nothing is cached between transactions: every check a send makes is read inside the transaction
// that stores it (docs/relay.md, "What one send does"). Within one, the sends of a batch to the
// same conversation share what they read and write `last_seq` and the pending counters once.
import type Database from 'better-sqlite3';
import type {
  AckResult,
  AppendMessageResult,
  BacklogCaps,
  NewConversationMessage,
} from '../ports.js';
import type { ConversationRow } from './conversations.js';
import type { BatchHooks } from './group-commit.js';

export interface ConversationWrites {
  append(message: NewConversationMessage, caps: BacklogCaps): AppendMessageResult;
  acknowledge(conversationId: string, deviceId: string, seq: number): AckResult;
  /** For the group commit that runs these writes (group-commit.ts). */
  readonly hooks: BatchHooks;
}

/** A conversation's row as a batch's first send read it, and the sequence its sends reached. */
interface KeptConversation {
  readonly row: ConversationRow;
  lastSeq: number;
  advanced: boolean;
}

/** A device's backlog in a conversation as read, and what the batch's sends added to it. */
interface KeptPending {
  readonly conversationId: string;
  readonly deviceId: string;
  readonly envelopes: number;
  readonly bytes: number;
  addedEnvelopes: number;
  addedBytes: number;
}

export function createConversationWrites(db: Database.Database): ConversationWrites {
  const byId = db.prepare<[string], ConversationRow>(
    `SELECT id, first_id, second_id, ttl_ms, last_seq, created_at, closed_at
     FROM conversations WHERE id = ?`,
  );
  const sent = db.prepare<
    [string, string, string],
    { readonly seq: number; readonly sent_at: number }
  >(
    `SELECT seq, sent_at FROM conversation_messages
     WHERE conversation_id = ? AND sender_id = ? AND client_id = ?`,
  );
  const senderDevice = db.prepare<[string, string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM devices WHERE id = ? AND account_id = ?',
  );
  const devicesOf = db.prepare<[string], { readonly id: string }>(
    'SELECT id FROM devices WHERE account_id = ?',
  );
  const pendingOf = db.prepare<
    [string, string],
    { readonly pending_envelopes: number; readonly pending_bytes: number }
  >(
    `SELECT pending_envelopes, pending_bytes FROM conversation_devices
     WHERE conversation_id = ? AND device_id = ?`,
  );
  const advance = db.prepare<[number, string]>(
    'UPDATE conversations SET last_seq = ? WHERE id = ?',
  );
  const insertMessage = db.prepare<[string, number, string, string, string, number]>(
    `INSERT INTO conversation_messages
       (conversation_id, seq, sender_id, sender_device_id, client_id, sent_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (conversation_id, sender_id, client_id) DO NOTHING`,
  );
  const insertEnvelope = db.prepare<
    [string, number, string, string, string, number, number, Uint8Array]
  >(
    `INSERT INTO conversation_envelopes
       (conversation_id, seq, device_id, sender_id, sender_device_id, sent_at, bytes, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const addPending = db.prepare<{
    conversation: string;
    device: string;
    envelopes: number;
    bytes: number;
  }>(
    `INSERT INTO conversation_devices (conversation_id, device_id, pending_envelopes, pending_bytes)
     VALUES (:conversation, :device, :envelopes, :bytes)
     ON CONFLICT (conversation_id, device_id) DO UPDATE
       SET pending_envelopes = pending_envelopes + :envelopes,
           pending_bytes = pending_bytes + :bytes`,
  );
  const ackedOf = db.prepare<[string, string], { readonly acked_seq: number }>(
    'SELECT acked_seq FROM conversation_devices WHERE conversation_id = ? AND device_id = ?',
  );
  const pendingUpTo = db.prepare<
    [string, string, number],
    { readonly envelopes: number; readonly bytes: number }
  >(
    `SELECT count(*) AS envelopes, coalesce(sum(bytes), 0) AS bytes FROM conversation_envelopes
     WHERE device_id = ? AND conversation_id = ? AND seq <= ?`,
  );
  const deleteUpTo = db.prepare<[string, string, number]>(
    'DELETE FROM conversation_envelopes WHERE device_id = ? AND conversation_id = ? AND seq <= ?',
  );
  // The highest high water among the other devices of `device`'s account in the conversation: an
  // ack above it raises the account's delivered mark (docs/protocol.md, "Delivered").
  const siblingsBest = db.prepare<
    { conversation: string; device: string },
    { readonly best: number }
  >(
    `SELECT coalesce(max(p.acked_seq), 0) AS best FROM conversation_devices p
     JOIN devices v ON v.id = p.device_id
     WHERE p.conversation_id = :conversation AND p.device_id <> :device
       AND v.account_id = (SELECT account_id FROM devices WHERE id = :device)`,
  );
  const setAcked = db.prepare<{
    conversation: string;
    device: string;
    seq: number;
    envelopes: number;
    bytes: number;
  }>(
    `INSERT INTO conversation_devices (conversation_id, device_id, acked_seq)
     VALUES (:conversation, :device, :seq)
     ON CONFLICT (conversation_id, device_id) DO UPDATE
       SET acked_seq = :seq, pending_envelopes = pending_envelopes - :envelopes,
           pending_bytes = pending_bytes - :bytes`,
  );

  // Kept for the current transaction only (BatchHooks): what its sends read and what they deferred.
  // Several sends to one conversation in a batch read its row, the sender's device, the peer's
  // devices and the backlog once, and write `last_seq` and the pending counters once.
  const conversations = new Map<string, KeptConversation>();
  const senders = new Map<string, boolean>();
  const peerDevices = new Map<string, ReadonlySet<string>>();
  const pending = new Map<string, KeptPending>();

  const conversationOf = (id: string): KeptConversation | undefined => {
    let kept = conversations.get(id);
    if (kept === undefined) {
      const row = byId.get(id);
      if (row === undefined) return undefined;
      kept = { row, lastSeq: row.last_seq, advanced: false };
      conversations.set(id, kept);
    }
    return kept;
  };
  const senderExists = (deviceId: string, accountId: string): boolean => {
    const key = `${deviceId}\n${accountId}`;
    let exists = senders.get(key);
    if (exists === undefined) {
      exists = senderDevice.get(deviceId, accountId) !== undefined;
      senders.set(key, exists);
    }
    return exists;
  };
  const devicesOfPeer = (accountId: string): ReadonlySet<string> => {
    let devices = peerDevices.get(accountId);
    if (devices === undefined) {
      devices = new Set(devicesOf.all(accountId).map((row) => row.id));
      peerDevices.set(accountId, devices);
    }
    return devices;
  };
  const pendingFor = (conversationId: string, deviceId: string): KeptPending => {
    const key = `${conversationId}\n${deviceId}`;
    let kept = pending.get(key);
    if (kept === undefined) {
      const held = pendingOf.get(conversationId, deviceId);
      kept = {
        conversationId,
        deviceId,
        envelopes: held?.pending_envelopes ?? 0,
        bytes: held?.pending_bytes ?? 0,
        addedEnvelopes: 0,
        addedBytes: 0,
      };
      pending.set(key, kept);
    }
    return kept;
  };
  const forget = (): void => {
    conversations.clear();
    senders.clear();
    peerDevices.clear();
    pending.clear();
  };
  /** Writes what the batch's sends deferred, and forgets what they read. */
  const writeDeferred = (): void => {
    for (const [id, kept] of conversations) {
      if (kept.advanced) advance.run(kept.lastSeq, id);
    }
    for (const kept of pending.values()) {
      if (kept.addedEnvelopes > 0) {
        addPending.run({
          conversation: kept.conversationId,
          device: kept.deviceId,
          envelopes: kept.addedEnvelopes,
          bytes: kept.addedBytes,
        });
      }
    }
    forget();
  };

  /** The first ack of a message already stored under this sender's clientId, if there is one. */
  const earlierSend = (message: NewConversationMessage): AppendMessageResult | undefined => {
    const earlier = sent.get(message.conversationId, message.senderId, message.clientId);
    return earlier === undefined
      ? undefined
      : { kind: 'duplicate', seq: earlier.seq, sentAt: earlier.sent_at };
  };

  /**
   * A new message, checked and written; a retry is found by its insert, which writes nothing when
   * the clientId is taken (one index probe a send, not two). Refusals come back for `append` to
   * check against an earlier send.
   */
  const appendNew = (message: NewConversationMessage, caps: BacklogCaps): AppendMessageResult => {
    const kept = conversationOf(message.conversationId);
    const conversation = kept?.row;
    if (
      kept === undefined ||
      conversation === undefined ||
      (conversation.first_id !== message.senderId && conversation.second_id !== message.senderId)
    ) {
      return { kind: 'not-found' };
    }
    if (conversation.closed_at !== null) return { kind: 'closed' };
    if (!senderExists(message.senderDeviceId, message.senderId)) {
      return { kind: 'sender-removed' };
    }
    const peer =
      conversation.first_id === message.senderId ? conversation.second_id : conversation.first_id;
    const current = devicesOfPeer(peer);
    const named = new Set(message.envelopes.map((envelope) => envelope.deviceId));
    if (
      named.size !== message.envelopes.length ||
      named.size !== current.size ||
      [...named].some((device) => !current.has(device))
    ) {
      return { kind: 'devices-changed' };
    }
    const backlogs = message.envelopes.map((envelope) =>
      pendingFor(message.conversationId, envelope.deviceId),
    );
    for (const [index, envelope] of message.envelopes.entries()) {
      const held = backlogs[index];
      if (held === undefined) return { kind: 'backlog-full' };
      const envelopes = held.envelopes + held.addedEnvelopes + 1;
      const bytes = held.bytes + held.addedBytes + envelope.body.length;
      if (envelopes > caps.envelopes || bytes > caps.bytes) return { kind: 'backlog-full' };
    }
    const seq = kept.lastSeq + 1;
    const inserted = insertMessage.run(
      message.conversationId,
      seq,
      message.senderId,
      message.senderDeviceId,
      message.clientId,
      message.sentAt,
    );
    // A retry: the clientId is taken (by an earlier batch or this one). Nothing is written.
    if (inserted.changes === 0) {
      const earlier = earlierSend(message);
      if (earlier === undefined) throw new Error('store: a clientId both taken and missing');
      return earlier;
    }
    kept.lastSeq = seq;
    kept.advanced = true;
    for (const [index, envelope] of message.envelopes.entries()) {
      const length = envelope.body.length;
      insertEnvelope.run(
        message.conversationId,
        seq,
        envelope.deviceId,
        message.senderId,
        message.senderDeviceId,
        message.sentAt,
        length,
        envelope.body,
      );
      const held = backlogs[index];
      if (held !== undefined) {
        held.addedEnvelopes += 1;
        held.addedBytes += length;
      }
    }
    return { kind: 'created', seq, sentAt: message.sentAt };
  };

  return {
    hooks: { start: forget, finish: writeDeferred },

    append(message, caps) {
      const outcome = appendNew(message, caps);
      if (outcome.kind === 'created' || outcome.kind === 'duplicate') return outcome;
      // A retry of a message already stored gets its first ack whatever changed since (closed,
      // a device added, the backlog full): the same answer as when the retry was looked up first.
      return earlierSend(message) ?? outcome;
    },

    acknowledge(conversationId, deviceId, seq) {
      // The sends before it in this batch are written out first: it reads what they advanced.
      writeDeferred();
      const conversation = byId.get(conversationId);
      if (conversation === undefined || seq > conversation.last_seq) return { kind: 'no-such-seq' };
      const acked = ackedOf.get(conversationId, deviceId)?.acked_seq ?? 0;
      if (seq <= acked) return { kind: 'acked', ackedSeq: acked, deleted: 0, delivered: null };
      const upTo = pendingUpTo.get(deviceId, conversationId, seq);
      const envelopes = upTo?.envelopes ?? 0;
      const bytes = upTo?.bytes ?? 0;
      if (envelopes > 0) deleteUpTo.run(deviceId, conversationId, seq);
      setAcked.run({ conversation: conversationId, device: deviceId, seq, envelopes, bytes });
      const siblings = siblingsBest.get({ conversation: conversationId, device: deviceId })?.best;
      const delivered = seq > (siblings ?? 0) ? seq : null;
      return { kind: 'acked', ackedSeq: seq, deleted: envelopes, delivered };
    },
  };
}
