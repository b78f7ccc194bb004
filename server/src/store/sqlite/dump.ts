// The dump port on SQLite: each kind of the dump format is one table, each field one column (its
// name in snake_case). Reads and writes the tables directly, on a connection of its own, so an
// export is one read transaction (a consistent snapshot beside a running server) and an import is
// one write transaction that commits only once the whole dump has been read and checked.
import Database from 'better-sqlite3';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { DumpError } from '../dump/dump-errors.js';
import { DUMP_KIND_NAMES, fieldsOf, type DumpKind, type FieldSpec } from '../dump/dump-format.js';
import type { DumpPort, DumpRecord, DumpValue } from '../ports/dump.js';
import { MIGRATIONS } from './migrations.js';
import { SQLITE_BUSY_TIMEOUT_MS, openSqliteStore } from './open-sqlite-store.js';

/** The table of each kind. Every table but schema_migrations is one (tests/store/dump.test.ts). */
export const SQLITE_DUMP_TABLES: Record<DumpKind, string> = {
  meta: 'meta',
  account: 'accounts',
  enrolment: 'enrolments',
  session: 'sessions',
  spentChallenge: 'spent_challenges',
  deviceList: 'device_lists',
  device: 'devices',
  pendingDevice: 'pending_devices',
  signedPrekey: 'signed_prekeys',
  oneTimePrekey: 'one_time_prekeys',
  oneTimeKemPrekey: 'one_time_kem_prekeys',
  envelopePrekey: 'envelope_prekeys',
  moderatorCertificate: 'moderator_certificates',
  revocationList: 'revocation_list',
  auditEntry: 'audit_log',
  vetting: 'vetting',
  vettingEndorsement: 'vetting_endorsements',
  offer: 'offers',
  request: 'requests',
  proposal: 'proposals',
  pairBar: 'pair_bars',
  conversation: 'conversations',
  conversationMessage: 'conversation_messages',
  conversationDevice: 'conversation_devices',
  conversationEnvelope: 'conversation_envelopes',
  report: 'reports',
};

/** The column of a dump field: `signingKey` → `signing_key`. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Rows an export reads between two turns of the event loop. */
const EXPORT_ROWS_PER_TURN = 1000;

type Cell = string | number | bigint | Buffer | null;

function toDumpValue(cell: Cell, spec: FieldSpec): DumpValue {
  if (cell === null) return null;
  if (spec.startsWith('bytes')) return toBase64Url(new Uint8Array(cell as Buffer));
  if (spec.startsWith('bool')) return cell === 1;
  if (spec.startsWith('json')) return JSON.parse(cell as string) as DumpValue;
  return cell as string | number;
}

function toCell(value: DumpValue | undefined, spec: FieldSpec): Cell {
  if (value === null || value === undefined) return null;
  // The file reader checked every value against its spec: the casts restate that.
  if (spec.startsWith('bytes')) return Buffer.from(fromBase64Url(value as string)!);
  if (spec.startsWith('bool')) return value === true ? 1 : 0;
  if (spec.startsWith('json')) return JSON.stringify(value);
  return value as string | number;
}

/** The stable order of a table's rows: insertion order (rowid), or the key of a WITHOUT ROWID table. */
function orderOf(db: Database.Database, table: string): string {
  const sql = db
    .prepare<[string], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
    )
    .get(table)?.sql;
  if (sql === undefined) throw new Error(`store: no table ${table}`);
  if (!/WITHOUT ROWID\s*$/i.test(sql)) return 'rowid';
  const key = db
    .prepare(`SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`)
    .all(table) as { name: string }[];
  return key.map(({ name }) => `"${name}"`).join(', ');
}

/** Opens a connection of the dump's own, set up as the store's (see open-sqlite-store.ts). */
function connect(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  db.pragma('trusted_schema = OFF');
  const version = db
    .prepare<[], { version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    )
    .get()?.version;
  const expected = MIGRATIONS.at(-1)?.version;
  if (version !== expected) {
    db.close();
    throw new Error(`store: schema version ${String(version)}, expected ${String(expected)}`);
  }
  return db;
}

