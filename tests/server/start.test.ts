// `npm start` with no configuration: serves /healthz on port 8080, creates its SQLite file
// under ./data, and shuts down cleanly on SIGTERM. A bad setting stops start-up, naming it.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { withPortLock } from '../support/port-lock.js';
import {
  cleanEnv,
  REPO_ROOT,
  SERVER_NODE_OPTIONS,
  startProcess,
  waitForHttp,
} from '../support/process.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-start-'));
  dirs.push(dir);
  return dir;
}

it('`npm start` is exactly the entry point these tests run', async () => {
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // After building the web client when it is missing or stale (scripts/client-build.ts).
  expect(manifest.scripts.start).toBe(
    `tsx scripts/client-build.ts && tsx ${SERVER_NODE_OPTIONS.join(' ')} server/src/main.ts`,
  );
});

it('starts with defaults, serves /healthz on 8080, creates ./data/kolokol.sqlite, stops on SIGTERM', async () => {
  const cwd = await freshDir();
  // Other checkouts' runs on this machine take turns on 8080 (tests/support/port-lock.ts).
  const finished = await withPortLock(8080, async () => {
    const server = startProcess('server/src/main.ts', [], { cwd, env: cleanEnv() });
    try {
      const health = await waitForHttp('http://127.0.0.1:8080/healthz');
      expect(await health.json()).toEqual({ status: 'ok' });
      const file = await stat(path.join(cwd, 'data', 'kolokol.sqlite'));
      expect(file.isFile()).toBe(true);
      expect(file.mode & 0o077).toBe(0);
      expect((await stat(path.join(cwd, 'data'))).mode & 0o077).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
    }
    return server.finished;
  });
  expect(finished.code).toBe(0);
  expect(finished.stdout).toContain('"msg":"stopped"');
}, 180_000);

it.each([
  ['PORT', 'eighty'],
  ['KOLOKOL_ALLOWED_ORIGINS', '*'],
  ['KOLOKOL_SESSION_TTL_SECONDS', '-5'],
  ['MONGODB_URI', 'mysql://127.0.0.1:27017/kolokol'],
  ['MONGODB_URI', 'mongodb://'],
  ['MONGODB_URI', 'mongodb://127.0.0.1:27017/kolokol?replicaSet=rs0&notAnOption=secret-value'],
])(
  'refuses to start with a bad %s, naming the variable but not the value',
  async (name, value) => {
    const cwd = await freshDir();
    const { finished } = startProcess('server/src/main.ts', [], {
      cwd,
      env: cleanEnv({ [name]: value, PORT: name === 'PORT' ? value : '0' }),
    });
    const result = await finished;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toContain(value);
  },
  30_000,
);

it('stops with a clear reason when MongoDB cannot be reached, without naming the URI', async () => {
  const cwd = await freshDir();
  // Port 1 on loopback: nothing listens there; the driver gives up after its selection timeout.
  const uri = 'mongodb://kolokol-user:hunter2@127.0.0.1:1/kolokol?replicaSet=rs0';
  const { finished } = startProcess('server/src/main.ts', [], {
    cwd,
    env: cleanEnv({ MONGODB_URI: uri, PORT: '0' }),
  });
  const result = await finished;
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('store: could not open MongoDB');
  for (const secret of ['hunter2', 'kolokol-user', '127.0.0.1', uri]) {
    expect(result.stderr + result.stdout).not.toContain(secret);
  }
}, 40_000);
