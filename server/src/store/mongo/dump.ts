// The dump port on MongoDB: each kind of the dump format is one collection (dump-mapping.ts says
// how its documents map). An export reads every collection in one snapshot-read transaction; an
// import writes every document in one transaction, committed only once the whole dump has been
// read and checked, into a store that holds no document of any kind. Decisions and limits:
// docs/storage-mongodb.md#dump.
import type { ClientSession, Connection, PipelineStage } from 'mongoose';
import { DumpError } from '../dump/dump-errors.js';
import { DUMP_KIND_NAMES, type DumpKind } from '../dump/dump-format.js';
import type { DumpPort, DumpRecord } from '../ports/dump.js';
import type { MongoContext } from './context.js';
import { MONGO_DUMP_MAPPINGS, UnmappableRecord, type MongoDoc } from './dump-mapping.js';
import { TRANSACTION_OPTIONS } from './transactions.js';

/** The adapter's schema version written into a dump's header (it has no migrations yet). */
export const MONGO_SCHEMA_VERSION = 1;

/**
 * Documents an import sends in one insert: bounds what one import holds in memory (one batch of
 * one kind) while keeping round trips few.
 */
export const MONGO_IMPORT_BATCH = 500;

/** Documents an export asks the server for at a time (the cursor's batch size). */
const EXPORT_BATCH = 500;

/** The counter the certificate store takes its storedSeq from (certificates.ts). */
const CERTIFICATE_COUNTER = 'moderator_certificates';

/**
 * A conversation device's pendingEnvelopes/pendingBytes, counted from its envelopes in the same
 * snapshot (MongoDB does not store them: dump-mapping.ts).
 */
const PENDING_LOOKUP: PipelineStage[] = [
  {
    $lookup: {
      from: 'conversation_envelopes',
      let: { conversation: '$conversationId', device: '$deviceId' },
      pipeline: [
        {
          $match: {
            $expr: {
              $and: [
                { $eq: ['$conversationId', '$$conversation'] },
                { $eq: ['$deviceId', '$$device'] },
              ],
            },
          },
        },
        { $group: { _id: null, envelopes: { $sum: 1 }, bytes: { $sum: '$bytes' } } },
      ],
      as: 'pending',
    },
  },
  {
    $set: {
      pendingEnvelopes: { $ifNull: [{ $first: '$pending.envelopes' }, 0] },
      pendingBytes: { $ifNull: [{ $first: '$pending.bytes' }, 0] },
    },
  },
];

function documentsOf(
  { models }: MongoContext,
  kind: DumpKind,
  session: ClientSession,
): AsyncIterable<MongoDoc> {
  const { model, order } = MONGO_DUMP_MAPPINGS[kind];
  if (kind === 'conversationDevice') {
    return models[model]
      .aggregate<MongoDoc>([{ $sort: { ...order } }, ...PENDING_LOOKUP])
      .session(session)
      .cursor({ batchSize: EXPORT_BATCH });
  }
  return (models[model] as unknown as MongoModelLike)
    .find({})
    .sort(order)
    .session(session)
    .lean()
    .cursor({ batchSize: EXPORT_BATCH });
}

/** The part of a model the dump uses, the same on every model (the models' own types differ). */
interface MongoModelLike {
  find(filter: object): {
    sort(order: object): {
      session(session: ClientSession): {
        lean(): { cursor(options: object): AsyncIterable<MongoDoc> };
      };
    };
  };
  exists(filter: object): { session(session: ClientSession): Promise<unknown> };
  insertMany(docs: MongoDoc[], options: object): Promise<unknown>;
}

const modelOf = (context: MongoContext, kind: DumpKind) =>
  context.models[MONGO_DUMP_MAPPINGS[kind].model] as unknown as MongoModelLike;

async function isEmpty(context: MongoContext, session: ClientSession): Promise<boolean> {
  for (const kind of DUMP_KIND_NAMES) {
    if ((await modelOf(context, kind).exists({}).session(session)) !== null) return false;
  }
  return true;
}

/** MongoDB's numeric error code (e.g. 11000, a duplicate key), never its message (it quotes values). */
function codeOf(error: unknown): string {
  if (error instanceof UnmappableRecord) return error.message;
  if (typeof error === 'object' && error !== null) {
    if ('code' in error && typeof error.code === 'number') return `code ${error.code}`;
    if ('name' in error && error.name === 'ValidationError') return 'failed the schema';
  }
  return 'error';
}

