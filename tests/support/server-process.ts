// The real server as a child process, the way `npm start` runs it (server/src/main.ts), on an
// ephemeral loopback port and a real SQLite file: for tests and benchmarks that kill it, restart
// it, or measure its memory apart from the clients'. Node runs main.ts itself (through tsx's
// loader), so the child's pid is the server's and a signal reaches the server, not a wrapper.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../../server/src/domain/clock.js';
import { AccountService } from '../../server/src/domain/accounts.js';
import { RevocationFeed } from '../../server/src/domain/revocations.js';
import { SessionService } from '../../server/src/domain/sessions.js';
import { SQLITE_FILE_NAME } from '../../server/src/store/open-store.js';
import { openMongoStore } from '../../server/src/store/mongo/open-mongo-store.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { login, newTestAccount, register, type TestAccount } from './client.js';
import { TEST_MONGODB_URI, dropDatabase, uriWithDatabase } from './mongo-store.js';
import { cleanEnv, REPO_ROOT, SERVER_NODE_OPTIONS } from './process.js';

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident memory of the server process, in bytes (Linux /proc). */
  rssBytes(): Promise<number>;
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Limits a real deployment keeps low, raised for a process that carries many clients' traffic
 * from one address — the relay bench, the crash test, the client's reconnect test — so that what
 * they measure or prove is the relay, not these limits.
 */
export const GENEROUS_RELAY_LIMITS = {
  KOLOKOL_SOCKET_EVENTS_PER_SECOND: '10000',
  KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: '10000',
  KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: '1000000',
  KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE: '10000',
  KOLOKOL_REGISTRATIONS_PER_HOUR: '1000000',
  KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '1000000',
  KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '1000000',
} as const;

/** Starts main.ts with `env` (on top of a clean environment); `port` 0 picks a free one. */
export async function startServerProcess(
  env: Record<string, string>,
  port = 0,
  /** Options for node itself (a profiler, say). */
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      ...SERVER_NODE_OPTIONS,
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'server/src/main.ts'),
    ],
    {
      cwd: REPO_ROOT,
      env: cleanEnv({ KOLOKOL_LOG_LEVEL: 'info', ...env, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));

  const deadline = Date.now() + START_TIMEOUT_MS;
  let listening: number | undefined;
  while (listening === undefined) {
    const match = /"port":(\d+)[^\n]*"msg":"kolokol listening"/.exec(output);
    if (match) listening = Number(match[1]);
    else if (exitedYet) throw new Error(`server exited at start: ${output.slice(-2000)}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('server did not start in time');
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('server process has no pid');
  return {
    url: `http://127.0.0.1:${listening}`,
    port: listening,
    pid,
    output: () => output,
    async rssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (kib === undefined) throw new Error('no VmRSS');
      return Number(kib) * 1024;
    },
    async stop(signal) {
      if (!exitedYet) child.kill(signal);
      await exited;
    },
  };
}

/**
 * The store settings of a server process that keeps its data under `dataDir` — or, when the run
 * has MONGODB_URI (the crash test and the relay bench then run against MongoDB), in a MongoDB
 * database of its own named after that directory (drop it with dropProcessStore).
 */
export function processStoreEnv(dataDir: string): Record<string, string> {
  if (TEST_MONGODB_URI === undefined) return { KOLOKOL_DATA_DIR: dataDir };
  return {
    KOLOKOL_DATA_DIR: dataDir,
    MONGODB_URI: uriWithDatabase(TEST_MONGODB_URI, processDatabase(dataDir)),
  };
}

/** The MongoDB database of the process whose data directory is `dataDir`. */
function processDatabase(dataDir: string): string {
  return `kolokol_test_${path.basename(dataDir).replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 63);
}

/** Drops the MongoDB database processStoreEnv named for `dataDir`, if the run has one. */
export async function dropProcessStore(dataDir: string): Promise<void> {
  if (TEST_MONGODB_URI !== undefined) {
    await dropDatabase(TEST_MONGODB_URI, processDatabase(dataDir));
  }
}

/**
 * Enrols `count` moderators in the store under `dataDir` as the admin CLI does (the same service
 * on the same file, or the MongoDB database `env` names), before or while a server process runs
 * on it; returns their enrolment codes.
 */
export async function enrolModeratorsInStore(
  dataDir: string,
  count: number,
  env: Record<string, string> = { KOLOKOL_DATA_DIR: dataDir },
): Promise<{ account: TestAccount; code: string }[]> {
  const store =
    env.MONGODB_URI === undefined
      ? await openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) })
      : await openMongoStore({ uri: env.MONGODB_URI });
  try {
    const sessions = new SessionService({
      store,
      clock: systemClock,
      revocations: new RevocationFeed(),
      ttlMs: 3_600_000,
    });
    const accounts = new AccountService({
      store,
      clock: systemClock,
      sessions,
      enrolmentTtlMs: 3_600_000,
    });
    const enrolled = [];
    for (let i = 0; i < count; i += 1) {
      const account = newTestAccount('moderator');
      const { code } = await accounts.enrol(account.handle, 'moderator');
      enrolled.push({ account, code });
    }
    return enrolled;
  } finally {
    await store.close();
  }
}

/** Registers an enrolled moderator with its code on a running server and logs it in. */
export async function registerEnrolled(
  url: string,
  enrolled: { account: TestAccount; code: string },
): Promise<{ account: TestAccount; accountId: string; token: string }> {
  const registered = await register(url, enrolled.account, { enrolmentCode: enrolled.code });
  return {
    account: enrolled.account,
    accountId: registered.accountId,
    token: await login(url, enrolled.account),
  };
}