function isEmpty(db: Database.Database): boolean {
  return DUMP_KIND_NAMES.every(
    (kind) => db.prepare(`SELECT 1 FROM "${SQLITE_DUMP_TABLES[kind]}" LIMIT 1`).get() === undefined,
  );
}

/**
 * The dump port for the SQLite file `file`, created and migrated to the current schema first
 * (so an import may target a data directory the server never started on).
 */
export async function openSqliteDump(file: string): Promise<DumpPort> {
  await (await openSqliteStore({ file })).close();
  return {
    source() {
      return Promise.resolve({ store: 'sqlite', schemaVersion: MIGRATIONS.at(-1)?.version ?? 0 });
    },
    async *exportRecords() {
      const db = connect(file);
      try {
        // One read transaction: every table is read from the same snapshot (WAL keeps it while
        // the server writes on).
        db.exec('BEGIN');
        let read = 0;
        for (const kind of DUMP_KIND_NAMES) {
          const table = SQLITE_DUMP_TABLES[kind];
          const fields = fieldsOf(kind);
          const columns = fields.map(([field]) => `"${columnOf(field)}"`).join(', ');
          const rows = db
            .prepare(`SELECT ${columns} FROM "${table}" ORDER BY ${orderOf(db, table)}`)
            .raw()
            .iterate() as IterableIterator<Cell[]>;
          for (const row of rows) {
            const data: Record<string, DumpValue> = {};
            fields.forEach(([field, spec], index) => {
              data[field] = toDumpValue(row[index] ?? null, spec);
            });
            yield { kind, data } satisfies DumpRecord;
            // Let the event loop run now and then: a large export must not stall its process.
            if (++read % EXPORT_ROWS_PER_TURN === 0) await new Promise(setImmediate);
          }
        }
        db.exec('COMMIT');
      } finally {
        db.close();
      }
    },
    async importRecords(records) {
      const db = connect(file);
      try {
        // IMMEDIATE: the write lock from the emptiness check on, so nothing slips in between.
        db.exec('BEGIN IMMEDIATE');
        let written = 0;
        try {
          if (!isEmpty(db)) {
            throw new DumpError(
              'STORE_NOT_EMPTY',
              'import: the target store already holds data; import only into a new, empty data ' +
                'directory (nothing was changed)',
            );
          }
          // References are checked at the commit, so the dump's order of kinds does not matter.
          db.pragma('defer_foreign_keys = ON');
          const inserts = new Map<DumpKind, Database.Statement>();
          const insertFor = (kind: DumpKind) => {
            let insert = inserts.get(kind);
            if (insert === undefined) {
              const fields = fieldsOf(kind);
              const columns = fields.map(([field]) => `"${columnOf(field)}"`).join(', ');
              const values = fields.map(() => '?').join(', ');
              insert = db.prepare(
                `INSERT INTO "${SQLITE_DUMP_TABLES[kind]}" (${columns}) VALUES (${values})`,
              );
              inserts.set(kind, insert);
            }
            return insert;
          };
          for await (const { kind, data } of records) {
            const cells = fieldsOf(kind).map(([field, spec]) => toCell(data[field], spec));
            try {
              insertFor(kind).run(cells);
            } catch (error) {
              throw new DumpError(
                'REJECTED_BY_STORE',
                `import: the store refused ${kind} record #${written + 1} (${codeOf(error)}); ` +
                  'nothing was changed',
                { cause: error },
              );
            }
            written += 1;
          }
          try {
            db.exec('COMMIT');
          } catch (error) {
            throw new DumpError(
              'REJECTED_BY_STORE',
              `import: the store refused the dump at commit (${codeOf(error)}); nothing was changed`,
              { cause: error },
            );
          }
          return written;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          // Rolled-back pages a large import spilled into the -wal file hold the dump's
          // ciphertext: empty the log now rather than leave them until the next checkpoint.
          db.pragma('wal_checkpoint(TRUNCATE)');
          throw error;
        }
      } finally {
        db.close();
      }
    },
  };
}

/** SQLite's error code (e.g. SQLITE_CONSTRAINT_FOREIGNKEY), never its message (it may quote values). */
function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'error';
}
