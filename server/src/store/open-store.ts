// Chooses the store adapter from configuration: SQLite under the data directory unless
// MONGODB_URI is set, then MongoDB (docs/deploy.md, "MongoDB replica set").
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { Store } from './ports.js';
import { openMongoStore } from './mongo/open-mongo-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export const SQLITE_FILE_NAME = 'kolokol.sqlite';

/** The driver's errors for a connection string it cannot use (by name: no driver import here). */
export const MONGO_URI_ERRORS = new Set([
  'MongoParseError',
  'MongoAPIError',
  'MongoInvalidArgumentError',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

export async function openStore(config: Config): Promise<Store> {
  if (config.mongodbUri !== undefined) {
    // Never silently falls back to SQLite: an operator who asked for MongoDB never ends up with
    // data on local disk. The driver's own message is not passed on: it can name hosts, users
    // or the connection string itself, and start-up errors are printed.
    try {
      return await openMongoStore({ uri: config.mongodbUri });
    } catch (error) {
      if (MONGO_URI_ERRORS.has(errorName(error))) {
        throw new ConfigError(
          'invalid configuration: MONGODB_URI (not a usable connection string)',
        );
      }
      if (error instanceof Error && error.message.startsWith('store: ')) throw error;
      throw new Error(`store: could not open MongoDB (${errorName(error)})`);
    }
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteStore({ file: path.join(config.dataDir, SQLITE_FILE_NAME) });
}
