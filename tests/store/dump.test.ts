// The dump format on SQLite: every table is a kind with exactly its columns (a migration that adds
// one fails here until the dump follows), and every bad dump — not a dump, a newer format, cut
// short, damaged, miscounted, malformed, refused by the store — or a store that is not empty is
// refused with its typed reason, leaving the target exactly as it was (one transaction).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import type { DumpErrorReason } from '../../server/src/store/dump/dump-errors.js';
import {
  MAX_DUMP_LINE_BYTES,
  openDumpFile,
  writeDump,
} from '../../server/src/store/dump/dump-file.js';
import { DUMP_KIND_NAMES, fieldsOf } from '../../server/src/store/dump/dump-format.js';
import { applyMigrations } from '../../server/src/store/sqlite/migrations.js';
import {
  SQLITE_DUMP_TABLES,
  columnOf,
  openSqliteDump,
} from '../../server/src/store/sqlite/dump.js';
import { closeAllSockets } from '../support/client.js';
import { sendMessage, openTestConversation } from '../support/conversations.js';
import { publishPrekeys } from '../support/keys.js';
import { snapshotDatabase, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let scratch: string;
let good: string;
let lines: string[];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'kolokol-dump-store-'));
  server = await startTestServer();
  const talk = await openTestConversation(server);
  await publishPrekeys(talk.peer, 2, 1);
  await sendMessage(talk.staff.socket, talk.id, talk.peer);
  await sendMessage(talk.peer.socket, talk.id, talk.staff);
  closeAllSockets();
  await server.server.close();
  good = path.join(scratch, 'good.jsonl');
  await writeDump(good, await openSqliteDump(server.dbFile));
  lines = (await readFile(good, 'utf8')).split('\n').slice(0, -1);
}, 60_000);
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

let files = 0;
async function dumpOf(text: string): Promise<string> {
  const file = path.join(scratch, `dump-${(files += 1)}.jsonl`);
  await writeFile(file, text);
  return file;
}

/** The records (lines between the header and the end line) as parsed JSON. */
function records(): { kind: string; data: Record<string, unknown> }[] {
  return lines.slice(1, -1).map((line) => JSON.parse(line) as { kind: string; data: never });
}

/**
 * A dump of `header` and `recordLines` with a correct end line (counts and checksum recomputed),
 * or with `counts` as given: what a careless edit or a buggy exporter could produce.
 */
