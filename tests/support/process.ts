// Runs the real entry points (server, admin CLI) as child processes, the way an operator does.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/**
 * Node's options for the server in `npm start` and `npm run start:prod` (package.json; checked by
 * tests/server/start.test.ts and compiled-start.test.ts): a 32 MiB young generation, so the relay's
 * short-lived bodies and frames are collected in fewer scavenges (docs/relay.md, "Node").
 */
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=32'] as const;

/** The environment of this process minus every Kolokol setting, so defaults apply. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !key.startsWith('KOLOKOL_') &&
      key !== 'PORT' &&
      key !== 'MONGODB_URI' &&
      key !== 'REDIS_URL'
    )
      env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a TypeScript entry point (relative to the repository) through tsx, as `npm start` does. */
export function startProcess(
  script: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) {
  return spawnCaptured(TSX, [path.join(REPO_ROOT, script), ...args], options);
}

/** Runs `command`, collecting its output; `finished` resolves when it has exited. */
export function spawnCaptured(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const finished = new Promise<Finished>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child: child as ChildProcess, finished, output: () => stdout + stderr };
}

export function runAdmin(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return startProcess('server/src/cli/admin.ts', args, { cwd: REPO_ROOT, env }).finished;
}

/** Polls `url` until it answers 200 or `timeoutMs` passes (bounded: never loops forever). */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no answer from ${url}: ${String(lastError)}`);
}

/** The port a server reports in its "kolokol listening" log line (bounded wait). */
export async function listeningPort(output: () => string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":(\d+),[^\n]*"msg":"kolokol listening"/.exec(output());
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server never reported its port');
}
