// EnvelopePrekeyStore on SQLite: one row per account, its newest envelope prekey.
import type Database from 'better-sqlite3';
import type { EnvelopePrekeyRecord, EnvelopePrekeyStore } from '../ports.js';
import { settle, toPlainBytes } from './codec.js';

interface EnvelopePrekeyRow {
  readonly account_id: string;
  readonly id: number;
  readonly public_key: Uint8Array;
  readonly created_at: number;
  readonly expires_at: number;
  readonly signature: Uint8Array;
}

type PutParams = [
  accountId: string,
  id: number,
  publicKey: Uint8Array,
  createdAt: number,
  expiresAt: number,
  signature: Uint8Array,
];

const COLUMNS = 'account_id, id, public_key, created_at, expires_at, signature';

function toRecord(row: EnvelopePrekeyRow): EnvelopePrekeyRecord {
  return {
    accountId: row.account_id,
    id: row.id,
    publicKey: toPlainBytes(row.public_key),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    signature: toPlainBytes(row.signature),
  };
}

function sameRecord(row: EnvelopePrekeyRow, record: EnvelopePrekeyRecord): boolean {
  return (
    row.id === record.id &&
    row.created_at === record.createdAt &&
    row.expires_at === record.expiresAt &&
    Buffer.compare(row.public_key, record.publicKey) === 0 &&
    Buffer.compare(row.signature, record.signature) === 0
  );
}

export function createSqliteEnvelopePrekeyStore(db: Database.Database): EnvelopePrekeyStore {
  // The WHERE on the upsert makes "only if newer" part of the single write.
  const putIfNewer = db.prepare<PutParams>(
    `INSERT INTO envelope_prekeys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET
       id = excluded.id, public_key = excluded.public_key, created_at = excluded.created_at,
       expires_at = excluded.expires_at, signature = excluded.signature
     WHERE excluded.created_at > envelope_prekeys.created_at`,
  );
  const findOne = db.prepare<[string], EnvelopePrekeyRow>(
    `SELECT ${COLUMNS} FROM envelope_prekeys WHERE account_id = ?`,
  );
  // One statement for any number of accounts: the ids travel as one JSON array.
  const findMany = db.prepare<[string], EnvelopePrekeyRow>(
    `SELECT ${COLUMNS} FROM envelope_prekeys
     WHERE account_id IN (SELECT value FROM json_each(?)) ORDER BY account_id`,
  );

  // IMMEDIATE: the row read to tell 'already-stored' from 'stale' is the one the write saw.
  const putTx = db.transaction(
    (record: EnvelopePrekeyRecord): 'stored' | 'already-stored' | 'stale' => {
      const changed = putIfNewer.run(
        record.accountId,
        record.id,
        record.publicKey,
        record.createdAt,
        record.expiresAt,
        record.signature,
      ).changes;
      if (changed > 0) return 'stored';
      const stored = findOne.get(record.accountId);
      return stored !== undefined && sameRecord(stored, record) ? 'already-stored' : 'stale';
    },
  );

  return {
    putEnvelopePrekey(record) {
      return settle(() => putTx.immediate(record));
    },

    findEnvelopePrekey(accountId) {
      return settle(() => {
        const row = findOne.get(accountId);
        return row === undefined ? undefined : toRecord(row);
      });
    },

    findEnvelopePrekeys(accountIds) {
      return settle(() =>
        accountIds.length === 0 ? [] : findMany.all(JSON.stringify(accountIds)).map(toRecord),
      );
    },
  };
}
