// The dump format on MongoDB. Always (no server needed): a SQLite store populated with every kind
// through the real server is exported, and every one of its records maps to a MongoDB document
// that the real schema validates (validateSync) and back to the identical record, byte for byte
// as the dump writes it; every kind of the format has a mapping. With MONGODB_URI only: SQLite →
// dump → MongoDB → dump gives the identical file (skipped, and saying so, without it).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DumpError } from '../../server/src/store/dump/dump-errors.js';
import { openDumpFile, writeDump } from '../../server/src/store/dump/dump-file.js';
import { DUMP_KIND_NAMES, DUMP_KINDS } from '../../server/src/store/dump/dump-format.js';
import { createMongoDump } from '../../server/src/store/mongo/dump.js';
import {
  MONGO_DUMP_MAPPINGS,
  UnmappableRecord,
  type DumpData,
  type MongoDoc,
} from '../../server/src/store/mongo/dump-mapping.js';
import { openMongoContext } from '../../server/src/store/mongo/open-mongo-store.js';
import { openSqliteDump } from '../../server/src/store/sqlite/dump.js';
import { closeAllSockets } from '../support/client.js';
import { moderationBoard, type Board } from '../support/matching.js';
import {
  MONGODB_SKIP_REASON,
  TEST_MONGODB_URI,
  dropDatabase,
  freshDatabaseName,
} from '../support/mongo-store.js';
import { populateEveryKind } from '../support/populate-every-kind.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { offlineContext } from './support/mongo-offline.js';

const scratch = await mkdtemp(path.join(tmpdir(), 'kolokol-mongo-dump-'));
let board: Board | undefined;
let dumpFile: string;
let records: { kind: (typeof DUMP_KIND_NAMES)[number]; data: DumpData }[] = [];

beforeAll(async () => {
  board = await moderationBoard();
  await populateEveryKind(board);
  // A pending enrolment, as the operator makes it (the one kind no client makes).
  const enrol = await runAdmin(
    ['enrol', 'moderator', 'mod.later'],
    cleanEnv({ KOLOKOL_DATA_DIR: board.server.config.dataDir }),
  );
  expect(enrol.code).toBe(0);
  closeAllSockets();
  await board.server.server.close();
  dumpFile = path.join(scratch, 'sqlite.jsonl');
  await writeDump(dumpFile, await openSqliteDump(board.server.dbFile));
  const lines = (await readFile(dumpFile, 'utf8')).split('\n').slice(1, -2);
  records = lines.map((line) => JSON.parse(line) as (typeof records)[number]);
}, 120_000);
afterAll(async () => {
  closeAllSockets();
  await board?.server.close();
  await rm(scratch, { recursive: true, force: true });
});

const { models } = offlineContext();

/** The links an import builds from the conversations before their messages and envelopes. */
function linksOf(all: typeof records) {
  const ttls = new Map(
    all.filter(({ kind }) => kind === 'conversation').map(({ data }) => [data.id, data.ttlMs]),
  );
  return { ttlOf: (id: string) => ttls.get(id) as number | undefined };
}

/** What an export reads for a conversation device: the document plus its envelopes' counts. */
function withPending(doc: MongoDoc, all: typeof records): MongoDoc {
  const envelopes = all.filter(
    ({ kind, data }) =>
      kind === 'conversationEnvelope' &&
      data.conversationId === doc.conversationId &&
      data.deviceId === doc.deviceId,
  );
  return {
    ...doc,
    pendingEnvelopes: envelopes.length,
    pendingBytes: envelopes.reduce((sum, { data }) => sum + (data.bytes as number), 0),
  };
}

/** record → document (built and validated by the real model) → the document as read back. */
function throughMongo(kind: (typeof records)[number]['kind'], data: DumpData): MongoDoc {
  const mapping = MONGO_DUMP_MAPPINGS[kind];
  const Model = models[mapping.model] as unknown as new (doc: MongoDoc) => {
    validateSync(): Error | undefined;
    toObject(): MongoDoc;
  };
  const document = new Model(mapping.toDoc(data, linksOf(records)));
  const invalid = document.validateSync();
  expect(invalid, `${kind} validates`).toBeUndefined();
  return document.toObject();
}

