// `npm run admin -- export` / `import`, run as the operator runs them: a store populated through
// the real server with every kind of record, exported, imported into a fresh data directory, and
// compared table by table, row by row; exported again to the identical file; and served again — a
// contact logs in on the imported store and fetches their conversation.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { encodeRootPublicKey } from '@kolokol/shared/crypto';
import { loadConfig } from '../../server/src/config/config.js';
import { createLogger } from '../../server/src/logger.js';
import { createKolokolServer, type KolokolServer } from '../../server/src/server.js';
import { SQLITE_FILE_NAME } from '../../server/src/store/open-store.js';
import { SQLITE_DUMP_TABLES } from '../../server/src/store/sqlite/dump.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { call, closeAllSockets, login } from '../support/client.js';
import { connectDevice, type TestDevice } from '../support/keys.js';
import { moderationBoard, type Board } from '../support/matching.js';
import { populateEveryKind as populate } from '../support/populate-every-kind.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { snapshotDatabase } from '../support/server.js';

const scratch = await mkdtemp(path.join(tmpdir(), 'kolokol-dump-'));
let board: Board | undefined;
let imported: KolokolServer | undefined;
afterAll(async () => {
  closeAllSockets();
  await imported?.close();
  await board?.server.close();
  await rm(scratch, { recursive: true, force: true });
});

const admin = (dataDir: string, ...args: string[]) =>
  runAdmin(args, cleanEnv({ KOLOKOL_DATA_DIR: dataDir }));

async function fetchAll(device: TestDevice, socket = device.socket, conversation: string) {
  const answer = await call(socket, 'conversations.fetch', { conversation, after: 0 });
  if (!answer.ok) throw new Error(`conversations.fetch failed: ${answer.error.code}`);
  return answer.data.messages;
}

/** Every table but the migrations' own bookkeeping (when each was applied differs, rightly). */
function dumpedTables(file: string) {
  const { schema_migrations: _applied, ...tables } = snapshotDatabase(file);
  return tables;
}

describe('admin export / import', () => {
  it('moves every record of every table, re-exports identically, and serves the imported store', async () => {
    board = await moderationBoard();
    const { server } = board;
    const talking = await populate(board);
    // A pending enrolment, as the operator makes it.
    expect((await admin(server.config.dataDir, 'enrol', 'moderator', 'mod.later')).code).toBe(0);
    const before = await fetchAll(talking.contactDevice, undefined, talking.conversation);
    expect(before.length).toBe(1);

    // Stop the server so that nothing changes between the snapshot and the export.
    closeAllSockets();
    await server.server.close();
    const source = dumpedTables(server.dbFile);
    // Every kind was populated: the comparison below checks real rows of each.
    expect(Object.keys(source).sort()).toEqual(Object.values(SQLITE_DUMP_TABLES).sort());
    for (const [table, rows] of Object.entries(source)) {
      expect(rows.length, `rows in ${table}`).toBeGreaterThan(0);
    }

    const dumpFile = path.join(scratch, 'first.jsonl');
    const exported = await admin(server.config.dataDir, 'export', dumpFile);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('holds everything the database holds');
    expect((await stat(dumpFile)).mode & 0o777).toBe(0o600);
    // What the server never had is not in the dump either: the request's and the note's plaintext.
    const text = await readFile(dumpFile, 'utf8');
    expect(text).not.toContain('Пишет мне угрозы');
    const details = Buffer.from(talking.contact.plaintext);
    expect(text).not.toContain(details.toString('utf8'));
    expect(text).not.toContain(toBase64Url(talking.contact.plaintext));

    const target = path.join(scratch, 'imported');
    const result = await admin(target, 'import', dumpFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const targetFile = path.join(target, SQLITE_FILE_NAME);
    expect(dumpedTables(targetFile)).toEqual(source);
    // The audit chain, its signatures and the state it decided verify on the imported store.
    const verified = await runAdmin(
      ['audit-verify'],
      cleanEnv({
        KOLOKOL_DATA_DIR: target,
        KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(board.org.root.publicKey),
      }),
    );
    expect(verified.stdout).toContain('audit log verified');

    const again = path.join(scratch, 'second.jsonl');
    expect((await admin(target, 'export', again)).code).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(text);

    // The imported store serves: the contact logs in and reads the conversation as before.
    const config = loadConfig({
      KOLOKOL_DATA_DIR: target,
      KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(board.org.root.publicKey),
      KOLOKOL_LOG_LEVEL: 'silent',
    });
    imported = createKolokolServer({
      config,
      store: await openSqliteStore({ file: targetFile }),
      logger: createLogger(config.logLevel),
    });
    const { port } = await imported.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    const token = await login(url, talking.contactDevice.account);
    const socket = await connectDevice(url, token, talking.contactDevice.prekeys);
    expect(await fetchAll(talking.contactDevice, socket, talking.conversation)).toEqual(before);
    expect(await call(socket, 'session.whoami', {})).toMatchObject({
      ok: true,
      data: { accountId: talking.contact.accountId },
    });
  }, 120_000);
});
