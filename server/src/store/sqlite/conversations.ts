// ConversationStore on SQLite: conversations, their gapless sequences and the per-device
// envelopes. Messages are appended, and acknowledgements applied, through group commit
// (group-commit.ts): those arriving in one event-loop turn share one transaction, and each is
// answered only after it committed.
import type Database from 'better-sqlite3';
import type {
  ConversationEnvelopeRecord,
  ConversationRecord,
  ConversationStore,
} from '../ports.js';
import { settle, toPlainBytes } from './codec.js';
import { createConversationWrites } from './conversation-writes.js';
import { createGroupCommit } from './group-commit.js';

export interface ConversationRow {
  readonly id: string;
  readonly first_id: string;
  readonly second_id: string;
  readonly ttl_ms: number;
  readonly last_seq: number;
  readonly created_at: number;
  readonly closed_at: number | null;
}

interface EnvelopeRow {
  readonly conversation_id: string;
  readonly seq: number;
  readonly sender_id: string;
  readonly sender_device_id: string;
  readonly sent_at: number;
  readonly body: Uint8Array;
}

const COLUMNS = 'id, first_id, second_id, ttl_ms, last_seq, created_at, closed_at';
/** The columns toConversation reads, for the statements elsewhere that return conversations. */
export const CONVERSATION_COLUMNS = COLUMNS;

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    participants: [row.first_id, row.second_id],
    ttlMs: row.ttl_ms,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

