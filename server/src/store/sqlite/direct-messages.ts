// DirectMessageStore on SQLite: a bounded, idempotent mailbox of opaque ciphertext per recipient
// device, written only while the recipient's device list is the one the sender encrypted for.
import type Database from 'better-sqlite3';
import type { MailboxShare } from '@kolokol/shared';
import type {
  DirectMessageRecord,
  DirectMessageStore,
  MailboxQuota,
  PutDirectMessageResult,
} from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

interface DirectMessageRow {
  readonly id: string;
  readonly sender_id: string;
  readonly sender_device_id: string;
  readonly recipient_id: string;
  readonly recipient_device_id: string;
  readonly client_id: string;
  readonly body: Uint8Array;
  readonly created_at: number;
}

type InsertParams = [
  id: string,
  senderId: string,
  senderDeviceId: string,
  recipientId: string,
  recipientDeviceId: string,
  clientId: string,
  body: Uint8Array,
  createdAt: number,
  fromNewSender: 0 | 1,
];

/** What a recipient device's mailbox holds now, by the parts a quota caps. */
interface PendingRow {
  readonly messages: number;
  readonly bytes: number;
  readonly senderMessages: number;
  readonly senderBytes: number;
  readonly newSenderMessages: number;
  readonly newSenderBytes: number;
}

function fits(held: { messages: number; bytes: number }, adding: number, cap: MailboxShare) {
  return held.messages + 1 <= cap.messages && held.bytes + adding <= cap.bytes;
}

const MESSAGE_COLUMNS =
  'id, sender_id, sender_device_id, recipient_id, recipient_device_id, client_id, body, created_at';

function toMessage(row: DirectMessageRow): DirectMessageRecord {
  return {
    id: row.id,
    senderId: row.sender_id,
    senderDeviceId: row.sender_device_id,
    recipientId: row.recipient_id,
    recipientDeviceId: row.recipient_device_id,
    clientId: row.client_id,
    body: toPlainBytes(row.body),
    createdAt: row.created_at,
  };
}

export function createSqliteDirectMessageStore(db: Database.Database): DirectMessageStore {
  const bySenderClientId = db.prepare<[string, string], DirectMessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM direct_messages WHERE sender_id = ? AND client_id = ?`,
  );
  // The recipient device must be named by the account's list, at the version the sender saw.
  const recipientDeviceAt = db.prepare<[string, string, number], { readonly found: 1 }>(
    `SELECT 1 AS found FROM devices JOIN device_lists USING (account_id)
     WHERE devices.id = ? AND devices.account_id = ? AND device_lists.version = ?`,
  );
  const senderDevice = db.prepare<[string, string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM devices WHERE id = ? AND account_id = ?',
  );
  // One scan of the recipient device's index range gives every count a quota needs. length()
  // of a BLOB reads only the record header, not the body's overflow pages.
  const pendingOf = db.prepare<{ sender: string; recipient: string }, PendingRow>(
    `SELECT count(*) AS messages,
            coalesce(sum(length(body)), 0) AS bytes,
            coalesce(sum(sender_id = :sender), 0) AS senderMessages,
            coalesce(sum(iif(sender_id = :sender, length(body), 0)), 0) AS senderBytes,
            coalesce(sum(from_new_sender), 0) AS newSenderMessages,
            coalesce(sum(iif(from_new_sender = 1, length(body), 0)), 0) AS newSenderBytes
     FROM direct_messages WHERE recipient_device_id = :recipient`,
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO direct_messages
       (id, sender_id, sender_device_id, recipient_id, recipient_device_id, client_id, body,
        created_at, from_new_sender)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const oldestFor = db.prepare<[string, number], DirectMessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM direct_messages
     WHERE recipient_device_id = ? ORDER BY created_at, id LIMIT ?`,
  );
  // The ids travel as one JSON array so that any number of them fits one prepared statement.
  const deleteAmong = db.prepare<[string, string]>(
    `DELETE FROM direct_messages
     WHERE recipient_device_id = ? AND id IN (SELECT value FROM json_each(?))`,
  );

  // IMMEDIATE: the duplicate check, the device list version and the pending counts must still
  // hold when the row is written, also against a second process on the same file.
  const putTx = db.transaction(
    (
      message: DirectMessageRecord,
      quota: MailboxQuota,
      deviceListVersion: number,
    ): PutDirectMessageResult => {
      // Checked first, so a retry of a stored send is 'duplicate' even when full or stale.
      const earlier = bySenderClientId.get(message.senderId, message.clientId);
      if (earlier !== undefined) {
        return { kind: 'duplicate', message: toMessage(earlier) };
      }
      if (senderDevice.get(message.senderDeviceId, message.senderId) === undefined) {
        return { kind: 'sender-removed' };
      }
      const listed = recipientDeviceAt.get(
        message.recipientDeviceId,
        message.recipientId,
        deviceListVersion,
      );
      if (listed === undefined) return { kind: 'devices-changed' };
      const held = pendingOf.get({
        sender: message.senderId,
        recipient: message.recipientDeviceId,
      });
      if (held === undefined) throw new Error('store: mailbox count returned no row');
      const adding = message.body.length;
      if (!fits(held, adding, quota.mailbox)) return { kind: 'full', share: 'mailbox' };
      const fromSender = { messages: held.senderMessages, bytes: held.senderBytes };
      if (!fits(fromSender, adding, quota.sender)) return { kind: 'full', share: 'sender' };
      if (quota.newSenders !== undefined) {
        const fromNew = { messages: held.newSenderMessages, bytes: held.newSenderBytes };
        if (!fits(fromNew, adding, quota.newSenders)) return { kind: 'full', share: 'newSenders' };
      }
      insert.run(
        message.id,
        message.senderId,
        message.senderDeviceId,
        message.recipientId,
        message.recipientDeviceId,
        message.clientId,
        message.body,
        message.createdAt,
        quota.newSenders === undefined ? 0 : 1,
      );
      return { kind: 'created', message: { ...message, body: toPlainBytes(message.body) } };
    },
  );

  return {
    put(message, quota, deviceListVersion) {
      return settle(() => putTx.immediate(message, quota, deviceListVersion));
    },

    listForRecipient(recipientDeviceId, limit) {
      return settle(() => {
        // SQLite reads a negative LIMIT as "no limit"; a limit below one must mean nothing.
        if (!(limit >= 1)) {
          return [];
        }
        return oldestFor.all(recipientDeviceId, Math.floor(limit)).map(toMessage);
      });
    },

    deleteForRecipient(recipientDeviceId, ids) {
      return settle(() =>
        ids.length === 0 ? 0 : deleteAmong.run(recipientDeviceId, JSON.stringify(ids)).changes,
      );
    },
  };
}
