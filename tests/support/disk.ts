// What someone who seized the host would find: the database file and its -wal and -shm
// companions read raw, byte for byte, and searched for what should no longer be there.
import { readFile } from 'node:fs/promises';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';

/** Slack on top of the documented scrub bound for a timer on a shared, loaded 2-core machine. */
const SLACK_MS = 2000;

export async function filesOnDisk(dbFile: string): Promise<Buffer> {
  const parts = await Promise.all(
    ['', '-wal', '-shm'].map((suffix) => readFile(dbFile + suffix).catch(() => Buffer.alloc(0))),
  );
  return Buffer.concat(parts);
}

export function occurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    count += 1;
  }
  return count;
}

/**
 * Polls the files until none of `gone` occurs in them, for at most the scrub bound plus slack;
 * returns how often each was still found at the end (all 0 when the store kept its promise).
 */
export async function leftOnDisk(dbFile: string, gone: readonly Buffer[]): Promise<number[]> {
  const deadline = Date.now() + WAL_SCRUB_DELAY_MS + SLACK_MS;
  for (;;) {
    const disk = await filesOnDisk(dbFile);
    const found = gone.map((needle) => occurrences(disk, needle));
    if (found.every((n) => n === 0) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
