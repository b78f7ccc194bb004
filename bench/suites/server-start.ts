// Start-up time and idle memory of the server, run the two ways docs/deploy.md describes:
// `npm start` (tsx compiles the TypeScript at start-up) as the baseline, and the production build
// (`npm run build`, then node on dist/server/main.js as `npm run start:prod` does). Each run is a
// fresh process with its own data directory; the two are interleaved and the medians reported.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cleanEnv,
  REPO_ROOT,
  spawnCaptured,
  startProcess,
  waitForHttp,
  type Finished,
} from '../../tests/support/process.js';
import type { BenchResult } from '../measure.js';

/** Runs of each kind; odd, so the median is one real run. */
const RUNS = 5;
/** Time a ready server is left alone before its memory is read, so start-up garbage can settle. */
const IDLE_MS = 1000;
/** A start slower than this fails the run instead of hanging it. */
const READY_TIMEOUT_MS = 30_000;
const READY_LINE = /"port":(\d+),[^\n]*"msg":"kolokol listening"/;

interface Sample {
  readonly startMs: number;
  readonly idleRssMb: number;
}

type Launch = (cwd: string, env: NodeJS.ProcessEnv) => ReturnType<typeof spawnCaptured>;

/** Resident memory of `pid` and every process below it (tsx runs the server in a child node). */
async function treeRssKb(pid: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'.
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked: not part of the tree any more.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  let totalKb = 0;
  for (const member of tree) {
    const status = await readFile(`/proc/${member}/status`, 'utf8');
    totalKb += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  }
  return totalKb;
}

/** Spawn → the "kolokol listening" line (timed on the output event, not by polling). */
async function measureOnce(launch: Launch): Promise<Sample> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'kolokol-bench-start-'));
  const env = cleanEnv({ PORT: '0', NODE_ENV: 'production' });
  const started = performance.now();
  const server = launch(cwd, env);
  let sample: Sample;
  let exitCode: number | null;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the server never became ready')),
        READY_TIMEOUT_MS,
      );
      void server.finished.then(({ code }: Finished) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code} before it was ready: ${server.output()}`));
      });
      server.child.stdout?.on('data', () => {
        const match = READY_LINE.exec(server.output());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const startMs = performance.now() - started;
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, 5000);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleRssMb = (await treeRssKb(server.child.pid!)) / 1024;
    sample = { startMs, idleRssMb };
  } finally {
    server.child.kill('SIGTERM');
    exitCode = (await server.finished).code;
    await rm(cwd, { recursive: true, force: true });
  }
  // A server that does not stop cleanly is not the one the figures describe.
  if (exitCode !== 0) throw new Error(`the server exited with ${exitCode} on SIGTERM`);
  return sample;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  // Built like the test does: inside the repository (the bundle finds node_modules above it),
  // in a directory of its own so it never touches dist/server.
  await mkdir(path.join(REPO_ROOT, 'dist'), { recursive: true });
  const outdir = await mkdtemp(path.join(REPO_ROOT, 'dist', '.bench-build-'));
  try {
    const built = await startProcess('scripts/build.ts', ['--outdir', outdir], {
      cwd: REPO_ROOT,
      env: cleanEnv(),
    }).finished;
    if (built.code !== 0) throw new Error(`npm run build failed: ${built.stderr}`);

    const tsx: Launch = (cwd, env) => startProcess('server/src/main.ts', [], { cwd, env });
    const compiled: Launch = (cwd, env) =>
      spawnCaptured(process.execPath, ['--enable-source-maps', path.join(outdir, 'main.js')], {
        cwd,
        env,
      });
    const samples = { tsx: [] as Sample[], compiled: [] as Sample[] };
    for (let i = 0; i < RUNS; i += 1) {
      samples.tsx.push(await measureOnce(tsx));
      samples.compiled.push(await measureOnce(compiled));
    }
    const figure = (kind: keyof typeof samples, of: keyof Sample) =>
      median(samples[kind].map((sample) => sample[of]));
    const tsxStart = figure('tsx', 'startMs');
    const tsxRss = figure('tsx', 'idleRssMb');
    const compiledStart = figure('compiled', 'startMs');
    const compiledRss = figure('compiled', 'idleRssMb');
    return [
      { name: 'server.baseline_tsx_start_ms', value: tsxStart, unit: 'ms', better: 'lower' },
      {
        name: 'server.start_ms',
        value: compiledStart,
        unit: 'ms',
        better: 'lower',
        baseline: 'server.baseline_tsx_start_ms',
        ratio: compiledStart / tsxStart,
      },
      { name: 'server.baseline_tsx_idle_rss_mb', value: tsxRss, unit: 'MiB', better: 'lower' },
      {
        name: 'server.idle_rss_mb',
        value: compiledRss,
        unit: 'MiB',
        better: 'lower',
        baseline: 'server.baseline_tsx_idle_rss_mb',
        ratio: compiledRss / tsxRss,
      },
    ];
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
