// Opens the MongoDB store: connects with majority reads and writes, checks that the deployment
// can run transactions (a replica set or a sharded cluster), creates every collection and declared
// index before serving anything, and wires the ports.
import type { ConnectOptions, Connection } from 'mongoose';
import type { Store } from '../ports.js';
import { createMongoAccountStore } from './accounts.js';
import { createMongoAuditStore } from './audit.js';
import { createMongoCertificateStore } from './certificates.js';
import { createMongoChallengeStore } from './challenges.js';
import { registerModels } from './context.js';
import type { MongoContext, MongoModels } from './context.js';
import { createMongoConversationStore } from './conversations.js';
import { createMongoDeviceStore } from './devices.js';
import { createMongoEnrolmentStore } from './enrolments.js';
import { createMongoEnvelopePrekeyStore } from './envelope-prekeys.js';
import { createMongoMetaStore } from './meta.js';
import { kolokolMongoose } from './mongoose.js';
import { createMongoOfferStore } from './offers.js';
import { createMongoPrekeyStore } from './prekeys.js';
import { createMongoProposalStore } from './proposals.js';
import { createMongoReportStore } from './reports.js';
import { createMongoRequestStore } from './requests.js';
import { createMongoSessionStore } from './sessions.js';
import { createMongoVettingStore } from './vetting.js';

export interface MongoStoreOptions {
  /** A mongodb:// or mongodb+srv:// connection string. */
  readonly uri: string;
  /** The database; without it the one the URI names, else DEFAULT_MONGO_DATABASE. */
  readonly dbName?: string;
}

/** The database used when neither the options nor the URI's path name one. */
export const DEFAULT_MONGO_DATABASE = 'kolokol';

/**
 * Connection settings. Each bounds how long a request can wait on the database or how much of it
 * one process may hold:
 * - serverSelectionTimeoutMS: an operation fails after 10 s without a usable primary, instead of
 *   queueing for the driver's default 30 s while sockets pile up;
 * - connectTimeoutMS: one TCP/TLS connection attempt gives up after 10 s;
 * - socketTimeoutMS: a socket with no answer for 60 s is closed (longer than any single operation
 *   should take, so it only ends connections that are dead);
 * - maxPoolSize: at most 50 connections per server process (MongoDB holds ~1 MB per connection);
 * - waitQueueTimeoutMS: a request waits at most 10 s for a free connection from the pool;
 * - writeConcern majority with the journal and readConcern majority: what the server acknowledges
 *   survives the loss of the primary, and what it reads will not be rolled back.
 */
export const MONGO_CONNECTION_OPTIONS = {
  serverSelectionTimeoutMS: 10_000,
  connectTimeoutMS: 10_000,
  socketTimeoutMS: 60_000,
  maxPoolSize: 50,
  waitQueueTimeoutMS: 10_000,
  retryWrites: true,
  retryReads: true,
  writeConcern: { w: 'majority', journal: true },
  readConcern: { level: 'majority' },
  readPreference: 'primary',
  appName: 'kolokol',
  autoIndex: false,
  autoCreate: false,
  sanitizeFilter: true,
} as const satisfies ConnectOptions;

/** True when the URI's path names a database (mongodb://host1,host2/name?options). */
function namesDatabase(uri: string): boolean {
  return /^mongodb(?:\+srv)?:\/\/[^/]+\/[^?/]+/.test(uri);
}

/** Transactions need a replica set or a sharded cluster; a standalone server refuses them. */
async function requireTransactions(connection: Connection): Promise<void> {
  const db = connection.db;
  if (db === undefined) throw new Error('store: MongoDB connection has no database');
  const hello = await db.admin().command({ hello: 1 });
  const replicaSet = typeof hello.setName === 'string';
  const router = hello.msg === 'isdbgrid';
  if (!replicaSet && !router) {
    throw new Error(
      'store: MongoDB is a standalone server; Kolokol needs a replica set (transactions)',
    );
  }
}

/**
 * Creates every collection and every index the schemas declare, before anything is served:
 * autoIndex is off, so nothing is built lazily behind a first query. `createIndexes` adds missing
 * indexes and never drops one an operator added; an index whose options changed under the same
 * name fails here, at start, instead of being silently left as it was.
 */
async function createCollectionsAndIndexes(models: MongoModels): Promise<void> {
  for (const model of Object.values(models)) {
    const existing = await model.db.db
      ?.listCollections({ name: model.collection.collectionName }, { nameOnly: true })
      .toArray();
    if (existing === undefined || existing.length === 0) await model.createCollection();
    await model.createIndexes();
  }
}

/** Every port on `context`; building them sends nothing (tests build them without a server). */
export function createMongoPorts(context: MongoContext): Omit<Store, 'ping' | 'close'> {
  return {
    accounts: createMongoAccountStore(context),
    enrolments: createMongoEnrolmentStore(context),
    sessions: createMongoSessionStore(context),
    challenges: createMongoChallengeStore(context),
    meta: createMongoMetaStore(context),
    devices: createMongoDeviceStore(context),
    prekeys: createMongoPrekeyStore(context),
    certificates: createMongoCertificateStore(context),
    envelopePrekeys: createMongoEnvelopePrekeyStore(context),
    audit: createMongoAuditStore(context),
    vetting: createMongoVettingStore(context),
    offers: createMongoOfferStore(context),
    requests: createMongoRequestStore(context),
    conversations: createMongoConversationStore(context),
    proposals: createMongoProposalStore(context),
    reports: createMongoReportStore(context),
  };
}

/**
 * Connects and prepares the database (transactions available, every collection and index
 * created): what the store and the dump port (dump.ts) both start from.
 */
export async function openMongoContext(options: MongoStoreOptions): Promise<MongoContext> {
  const dbName =
    options.dbName ?? (namesDatabase(options.uri) ? undefined : DEFAULT_MONGO_DATABASE);
  const connection = kolokolMongoose.createConnection(options.uri, {
    ...MONGO_CONNECTION_OPTIONS,
    ...(dbName === undefined ? {} : { dbName }),
  });
  try {
    await connection.asPromise();
    await requireTransactions(connection);
    const models = registerModels(connection);
    await createCollectionsAndIndexes(models);
    return { connection, models };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}

/** Opens (creating collections and indexes as needed) the MongoDB store. */
export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const context = await openMongoContext(options);
  const { connection } = context;
  let closed = false;
  return {
    ...createMongoPorts(context),
    async ping() {
      const db = connection.db;
      if (db === undefined) throw new Error('store: ping failed');
      const answer = await db.admin().command({ ping: 1 });
      if (answer.ok !== 1) throw new Error('store: ping failed');
    },
    async close() {
      // Idempotent, so shutdown paths may close without tracking who closed first.
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}
