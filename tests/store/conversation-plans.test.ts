// The conversation store's query plans (issue 9, docs/relay.md#the-storage-layout): every
// statement it prepares, and what the schema's cascades and trigger run, searches a key or an
// index; none walks a whole table. A change of schema or SQL that loses an index fails here,
// not as a slow relay under load.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteConversationStore } from '../../server/src/store/sqlite/conversations.js';
import { applyMigrations } from '../../server/src/store/sqlite/migrations.js';

/** A fresh schema, and the SQL of every statement the conversation store prepares on it. */
function preparedByStore(): { db: Database.Database; statements: string[] } {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  applyMigrations(db);
  const statements: string[] = [];
  const recording = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') {
        return (sql: string) => {
          statements.push(sql);
          return target.prepare(sql);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
  createSqliteConversationStore(recording);
  return { db, statements };
}

/** The plan's lines, with every parameter bound to NULL. */
function plan(db: Database.Database, sql: string): string[] {
  const named = Object.fromEntries(
    [...sql.matchAll(/:(\w+)/g)].map((match) => [match[1] ?? '', null]),
  );
  const positional = [...sql.matchAll(/\?/g)].map(() => null);
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (
    Object.keys(named).length > 0 ? statement.all(named) : statement.all(...positional)
  ) as { detail: string }[];
  return rows.map((row) => row.detail);
}

/** A line that reads a whole table or index instead of searching it. */
const walks = (line: string) => /^SCAN /.test(line);

describe('conversation store query plans', () => {
  it('every statement the store prepares searches a key or an index', () => {
    const { db, statements } = preparedByStore();
    expect(statements.length).toBeGreaterThan(15);
    // Not on the message path, and older than this layout, so left alone here (docs/relay.md#the-storage-layout):
    // conversations.list walks the conversations in key order, and the housekeeping purge of
    // closed conversations walks them all once a round.
    const known = (sql: string) =>
      sql.includes('LEFT JOIN conversation_devices') ||
      sql.startsWith('DELETE FROM conversations WHERE closed_at IS NOT NULL');
    expect(statements.filter(known)).toHaveLength(2);
    for (const sql of statements.filter((candidate) => !known(candidate))) {
      expect(plan(db, sql).filter(walks), sql).toStrictEqual([]);
    }
    db.close();
  });

  it('the hot statements use the keys docs/relay.md names', () => {
    const { db, statements } = preparedByStore();
    const find = (fragment: string) => {
      const sql = statements.find((candidate) => candidate.includes(fragment));
      if (sql === undefined) throw new Error(`no statement with ${fragment}`);
      return plan(db, sql).join('\n');
    };
    // Retry check, fetch, ack count and delete, pending counters.
    expect(find('WHERE conversation_id = ? AND sender_id = ? AND client_id = ?')).toMatch(
      /USING INDEX \S+ \(conversation_id=\? AND sender_id=\? AND client_id=\?\)/,
    );
    expect(find('ORDER BY seq LIMIT :limit')).toMatch(
      /USING (COVERING )?INDEX \S+ \(conversation_id=\? AND device_id=\? AND seq>\?\)/,
    );
    expect(find('SELECT count(*) AS envelopes')).toMatch(
      /\(conversation_id=\? AND device_id=\? AND seq<\?\)/,
    );
    expect(find('DELETE FROM conversation_envelopes WHERE device_id')).toMatch(
      /\(conversation_id=\? AND device_id=\? AND seq<\?\)/,
    );
    expect(find('SELECT pending_envelopes, pending_bytes')).toMatch(
      /USING PRIMARY KEY \(conversation_id=\? AND device_id=\?\)/,
    );
    // The timer purge finds expired messages by age and their envelopes by key.
    expect(find('(conversation_id, device_id, seq) IN')).toMatch(
      /SEARCH conversation_envelopes USING (COVERING )?INDEX \S+ \(conversation_id=\? AND device_id=\? AND seq=\?\)/,
    );
    expect(find('SELECT DISTINCT')).toMatch(/conversation_messages_by_age \(sent_at<\?\)/);
    db.close();
  });

  it('the cascades and the trigger that delete envelopes search keys too', () => {
    const { db } = preparedByStore();
    // What removing a device, a conversation or an account runs (foreign keys and the trigger).
    const cascades = [
      'DELETE FROM conversation_devices WHERE device_id = ?',
      'DELETE FROM conversation_devices WHERE conversation_id = ?',
      'DELETE FROM conversation_messages WHERE conversation_id = ?',
      'DELETE FROM conversation_envelopes WHERE conversation_id = ? AND device_id = ?',
      'DELETE FROM conversations WHERE second_id = ?',
    ];
    for (const sql of cascades) expect(plan(db, sql).filter(walks), sql).toStrictEqual([]);
    const trigger = db
      .prepare<[], { sql: string }>(
        "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'conversation_devices'",
      )
      .all();
    expect(trigger.map((row) => row.sql).join()).toContain(
      'WHERE conversation_id = OLD.conversation_id AND device_id = OLD.device_id',
    );
    db.close();
  });
});
