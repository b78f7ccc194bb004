// MongoDB for the tests and benchmarks that can run against it: when MONGODB_URI is set (a
// replica set: the adapter needs transactions), each run gets databases of its own, named after
// the run, and drops them afterwards. When it is not set these say so and nothing here connects.
import { kolokolMongoose } from '../../server/src/store/mongo/mongoose.js';
import { openMongoStore } from '../../server/src/store/mongo/open-mongo-store.js';
import type { Store } from '../../server/src/store/ports.js';

/** The MongoDB to test against, or undefined (the MongoDB parts are then skipped). */
export const TEST_MONGODB_URI: string | undefined = process.env.MONGODB_URI || undefined;

/** Why the MongoDB parts did not run, for test names and the summary line. */
export const MONGODB_SKIP_REASON =
  'skipped: MONGODB_URI is not set (no MongoDB server on this machine; see docs/deploy.md, "MongoDB replica set")';

/** A database name unique to this process and call, within MongoDB's 63-byte limit. */
let counter = 0;
export function freshDatabaseName(label: string): string {
  counter += 1;
  return `kolokol_test_${label}_${process.pid}_${Date.now().toString(36)}_${counter}`.slice(0, 63);
}

/** `uri` with its database path replaced by `dbName` (options kept). */
export function uriWithDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (match === null) throw new Error('MONGODB_URI is not a mongodb:// connection string');
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}

/** Drops one database (a test's), through a short-lived connection of its own. */
export async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const connection = kolokolMongoose.createConnection(uriWithDatabase(uri, dbName));
  try {
    await connection.asPromise();
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

/**
 * The TTL monitor deletes documents whose `expireAt` passed, about once a minute, on the server's
 * clock. Test data is dated near 1970, so the monitor could delete a message in the middle of a
 * contract test; this pushes the two TTL indexes of a test database out of reach. purgeExpired,
 * which the contract checks, is unaffected.
 */
async function parkTtlIndexes(uri: string, dbName: string): Promise<void> {
  const connection = kolokolMongoose.createConnection(uriWithDatabase(uri, dbName));
  try {
    await connection.asPromise();
    for (const [collection, name] of [
      ['conversation_messages', 'messages_ttl'],
      ['conversation_envelopes', 'envelopes_ttl'],
    ] as const) {
      await connection.db?.command({
        collMod: collection,
        index: { name, expireAfterSeconds: 2_147_483_647 },
      });
    }
  } finally {
    await connection.close();
  }
}

/** A fresh, empty MongoDB store whose close() also drops its database. */
export async function openFreshMongoStore(uri: string, label: string): Promise<Store> {
  const dbName = freshDatabaseName(label);
  const store = await openMongoStore({ uri, dbName });
  try {
    await parkTtlIndexes(uri, dbName);
  } catch (error) {
    await store.close();
    await dropDatabase(uri, dbName);
    throw error;
  }
  return {
    ...store,
    async close() {
      await store.close();
      await dropDatabase(uri, dbName);
    },
  };
}
