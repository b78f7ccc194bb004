// docs/deploy.md's systemd unit is something an operator copies as it stands: it runs the same
// command as `npm run start:prod`, as its own user, with the settings the text promises, and
// systemd's own checker accepts it (no unknown or misspelt setting) and rates it well hardened.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../server/src/config/config.js';
import { REPO_ROOT } from '../support/process.js';

const doc = await readFile(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
const unit = /```ini\n(\[Unit\][\s\S]*?)```/.exec(doc)?.[1] ?? '';

/** Every value of a `Key=value` line in the unit, in order. */
const values = (key: string): string[] =>
  [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1]!);
const value = (key: string): string | undefined => values(key)[0];

/** systemd's offline checker, where this machine has it; without it the checks below say so. */
function systemdAnalyzeWorks(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('deploy-docs: systemd-analyze is not installed; the unit is not checked by it');
    return false;
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("docs/deploy.md's systemd unit", () => {
  it('runs the build the way `npm run start:prod` does, as its own user, in production mode', async () => {
    expect(unit).not.toBe('');
    const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [program, ...args] = manifest.scripts['start:prod']!.split(' ');
    const script = args.pop()!;
    expect(program).toBe('node');
    expect(value('ExecStart')).toBe(
      `/usr/bin/node ${[...args, path.posix.join(value('WorkingDirectory')!, script)].join(' ')}`,
    );
    expect(value('User')).toMatch(/^[a-z]+$/);
    expect(value('User')).not.toBe('root');
    expect(values('Environment')).toContain('NODE_ENV=production');
    expect(value('Restart')).toBe('on-failure');
  });

  it('writes only to the data directory it gives Kolokol, and stops after the shutdown grace', () => {
    const dataDir = values('Environment')
      .find((setting) => setting.startsWith('KOLOKOL_DATA_DIR='))
      ?.slice('KOLOKOL_DATA_DIR='.length);
    expect(dataDir).toBe(`/var/lib/${value('StateDirectory')}`);
    expect(value('ReadWritePaths')).toBe(dataDir);
    expect(value('StateDirectoryMode')).toBe('0700');
    expect(value('NoNewPrivileges')).toBe('yes');
    expect(value('ProtectSystem')).toBe('strict');
    const graceMs = CONFIG_VARIABLES.KOLOKOL_SHUTDOWN_GRACE_MS.parse(undefined);
    expect(Number(/^(\d+)s$/.exec(value('TimeoutStopSec') ?? '')?.[1]) * 1000).toBeGreaterThan(
      graceMs,
    );
  });

  it.skipIf(!systemdAnalyzeWorks())(
    'passes `systemd-analyze verify` without a warning and rates at most 2.0 in `security`',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-unit-'));
      dirs.push(dir);
      const file = path.join(dir, 'kolokol.service');
      // verify checks that ExecStart's program exists: name this machine's node, wherever it is.
      await writeFile(file, unit.replace('/usr/bin/node ', `${process.execPath} `));

      const verified = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);

      // --threshold is on systemd's 0–100 scale: 20 is an overall exposure of 2.0 out of 10.
      const rated = spawnSync(
        'systemd-analyze',
        ['security', '--offline=yes', '--threshold=20', '--no-pager', file],
        { encoding: 'utf8' },
      );
      expect(rated.stdout).toMatch(/Overall exposure level for kolokol\.service: [0-9.]+ OK/);
      expect(rated.status).toBe(0);
    },
  );
});
