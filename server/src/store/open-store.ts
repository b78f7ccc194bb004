// Chooses the store adapter from configuration: SQLite under the data directory unless
// MONGODB_URI is set.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { Store } from './ports.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export const SQLITE_FILE_NAME = 'kolokol.sqlite';

export async function openStore(config: Config): Promise<Store> {
  if (config.mongodbUri !== undefined) {
    // Decided: refuse rather than silently fall back to SQLite, so an operator who asked for
    // MongoDB never ends up with data on local disk. The mongoose adapter is a later issue.
    throw new ConfigError(
      'invalid configuration: MONGODB_URI (this version has no MongoDB adapter yet)',
    );
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteStore({ file: path.join(config.dataDir, SQLITE_FILE_NAME) });
}
