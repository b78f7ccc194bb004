// Chooses the dump adapter from configuration, as open-store.ts chooses the store: the SQLite
// file under the data directory unless MONGODB_URI is set.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { SQLITE_FILE_NAME } from './open-store.js';
import type { DumpPort } from './ports/dump.js';
import { openSqliteDump } from './sqlite/dump.js';

export async function openDump(config: Config): Promise<DumpPort> {
  if (config.mongodbUri !== undefined) {
    // The MongoDB adapter implements the same port (ports/dump.ts) once it exists.
    throw new ConfigError('invalid configuration: MONGODB_URI (no MongoDB dump adapter yet)');
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteDump(path.join(config.dataDir, SQLITE_FILE_NAME));
}
