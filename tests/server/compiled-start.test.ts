// The production build (`npm run build`, then `node` on dist/server): compiled once for this file,
// then the real server and admin CLI run from it as processes, with no TypeScript at run time.
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, closeAllSockets, connectWithToken, registerAndLogin } from '../support/client.js';
import {
  cleanEnv,
  listeningPort,
  REPO_ROOT,
  SERVER_NODE_OPTIONS,
  spawnCaptured,
  startProcess,
} from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { CLIENT_BUILD_DIR } from '../../scripts/client-build.js';

interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readManifest = async (dir: string) =>
  JSON.parse(await readFile(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest;

/** The built web client's page (client/dist, built by the run's global setup), which both ways of running serve. */
const webClientPage = () => readFile(path.join(CLIENT_BUILD_DIR, 'index.html'), 'utf8');

/** Node's options in `npm run start:prod`, so the test runs the output the way it documents. */
const NODE_OPTIONS = ['--enable-source-maps', ...SERVER_NODE_OPTIONS];

// The output lives inside the repository (under the git-ignored dist/), because the bundle finds
// its npm packages the way a deployment does: in node_modules above it. A fresh directory per run
// keeps this file from racing with `npm run build` or another run.
let outdir: string;
const dirs: string[] = [];

beforeAll(async () => {
  await mkdir(path.join(REPO_ROOT, 'dist'), { recursive: true });
  outdir = await mkdtemp(path.join(REPO_ROOT, 'dist', '.test-build-'));
  dirs.push(outdir);
  const built = await startProcess('scripts/build.ts', ['--outdir', outdir], {
    cwd: REPO_ROOT,
    env: cleanEnv(),
  }).finished;
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('is the script the package runs, and start:prod runs node on its default output', async () => {
    const { scripts } = await readManifest('.');
    expect(scripts?.build).toBe('tsx scripts/build.ts');
    expect(scripts?.['start:prod']).toBe(`node ${NODE_OPTIONS.join(' ')} dist/server/main.js`);
    // npm start builds the web client first when it is missing or stale (scripts/client-build.ts).
    expect(scripts?.start).toBe(
      `tsx scripts/client-build.ts && tsx ${SERVER_NODE_OPTIONS.join(' ')} server/src/main.ts`,
    );
  });

  it('writes JavaScript with source maps that imports only Node built-ins and production dependencies', async () => {
    const allowed = new Set<string>();
    for (const dir of ['server', 'shared']) {
      for (const name of Object.keys((await readManifest(dir)).dependencies ?? {}))
        allowed.add(name);
    }
    for (const entry of ['main', 'admin']) {
      const code = await readFile(path.join(outdir, `${entry}.js`), 'utf8');
      expect((await stat(path.join(outdir, `${entry}.js.map`))).isFile()).toBe(true);
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*"([^"]+)"/gm),
        ...code.matchAll(/\bimport\("([^"]+)"\)/g),
      ].map((match) => match[1]!);
      expect(specifiers.length).toBeGreaterThan(0);
      // A bare name's package is its first segment, or its first two for a scoped name.
      const packages = specifiers
        .filter((specifier) => !specifier.startsWith('node:'))
        .map((specifier) =>
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      // Workspace code (@kolokol/*) is compiled in; no relative import escapes the bundle.
      expect(packages.filter((name) => !allowed.has(name))).toEqual([]);
      expect(code).not.toMatch(/from\s*"\.{1,2}\//);
    }
  });
});

describe('the sources (npm start)', () => {
  it('serve the built web client from client/dist, as the build does', async () => {
    const server = await startTestServer();
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(await webClientPage());
    } finally {
      await server.close();
    }
  });
});

describe('node on the build', () => {
  it('serves health, the web client, registration, login and sockets; the admin CLI works beside it; SIGTERM stops it', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'kolokol-compiled-'));
    dirs.push(cwd);
    const dataDir = path.join(cwd, 'data');
    const env = cleanEnv({ PORT: '0', NODE_ENV: 'production', KOLOKOL_DATA_DIR: dataDir });
    const server = spawnCaptured(
      process.execPath,
      [...NODE_OPTIONS, path.join(outdir, 'main.js')],
      {
        cwd,
        env,
      },
    );
    try {
      const url = `http://127.0.0.1:${await listeningPort(server.output)}`;
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toBe(await webClientPage());
      expect((await stat(path.join(dataDir, 'kolokol.sqlite'))).mode & 0o077).toBe(0);

      const { account, token } = await registerAndLogin(url, 'compiled');
      const socket = await connectWithToken(url, token);
      expect(await call(socket, 'session.whoami', {})).toMatchObject({
        ok: true,
        data: { handle: account.handle },
      });

      const admin = await spawnCaptured(
        process.execPath,
        [...NODE_OPTIONS, path.join(outdir, 'admin.js'), 'audit-head'],
        { cwd, env: cleanEnv({ KOLOKOL_DATA_DIR: dataDir }) },
      ).finished;
      expect(admin.stderr).toBe('');
      expect(admin.code).toBe(0);
      expect(admin.stdout).toMatch(/^audit log: \d+ entries; head/);
    } finally {
      closeAllSockets();
      server.child.kill('SIGTERM');
    }
    const finished = await server.finished;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('"msg":"stopped"');
    expect(finished.stderr).toBe('');
  }, 60_000);
});