describe('dump format on MongoDB (no server needed)', () => {
  it('has a mapping for every kind of the format, onto a registered model', () => {
    expect(Object.keys(MONGO_DUMP_MAPPINGS).sort()).toEqual(Object.keys(DUMP_KINDS).sort());
    for (const kind of DUMP_KIND_NAMES) {
      expect(models[MONGO_DUMP_MAPPINGS[kind].model], kind).toBeDefined();
    }
  });

  it('maps every record of a real SQLite dump to a valid document and back to the same bytes', () => {
    const seen = new Set(records.map(({ kind }) => kind));
    // The population holds every kind: each mapping below is checked on real records.
    expect([...seen].sort()).toEqual([...DUMP_KIND_NAMES].sort());
    for (const { kind, data } of records) {
      let doc = throughMongo(kind, data);
      if (kind === 'conversationDevice') doc = withPending(doc, records);
      const back = MONGO_DUMP_MAPPINGS[kind].fromDoc(doc);
      // Byte for byte as the dump writes it (field order included), not only equal values.
      expect(JSON.stringify(back), kind).toBe(JSON.stringify(data));
    }
  });

  it('derives what MongoDB keeps beside a record: open, expireAt, the audit type, the list slot', () => {
    const byKind = (kind: string) => records.find((record) => record.kind === kind)!.data;
    const conversation = byKind('conversation');
    expect(throughMongo('conversation', conversation)).toMatchObject({
      open: conversation.closedAt === null,
      devicesEpoch: 0,
    });
    const message = byKind('conversationMessage');
    expect(throughMongo('conversationMessage', message).expireAt).toEqual(
      new Date((message.sentAt as number) + (conversation.ttlMs as number)),
    );
    expect(throughMongo('revocationList', byKind('revocationList'))._id).toBe('current');
    // Two moderators decided (the population's vetting has one so far): a list of two and back.
    const twoDeciders = { ...byKind('vetting'), decidedBy: `${conversation.firstId as string},x` };
    const vetting = throughMongo('vetting', twoDeciders);
    expect(vetting.decidedBy).toEqual([conversation.firstId, 'x']);
    expect(MONGO_DUMP_MAPPINGS.vetting.fromDoc(vetting)).toEqual(twoDeciders);
    expect(throughMongo('auditEntry', byKind('auditEntry')).type).toEqual(expect.any(String));
  });

  it('refuses records that cannot be documents: a second list slot, an unknown audit type, a message of no conversation', () => {
    const byKind = (kind: string) => records.find((record) => record.kind === kind)!.data;
    const none = { ttlOf: () => undefined };
    const cases: [keyof typeof MONGO_DUMP_MAPPINGS, DumpData][] = [
      ['revocationList', { ...byKind('revocationList'), slot: 2 }],
      ['auditEntry', { ...byKind('auditEntry'), entryType: 99 }],
      ['conversationMessage', byKind('conversationMessage')],
    ];
    for (const [kind, data] of cases) {
      expect(() => MONGO_DUMP_MAPPINGS[kind].toDoc(data, none), kind).toThrow(UnmappableRecord);
    }
  });

  it('a record the schema refuses fails validation (the import reports REJECTED_BY_STORE)', () => {
    const account = records.find(({ kind }) => kind === 'account')!.data;
    const Model = models.accounts as unknown as new (doc: MongoDoc) => {
      validateSync(): Error | undefined;
    };
    const doc = MONGO_DUMP_MAPPINGS.account.toDoc({ ...account, role: 'root' }, linksOf([]));
    expect(new Model(doc).validateSync()).toBeInstanceOf(Error);
  });
});

const uri = TEST_MONGODB_URI;
if (uri === undefined) console.warn(`dump round trip through MongoDB: ${MONGODB_SKIP_REASON}`);

describe.skipIf(uri === undefined)(
  `dump round trip through MongoDB${uri === undefined ? ` (${MONGODB_SKIP_REASON})` : ''}`,
  () => {
    it('SQLite → dump → MongoDB → dump: every record line byte-identical; a second import is STORE_NOT_EMPTY', async () => {
      if (uri === undefined) throw new Error('unreachable: skipped without MONGODB_URI');
      const dbName = freshDatabaseName('dump');
      const context = await openMongoContext({ uri, dbName });
      try {
        const port = createMongoDump(context);
        await port.importRecords((await openDumpFile(dumpFile)).records);
        const again = path.join(scratch, 'mongo.jsonl');
        await writeDump(again, port);
        // The header names the source store (and the end line's checksum covers it): every
        // record line is the same, and so are the end line's counts.
        const parts = async (file: string) => {
          const lines = (await readFile(file, 'utf8')).split('\n');
          const end = JSON.parse(lines.at(-2)!) as { counts: unknown };
          return { records: lines.slice(1, -2).join('\n'), counts: end.counts };
        };
        expect(await parts(again)).toEqual(await parts(dumpFile));
        const refused = port.importRecords((await openDumpFile(dumpFile)).records);
        await expect(refused).rejects.toBeInstanceOf(DumpError);
        await expect(refused).rejects.toMatchObject({ reason: 'STORE_NOT_EMPTY' });
      } finally {
        await context.connection.close();
        await dropDatabase(uri, dbName);
      }
    }, 120_000);
  },
);
