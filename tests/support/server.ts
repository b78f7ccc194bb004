// Starts the real Kolokol server (express + socket.io + SQLite file) on an ephemeral
// loopback port for a test, with captured logs, and tears it all down afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { loadConfig, type Config } from '../../server/src/config/config.js';
import type { Clock } from '../../server/src/domain/clock.js';
import { createLogger } from '../../server/src/logger.js';
import { createKolokolServer, type KolokolServer } from '../../server/src/server.js';
import type { Store } from '../../server/src/store/ports.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly server: KolokolServer;
  readonly store: Store;
  readonly dbFile: string;
  /** Every log line the server wrote, as raw JSON text. */
  readonly logs: string[];
  /** Every row of every table, for "nothing changed" assertions. */
  snapshot(): Record<string, unknown[]>;
  close(): Promise<void>;
}

/** Generous limits so tests exercise the behaviour they name, not the rate limiter. */
const TEST_ENV = {
  KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE: '100000',
  KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '100000',
  KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '1000000',
  KOLOKOL_REGISTRATIONS_PER_HOUR: '1000000',
  KOLOKOL_SOCKET_EVENTS_PER_SECOND: '10000',
  KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: '10000',
  KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE: '10000',
  KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: '10000',
  KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR: '10000',
  KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR: '500',
  KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: '1000000',
  KOLOKOL_LOG_LEVEL: 'debug',
  KOLOKOL_SHUTDOWN_GRACE_MS: '2000',
};

export interface TestServerOptions {
  /** Wraps the real store before the server gets it (test instrumentation such as call counting). */
  readonly wrapStore?: (store: Store) => Store;
  /** The server's clock, for tests of ages and hourly budgets. */
  readonly clock?: Clock;
  /** A port to listen on (default: an ephemeral one), for browsers whose Origin must be allowed. */
  readonly port?: number;
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-test-'));
  const dbFile = path.join(dir, 'kolokol.sqlite');
  const config = loadConfig({ ...TEST_ENV, KOLOKOL_DATA_DIR: dir, ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const store = await openSqliteStore({ file: dbFile });
  const server = createKolokolServer({
    config,
    store: options.wrapStore ? options.wrapStore(store) : store,
    logger: createLogger(config.logLevel, sink),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const address = await server.listen(options.port ?? 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    config,
    server,
    store,
    dbFile,
    logs,
    snapshot: () => snapshotDatabase(dbFile),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The servers a test file starts with settings of its own, to be closed together after each test. */
export interface TestServers {
  /** Starts a server (as startTestServer) and remembers it for closeAll. */
  start(env?: Record<string, string>, options?: TestServerOptions): Promise<TestServer>;
  /** Closes every server started since the last call, in the order they were started. */
  closeAll(): Promise<void>;
}

/** For tests that each start their own servers: call closeAll from the file's afterEach. */
export function testServers(): TestServers {
  const started: TestServer[] = [];
  return {
    async start(env = {}, options = {}) {
      const server = await startTestServer(env, options);
      started.push(server);
      return server;
    },
    async closeAll() {
      for (const server of started.splice(0)) await server.close();
    },
  };
}

export function snapshotDatabase(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      out[name] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return out;
  } finally {
    db.close();
  }
}
