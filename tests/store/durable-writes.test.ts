// The writes that must survive a power cut — session revocations, suspensions, moderator
// certificates, revocation lists, audit log entries with their effects — sync the write-ahead
// log before they return; ordinary writes (synchronous=NORMAL) do not. Proven by counting fsync/fdatasync calls of the real store under
// certificates, revocation lists, a request's change of state — sync the write-ahead log before
// they return; ordinary writes (synchronous=NORMAL), a new request among them, do not. Proven by counting fsync/fdatasync calls of the real store under
// strace, between markers the child process leaves in the trace.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/process.js';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CHILD = join(REPO_ROOT, 'tests', 'store', 'support', 'durable-writes-child.ts');
const directory = mkdtempSync(join(tmpdir(), 'kolokol-durable-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** strace needs ptrace, which some containers forbid; the test says so rather than pass. */
function straceWorks(): boolean {
  try {
    execFileSync('strace', ['-qq', '-e', 'trace=none', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Sync calls counted per marked section of the child's trace. */
function syncsPerSection(trace: string): Map<string, number> {
  const sections = new Map<string, number>();
  let current: string | undefined;
  for (const line of trace.split('\n')) {
    const marker = /"\/kolokol-mark\/([a-z-]+)"/.exec(line)?.[1];
    if (marker !== undefined) {
      current = marker;
      sections.set(marker, 0);
    } else if (current !== undefined && /\b(fsync|fdatasync)\(/.test(line)) {
      sections.set(current, (sections.get(current) ?? 0) + 1);
    }
  }
  return sections;
}

describe('durable writes', () => {
  it.skipIf(!straceWorks())(
    'revocations, suspensions, certificates, revocation lists and audit entries sync the log; ordinary writes do not',
    () => {
      const traceFile = join(directory, 'trace.txt');
      execFileSync(
        'strace',
        [
          '-f',
          '-qq',
          '-o',
          traceFile,
          '-e',
          'trace=fsync,fdatasync,access,faccessat,faccessat2',
        ].concat([TSX, CHILD, join(directory, 'kolokol.sqlite')]),
        { stdio: 'ignore', timeout: 60_000 },
      );
      const syncs = syncsPerSection(readFileSync(traceFile, 'utf8'));
      expect([...syncs.keys()]).toEqual([
        'plain',
        'revoke-session',
        'revoke-all-sessions',
        'suspend',
        'certificate',
        'revocation-list',
        'audit-entry',
        'request-transition',
        'proposal-change',
        'end',
      ]);
      expect(syncs.get('plain')).toBe(0);
      for (const durable of [
        'revoke-session',
        'revoke-all-sessions',
        'suspend',
        'certificate',
        'revocation-list',
        'audit-entry',
        'request-transition',
        'proposal-change',
      ]) {
        expect(syncs.get(durable), durable).toBeGreaterThanOrEqual(1);
      }
    },
    60_000,
  );
});
