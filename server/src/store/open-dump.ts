// Chooses the dump adapter from configuration, as open-store.ts chooses the store: the SQLite
// file under the data directory unless MONGODB_URI is set, then MongoDB (mongo/dump.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { createMongoDump } from './mongo/dump.js';
import { openMongoContext } from './mongo/open-mongo-store.js';
import { MONGO_URI_ERRORS, SQLITE_FILE_NAME } from './open-store.js';
import type { DumpPort } from './ports/dump.js';
import { openSqliteDump } from './sqlite/dump.js';

export async function openDump(config: Config): Promise<DumpPort> {
  if (config.mongodbUri !== undefined) {
    // Connected (and collections and indexes created) as the server would; the CLI exits when
    // done, which closes the connection. No fallback to SQLite, as in open-store.ts.
    try {
      return createMongoDump(await openMongoContext({ uri: config.mongodbUri }));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'error';
      if (MONGO_URI_ERRORS.has(name)) {
        throw new ConfigError(
          'invalid configuration: MONGODB_URI (not a usable connection string)',
        );
      }
      if (error instanceof Error && error.message.startsWith('store: ')) throw error;
      throw new Error(`store: could not open MongoDB (${name})`);
    }
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteDump(path.join(config.dataDir, SQLITE_FILE_NAME));
}
