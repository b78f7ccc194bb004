// DirectMessageStore on SQLite: a bounded, idempotent mailbox of opaque ciphertext per recipient.
import type Database from 'better-sqlite3';
import type { DirectMessageRecord, DirectMessageStore, PutDirectMessageResult } from '../ports.js';
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
];

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
  // One scan of the recipient's index range gives both counts.
  const pendingCountsOf = db.prepare<
    [string, string],
    { readonly total: number; readonly fromSender: number | null }
  >(
    `SELECT count(*) AS total, sum(sender_id = ?) AS fromSender
     FROM direct_messages WHERE recipient_id = ?`,
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO direct_messages (id, sender_id, recipient_id, client_id, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
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

  // IMMEDIATE: the duplicate check and the pending count must still hold when the row is
  // written, also against a second process on the same file.
  const putTx = db.transaction(
    (
      message: DirectMessageRecord,
      maxPending: number,
      maxPendingFromSender: number,
    ): PutDirectMessageResult => {
      // Checked before fullness, so a retry of a stored send is 'duplicate' even when full.
      const earlier = bySenderClientId.get(message.senderId, message.clientId);
      if (earlier !== undefined) {
        return { kind: 'duplicate', message: toMessage(earlier) };
      }
      const pending = pendingCountsOf.get(message.senderId, message.recipientId);
      if (
        (pending?.total ?? 0) >= maxPending ||
        (pending?.fromSender ?? 0) >= maxPendingFromSender
      ) {
        return { kind: 'full' };
      }
      insert.run(
        message.id,
        message.senderId,
        message.recipientId,
        message.clientId,
        message.body,
        message.createdAt,
      );
      return { kind: 'created', message: { ...message, body: toPlainBytes(message.body) } };
    },
  );

  return {
    put(message, maxPending, maxPendingFromSender = Number.POSITIVE_INFINITY) {
      return settle(() => putTx.immediate(message, maxPending, maxPendingFromSender));
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