function sealed(header: string, recordLines: string[], counts?: Record<string, number>): string {
  const body = [header, ...recordLines].map((line) => `${line}\n`).join('');
  const actual = Object.fromEntries(DUMP_KIND_NAMES.map((kind) => [kind, 0]));
  for (const line of recordLines) {
    const kind = /^\{"kind":"(\w+)"/.exec(line)?.[1];
    if (kind !== undefined && kind in actual) actual[kind]! += 1;
  }
  const sha256 = toBase64Url(createHash('sha256').update(body).digest());
  return `${body}${JSON.stringify({ end: 'kolokol-dump', counts: counts ?? actual, sha256 })}\n`;
}

const recordLines = () => lines.slice(1, -1);

let targets = 0;
/** Imports `file` into a fresh store; expects `reason` and the store exactly as it was (empty). */
async function expectRefused(file: string, reason: DumpErrorReason, into?: string) {
  const target = into ?? path.join(scratch, `target-${(targets += 1)}`, 'kolokol.sqlite');
  const port = await openSqliteDump(target);
  const before = snapshotDatabase(target);
  const attempt = (async () => port.importRecords((await openDumpFile(file)).records))();
  await expect(attempt).rejects.toMatchObject({ reason });
  expect(snapshotDatabase(target)).toEqual(before);
  return { target, port };
}

describe('dump format on SQLite', () => {
  it('covers every table with exactly its columns', () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
          "AND name <> 'schema_migrations' ORDER BY name",
      )
      .all() as { name: string }[];
    expect(tables.map(({ name }) => name)).toEqual(Object.values(SQLITE_DUMP_TABLES).sort());
    for (const kind of DUMP_KIND_NAMES) {
      const columns = db
        .prepare('SELECT name FROM pragma_table_info(?)')
        .all(SQLITE_DUMP_TABLES[kind]) as { name: string }[];
      expect(
        columns.map(({ name }) => name).sort(),
        `columns of ${SQLITE_DUMP_TABLES[kind]}`,
      ).toEqual(
        fieldsOf(kind)
          .map(([field]) => columnOf(field))
          .sort(),
      );
    }
    db.close();
  });

  it('imports the good dump into a fresh store, once: a second import is STORE_NOT_EMPTY', async () => {
    // The control for every refusal below: the same target takes the untouched dump.
    const { target, port } = await expectRefused(await dumpOf('hello\n'), 'NOT_A_DUMP');
    await port.importRecords((await openDumpFile(good)).records);
    const { schema_migrations: _a, ...imported } = snapshotDatabase(target);
    const { schema_migrations: _b, ...source } = snapshotDatabase(server.dbFile);
    expect(imported).toEqual(source);
    await expectRefused(good, 'STORE_NOT_EMPTY', target);
  });

  it('refuses a dump of a newer format', async () => {
    const header = JSON.parse(lines[0]!) as { version: number };
    const newer = JSON.stringify({ ...header, version: header.version + 1 });
    await expectRefused(await dumpOf(sealed(newer, recordLines())), 'FORMAT_TOO_NEW');
  });

  it('refuses a dump cut short, in a line or between lines', async () => {
    const text = await readFile(good, 'utf8');
    await expectRefused(await dumpOf(text.slice(0, Math.floor(text.length / 2))), 'TRUNCATED');
    await expectRefused(await dumpOf(`${lines.slice(0, -1).join('\n')}\n`), 'TRUNCATED');
  });

  it('refuses a damaged dump whose records still parse: CHECKSUM_MISMATCH after the last one', async () => {
    // One digit of a time changed: every record is valid, only the checksum can tell.
    const index = lines.findIndex((line) => line.includes('"createdAt":'));
    const edited = lines.map((line, i) =>
      i === index
        ? line.replace(/"createdAt":(\d+)/, (_, n: string) => `"createdAt":${Number(n) + 1}`)
        : line,
    );
    expect(edited[index]).not.toBe(lines[index]);
    await expectRefused(await dumpOf(`${edited.join('\n')}\n`), 'CHECKSUM_MISMATCH');
  });

  it('refuses a dump whose end line miscounts its records', async () => {
    const counts = Object.fromEntries(DUMP_KIND_NAMES.map((kind) => [kind, 0]));
    for (const record of records()) counts[record.kind]! += 1;
    const dropped = recordLines().filter((line) => !line.startsWith('{"kind":"device"'));
    await expectRefused(await dumpOf(sealed(lines[0]!, dropped, counts)), 'COUNT_MISMATCH');
  });

  it('refuses malformed records: an unknown kind, a field too many, a wrong type, a line too long', async () => {
    const [first, ...rest] = recordLines();
    const record = JSON.parse(first!) as { kind: string; data: Record<string, unknown> };
    const variants = [
      JSON.stringify({ kind: 'mailbox', data: record.data }),
      JSON.stringify({ ...record, data: { ...record.data, extra: 1 } }),
      JSON.stringify({
        ...record,
        data: Object.fromEntries(Object.keys(record.data).map((k) => [k, 1.5])),
      }),
      JSON.stringify({
        ...record,
        data: { ...record.data, [Object.keys(record.data)[0]!]: 'x'.repeat(MAX_DUMP_LINE_BYTES) },
      }),
      'not json',
    ];
    for (const variant of variants) {
      await expectRefused(await dumpOf(sealed(lines[0]!, [variant, ...rest])), 'MALFORMED_RECORD');
    }
  });

  it('refuses records the store rejects: a duplicate key, a device of no account', async () => {
    const all = recordLines();
    const device = all.find((line) => line.startsWith('{"kind":"device"'))!;
    await expectRefused(await dumpOf(sealed(lines[0]!, [...all, device])), 'REJECTED_BY_STORE');
    const orphaned = all.filter((line) => !line.startsWith('{"kind":"account"'));
    await expectRefused(await dumpOf(sealed(lines[0]!, orphaned)), 'REJECTED_BY_STORE');
  });

  it('the file is created 0600 and an existing file is never overwritten', async () => {
    const { stat } = await import('node:fs/promises');
    expect((await stat(good)).mode & 0o777).toBe(0o600);
    const before = await readFile(good);
    await expect(writeDump(good, await openSqliteDump(server.dbFile))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await readFile(good)).toEqual(before);
  });
});
