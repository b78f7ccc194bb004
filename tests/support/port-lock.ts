// A lock for the one fixed port a test must use (the default 8080 of `npm start`): several
// checkouts of this repository may run their suites on one machine at once, and two servers
// cannot both listen on 8080. The lock is a directory under the system's temp folder, created
// atomically; a holder that died leaves its pid behind, and the next taker removes it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a test waits for another checkout's run to release the port before failing. */
const PORT_LOCK_WAIT_MS = 120_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function take(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    await writeFile(path.join(dir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => 'NaN'));
    // A lock whose pid file is not written yet is being taken right now: wait for it.
    if (Number.isInteger(holder) && !alive(holder)) await rm(dir, { recursive: true, force: true });
    return false;
  }
}

/** Runs `fn` while holding the machine-wide lock for `port`; waits (bounded) for other holders. */
export async function withPortLock<T>(port: number, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), `kolokol-port-${port}.lock`);
  const deadline = Date.now() + PORT_LOCK_WAIT_MS;
  while (!(await take(dir))) {
    if (Date.now() > deadline) throw new Error(`port ${port} stayed locked by another test run`);
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
