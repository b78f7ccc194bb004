// DirectMessageStore on SQLite: a bounded, idempotent mailbox of opaque ciphertext per recipient.
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
  readonly recipient_id: string;
  readonly client_id: string;
  readonly body: Uint8Array;
  readonly created_at: number;
}

type InsertParams = [
  id: string,
  senderId: string,
  recipientId: string,
  clientId: string,
  body: Uint8Array,
  createdAt: number,
  fromNewSender: 0 | 1,
];

/** What a recipient's mailbox holds now, by the parts a quota caps. */
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

const MESSAGE_COLUMNS = 'id, sender_id, recipient_id, client_id, body, created_at';

function toMessage(row: DirectMessageRow): DirectMessageRecord {
  return {
    id: row.id,
    senderId: row.sender_id,
    recipientId: row.recipient_id,
    clientId: row.client_id,
    body: toPlainBytes(row.body),
    createdAt: row.created_at,
  };
}

export function createSqliteDirectMessageStore(db: Database.Database): DirectMessageStore {
  const bySenderClientId = db.prepare<[string, string], DirectMessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM direct_messages WHERE sender_id = ? AND client_id = ?`,
  );
  // One scan of the recipient's index range gives every count a quota needs. length() of a
  // BLOB reads only the record header, not the body's overflow pages.
  const pendingOf = db.prepare<{ sender: string; recipient: string }, PendingRow>(
    `SELECT count(*) AS messages,
            coalesce(sum(length(body)), 0) AS bytes,
            coalesce(sum(sender_id = :sender), 0) AS senderMessages,
            coalesce(sum(iif(sender_id = :sender, length(body), 0)), 0) AS senderBytes,
            coalesce(sum(from_new_sender), 0) AS newSenderMessages,
            coalesce(sum(iif(from_new_sender = 1, length(body), 0)), 0) AS newSenderBytes
     FROM direct_messages WHERE recipient_id = :recipient`,
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO direct_messages
       (id, sender_id, recipient_id, client_id, body, created_at, from_new_sender)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const oldestFor = db.prepare<[string, number], DirectMessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM direct_messages
     WHERE recipient_id = ? ORDER BY created_at, id LIMIT ?`,
  );
  // The ids travel as one JSON array so that any number of them fits one prepared statement.
  const deleteAmong = db.prepare<[string, string]>(
    `DELETE FROM direct_messages
     WHERE recipient_id = ? AND id IN (SELECT value FROM json_each(?))`,
  );

  // IMMEDIATE: the duplicate check and the pending counts must still hold when the row is
  // written, also against a second process on the same file.
  const putTx = db.transaction(
    (message: DirectMessageRecord, quota: MailboxQuota): PutDirectMessageResult => {
      // Checked before fullness, so a retry of a stored send is 'duplicate' even when full.
      const earlier = bySenderClientId.get(message.senderId, message.clientId);
      if (earlier !== undefined) {
        return { kind: 'duplicate', message: toMessage(earlier) };
      }
      const held = pendingOf.get({ sender: message.senderId, recipient: message.recipientId });
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
        message.recipientId,
        message.clientId,
        message.body,
        message.createdAt,
        quota.newSenders === undefined ? 0 : 1,
      );
      return { kind: 'created', message: { ...message, body: toPlainBytes(message.body) } };
    },
  );

  return {
    put(message, quota) {
      return settle(() => putTx.immediate(message, quota));
    },

    listForRecipient(recipientId, limit) {
      return settle(() => {
        // SQLite reads a negative LIMIT as "no limit"; a limit below one must mean nothing.
        if (!(limit >= 1)) {
          return [];
        }
        return oldestFor.all(recipientId, Math.floor(limit)).map(toMessage);
      });
    },

    deleteForRecipient(recipientId, ids) {
      return settle(() =>
        ids.length === 0 ? 0 : deleteAmong.run(recipientId, JSON.stringify(ids)).changes,
      );
    },
  };
}