/** The pair in the order the table keeps it (first_id < second_id). */
function ordered([a, b]: readonly [string, string]): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function createSqliteConversationStore(db: Database.Database): ConversationStore {
  const writes = createConversationWrites(db);
  const group = createGroupCommit(db, writes.hooks);
  const byId = db.prepare<[string], ConversationRow>(
    `SELECT ${COLUMNS} FROM conversations WHERE id = ?`,
  );
  const openPair = db.prepare<[string, string], ConversationRow>(
    `SELECT ${COLUMNS} FROM conversations
     WHERE first_id = ? AND second_id = ? AND closed_at IS NULL`,
  );
  const insertConversation = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO conversations (id, first_id, second_id, ttl_ms, created_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const listFor = db.prepare<
    { account: string; device: string | null; limit: number },
    ConversationRow & { readonly acked_seq: number; readonly delivered: number }
  >(
    `SELECT ${COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}, coalesce(d.acked_seq, 0) AS acked_seq,
       (SELECT coalesce(max(p.acked_seq), 0) FROM conversation_devices p
        JOIN devices v ON v.id = p.device_id
        WHERE p.conversation_id = c.id
          AND v.account_id = CASE WHEN c.first_id = :account THEN c.second_id ELSE c.first_id END
       ) AS delivered
     FROM conversations c
     LEFT JOIN conversation_devices d ON d.conversation_id = c.id AND d.device_id = :device
     WHERE c.id IN (SELECT id FROM conversations WHERE first_id = :account
                    UNION SELECT id FROM conversations WHERE second_id = :account)
     ORDER BY c.created_at DESC, c.id LIMIT :limit`,
  );
  const close = db.prepare<[number, string]>(
    'UPDATE conversations SET closed_at = ? WHERE id = ? AND closed_at IS NULL',
  );
  const setTtl = db.prepare<[number, string]>(
    'UPDATE conversations SET ttl_ms = ? WHERE id = ? AND closed_at IS NULL',
  );
  const sent = db.prepare<
    [string, string, string],
    { readonly seq: number; readonly sent_at: number }
  >(
    `SELECT seq, sent_at FROM conversation_messages
     WHERE conversation_id = ? AND sender_id = ? AND client_id = ?`,
  );
  const envelopesFor = db.prepare<
    { conversation: string; device: string; after: number; sentAfter: number; limit: number },
    EnvelopeRow
  >(
    `SELECT conversation_id, seq, sender_id, sender_device_id, sent_at, body
     FROM conversation_envelopes
     WHERE device_id = :device AND conversation_id = :conversation AND seq > :after
       AND sent_at > :sentAfter
     ORDER BY seq LIMIT :limit`,
  );
  // Only messages older than the shortest timer of any conversation can have expired: that bound
  // lets the sent_at index skip the young ones instead of joining every message kept.
  const EXPIRED = `SELECT m.rowid AS id, m.conversation_id, m.seq FROM conversation_messages m
     JOIN conversations c ON c.id = m.conversation_id
     WHERE m.sent_at <= :now - (SELECT min(ttl_ms) FROM conversations)
       AND m.sent_at <= :now - c.ttl_ms`;
  // `+` keeps the planner on the sent_at index: DISTINCT on the bare column made it walk every
  // message in key order instead (tests/store/conversation-plans.test.ts).
  const expiredIn = db.prepare<{ now: number }, { readonly conversation_id: string }>(
    `SELECT DISTINCT +conversation_id AS conversation_id FROM (${EXPIRED})`,
  );
  // Envelopes have no foreign key to their message (migration 17): each expired message's
  // envelopes are deleted by key, one per device the conversation has delivered to.
  const deleteExpiredEnvelopes = db.prepare<{ now: number }>(
    `DELETE FROM conversation_envelopes WHERE (conversation_id, device_id, seq) IN
       (SELECT x.conversation_id, d.device_id, x.seq FROM (${EXPIRED}) x
        JOIN conversation_devices d ON d.conversation_id = x.conversation_id)`,
  );
  const deleteExpired = db.prepare<{ now: number }>(
    `DELETE FROM conversation_messages WHERE rowid IN (SELECT id FROM (${EXPIRED}))`,
  );
  // The purge's envelope deletes bypass the counters: count again for the conversations touched.
  const recount = db.prepare<[string]>(
    `UPDATE conversation_devices SET
       pending_envelopes = (SELECT count(*) FROM conversation_envelopes e
         WHERE e.conversation_id = conversation_devices.conversation_id
           AND e.device_id = conversation_devices.device_id),
       pending_bytes = (SELECT coalesce(sum(bytes), 0) FROM conversation_envelopes e
         WHERE e.conversation_id = conversation_devices.conversation_id
           AND e.device_id = conversation_devices.device_id)
     WHERE conversation_id = ?`,
  );
  const deleteClosed = db.prepare<[number]>(
    'DELETE FROM conversations WHERE closed_at IS NOT NULL AND closed_at <= ? - ttl_ms',
  );

  const openTx = db.transaction(
    (id: string, pair: [string, string], ttlMs: number, createdAt: number) => {
      const existing = openPair.get(pair[0], pair[1]);
      if (existing !== undefined) {
        return { kind: 'existing' as const, conversation: toConversation(existing) };
      }
      insertConversation.run(id, pair[0], pair[1], ttlMs, createdAt);
      const row = byId.get(id);
      if (row === undefined) throw new Error('store: conversation not written');
      return { kind: 'created' as const, conversation: toConversation(row) };
    },
  );

  const purgeTx = db.transaction((now: number) => {
    const touched = expiredIn.all({ now }).map((row) => row.conversation_id);
    if (touched.length > 0) deleteExpiredEnvelopes.run({ now });
    const messages = touched.length === 0 ? 0 : deleteExpired.run({ now }).changes;
    for (const id of touched) recount.run(id);
    const conversations = deleteClosed.run(now).changes;
    return { messages, conversations };
  });

  return {
    openConversation(conversation) {
      return settle(() =>
        openTx.immediate(
          conversation.id,
          ordered(conversation.participants),
          conversation.ttlMs,
          conversation.createdAt,
        ),
      );
    },

    findConversation(id) {
      return settle(() => {
        const row = byId.get(id);
        return row === undefined ? undefined : toConversation(row);
      });
    },

    findOpenBetween(first, second) {
      return settle(() => {
        const [low, high] = ordered([first, second]);
        const row = openPair.get(low, high);
        return row === undefined ? undefined : toConversation(row);
      });
    },

    listConversations(accountId, deviceId, limit) {
      return settle(() => {
        if (!(limit >= 1)) return [];
        return listFor
          .all({ account: accountId, device: deviceId, limit: Math.floor(limit) })
          .map((row) => ({
            ...toConversation(row),
            ackedSeq: row.acked_seq,
            delivered: row.delivered,
          }));
      });
    },

    closeConversation(id, at) {
      return settle(() => {
        close.run(at, id);
        const row = byId.get(id);
        return row === undefined ? undefined : toConversation(row);
      });
    },

    setTimer(id, ttlMs) {
      return settle(() => {
        if (setTtl.run(ttlMs, id).changes === 0) return undefined;
        const row = byId.get(id);
        return row === undefined ? undefined : toConversation(row);
      });
    },

    appendMessage(message, caps) {
      return group.submit(() => writes.append(message, caps));
    },

    findSent(conversationId, senderId, clientId) {
      return settle(() => {
        const row = sent.get(conversationId, senderId, clientId);
        return row === undefined ? undefined : { seq: row.seq, sentAt: row.sent_at };
      });
    },

    fetchEnvelopes(conversationId, deviceId, options) {
      return settle(() => {
        if (!(options.limit >= 1)) return [];
        return envelopesFor
          .all({
            conversation: conversationId,
            device: deviceId,
            after: options.after,
            sentAfter: options.sentAfter,
            limit: Math.floor(options.limit),
          })
          .map((row): ConversationEnvelopeRecord => ({
            conversationId: row.conversation_id,
            seq: row.seq,
            senderId: row.sender_id,
            senderDeviceId: row.sender_device_id,
            sentAt: row.sent_at,
            body: toPlainBytes(row.body),
          }));
      });
    },

    acknowledge(conversationId, deviceId, seq) {
      // Group-committed with the sends of the same turn: an ack costs no commit of its own.
      return group.submit(() => writes.acknowledge(conversationId, deviceId, seq));
    },

    purgeExpired(now) {
      return settle(() => purgeTx.immediate(now));
    },
  };
}