/** The dump port on an open MongoDB context (connection and models, see open-mongo-store.ts). */
export function createMongoDump(context: MongoContext): DumpPort {
  const connection: Connection = context.connection;
  return {
    source() {
      return Promise.resolve({ store: 'mongodb', schemaVersion: MONGO_SCHEMA_VERSION });
    },
    async *exportRecords() {
      // One snapshot: every collection is read at the same cluster time. MongoDB ends a
      // transaction after transactionLifetimeLimitSeconds (60 s by default): a store too large
      // to read in that time needs the limit raised for the export (docs/storage-mongodb.md).
      const session = await connection.startSession();
      try {
        session.startTransaction(TRANSACTION_OPTIONS);
        for (const kind of DUMP_KIND_NAMES) {
          const mapping = MONGO_DUMP_MAPPINGS[kind];
          for await (const doc of documentsOf(context, kind, session)) {
            yield { kind, data: mapping.fromDoc(doc) } satisfies DumpRecord;
          }
        }
        await session.commitTransaction();
      } finally {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        await session.endSession();
      }
    },
    async importRecords(records) {
      const session = await connection.startSession();
      // Not withTransaction: its retries would re-run the import on a dump already read.
      session.startTransaction(TRANSACTION_OPTIONS);
      try {
        if (!(await isEmpty(context, session))) {
          throw new DumpError(
            'STORE_NOT_EMPTY',
            'import: the target store already holds data; import only into a new, empty ' +
              'database (nothing was changed)',
          );
        }
        const ttls = new Map<string, number>();
        const links = { ttlOf: (id: string) => ttls.get(id) };
        // Per conversation device, the dump's pending counts and what its envelopes add up to.
        const pending = new Map<string, { envelopes: number; bytes: number }>();
        const claimed = new Map<string, { envelopes: number; bytes: number }>();
        let batch: MongoDoc[] = [];
        let batchKind: DumpKind | undefined;
        let written = 0;
        let maxCertificateSeq = 0;
        const flush = async () => {
          if (batchKind === undefined || batch.length === 0) return;
          try {
            // Validated against the schema by mongoose before anything is sent.
            await modelOf(context, batchKind).insertMany(batch, { session, ordered: true });
          } catch (error) {
            throw new DumpError(
              'REJECTED_BY_STORE',
              `import: the store refused a ${batchKind} record among #${written - batch.length + 1}` +
                `-#${written} (${codeOf(error)}); nothing was changed`,
              { cause: error },
            );
          }
          batch = [];
        };
        for await (const { kind, data } of records) {
          if (kind !== batchKind) {
            await flush();
            batchKind = kind;
          }
          written += 1;
          let doc: MongoDoc;
          try {
            doc = MONGO_DUMP_MAPPINGS[kind].toDoc(data, links);
          } catch (error) {
            throw new DumpError(
              'REJECTED_BY_STORE',
              `import: the store refused ${kind} record #${written} (${codeOf(error)}); ` +
                'nothing was changed',
              { cause: error },
            );
          }
          if (kind === 'conversation') ttls.set(data.id as string, data.ttlMs as number);
          if (kind === 'moderatorCertificate') {
            maxCertificateSeq = Math.max(maxCertificateSeq, data.seq as number);
          }
          // Both are text in these two kinds (the reader checked); unused for the other kinds.
          const pair = `${data.conversationId as string}\u0000${data.deviceId as string}`;
          if (kind === 'conversationDevice') {
            claimed.set(pair, {
              envelopes: data.pendingEnvelopes as number,
              bytes: data.pendingBytes as number,
            });
          }
          if (kind === 'conversationEnvelope') {
            const sum = pending.get(pair) ?? { envelopes: 0, bytes: 0 };
            pending.set(pair, {
              envelopes: sum.envelopes + 1,
              bytes: sum.bytes + (data.bytes as number),
            });
          }
          batch.push(doc);
          if (batch.length >= MONGO_IMPORT_BATCH) await flush();
        }
        await flush();
        // MongoDB counts pending envelopes rather than storing the count: a dump whose counts
        // disagree with its envelopes would not come back out as it went in.
        for (const [pair, counts] of claimed) {
          const actual = pending.get(pair) ?? { envelopes: 0, bytes: 0 };
          if (actual.envelopes !== counts.envelopes || actual.bytes !== counts.bytes) {
            throw new DumpError(
              'REJECTED_BY_STORE',
              'import: a conversationDevice record counts pending envelopes the dump does not ' +
                'hold; nothing was changed',
            );
          }
        }
        if (maxCertificateSeq > 0) {
          // The next certificate stored after the import is numbered after the imported ones.
          await context.models.counters.updateOne(
            { _id: CERTIFICATE_COUNTER },
            { $max: { value: maxCertificateSeq } },
            { upsert: true, session },
          );
        }
        try {
          await session.commitTransaction();
        } catch (error) {
          throw new DumpError(
            'REJECTED_BY_STORE',
            `import: the store refused the dump at commit (${codeOf(error)}); nothing was changed`,
            { cause: error },
          );
        }
        return written;
      } finally {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        await session.endSession();
      }
    },
  };
}
