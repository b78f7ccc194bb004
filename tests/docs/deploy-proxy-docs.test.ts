// docs/deploy.md's nginx site and torrc lines are what an operator copies as they stand: nginx and
// tor accept them (`nginx -t`, `tor --verify-config`, in a scratch prefix), and they keep the
// promises the text makes — no client address logged, websockets forwarded and kept open past
// socket.io's ping, body limits above Kolokol's own, the client's address passed in place of any
// it sent, loopback only, and the onion pointed at nginx's loopback listener. Each tool's check is
// shown to bite: a misspelt directive, a service directory others can read, are refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../server/src/config/config.js';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from '../../server/src/realtime/limits.js';
import { REPO_ROOT } from '../support/process.js';

const doc = await readFile(path.join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
// The site file, by its first line: deploy.md also has a short `location` block for sub-paths.
const site =
  [...doc.matchAll(/```nginx\n([\s\S]*?)```/g)]
    .map((block) => block[1] ?? '')
    .find((block) => block.startsWith('# /etc/nginx/conf.d/kolokol.conf')) ?? '';
const torrc = /```torrc\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

/** Whether `command --version`-like `args` runs here; without the tool the check says it skipped. */
function installed(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(`deploy-proxy-docs: ${command} is not installed; its check is skipped`);
    return false;
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The directive lines (comments dropped) of a config block. */
const directives = (block: string) =>
  block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');

/** The text of the `location <path> { … }` block (locations here have one level of braces). */
function location(where: string): string {
  const start = site.indexOf(`location ${where} {`);
  expect(start, `location ${where}`).toBeGreaterThan(-1);
  return site.slice(start, site.indexOf('\n    }', start));
}

/** A size directive's value in bytes (nginx's k and m suffixes). */
function bytesOf(text: string | undefined): number {
  const match = /^(\d+)([km]?)$/.exec(text ?? '');
  if (!match) throw new Error(`not a size: ${String(text)}`);
  return Number(match[1]) * { '': 1, k: 1024, m: 1024 * 1024 }[match[2] as '' | 'k' | 'm'];
}
const sizeIn = (block: string) => bytesOf(/client_max_body_size (\S+);/.exec(block)?.[1]);

describe("docs/deploy.md's nginx site", () => {
  it('logs no client address, and passes the client address in place of the one it sent', () => {
    expect(site).not.toBe('');
    const lines = directives(site);
    const servers = site.split(/^server \{/m).length - 1;
    expect(servers).toBeGreaterThanOrEqual(2);
    expect(lines.filter((line) => line === 'access_log off;').length).toBe(servers);
    expect(
      lines.filter((line) => /^(access_log|log_format)\b/.test(line) && line !== 'access_log off;'),
    ).toEqual([]);
    expect(
      lines.filter((line) => line.startsWith('error_log')).every((line) => / crit;$/.test(line)),
    ).toBe(true);
    const forwarded = lines.filter((line) => line.startsWith('proxy_set_header X-Forwarded-For'));
    expect(forwarded.length).toBe(2);
    expect(new Set(forwarded)).toEqual(new Set(['proxy_set_header X-Forwarded-For $remote_addr;']));
  });

  it('forwards websocket upgrades, keeps sockets open past the ping, and limits bodies above Kolokol', () => {
    const socket = location('/socket.io/');
    expect(socket).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(socket).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(socket).toContain('proxy_http_version 1.1;');
    const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(socket)?.[1]) * 1000;
    expect(readTimeout).toBeGreaterThan(PING_INTERVAL_MS + PING_TIMEOUT_MS);
    const rest = /^ {4}client_max_body_size (\S+);/m.exec(site)?.[1];
    expect(bytesOf(rest)).toBeGreaterThan(
      CONFIG_VARIABLES.KOLOKOL_MAX_JSON_BODY_BYTES.parse(undefined),
    );
    expect(sizeIn(socket)).toBeGreaterThan(
      CONFIG_VARIABLES.KOLOKOL_MAX_SOCKET_MESSAGE_BYTES.parse(undefined),
    );
    // TLS 1.2 and 1.3 only; every upstream and the onion listener on loopback.
    expect(site).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    const upstreams = directives(site).filter((line) => /^server \d/.test(line));
    expect(upstreams.length).toBeGreaterThan(0);
    for (const line of upstreams) expect(line).toMatch(/^server 127\.0\.0\.1:\d+;$/);
  });

  it.skipIf(!installed('nginx', ['-v']) || !installed('openssl', ['version']))(
    'passes `nginx -t` (and a misspelt directive does not)',
    async () => {
      const dir = await scratch('kolokol-nginx-');
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=kolokol.example.org',
        ],
        { stdio: 'ignore' },
      );
      const check = async (text: string) => {
        const local = text
          .replace(/ssl_certificate (\S+);/, `ssl_certificate ${cert};`)
          .replace(/ssl_certificate_key (\S+);/, `ssl_certificate_key ${key};`)
          .replace(/error_log \S+ crit;/, `error_log ${path.join(dir, 'error.log')} crit;`);
        await writeFile(path.join(dir, 'kolokol.conf'), local);
        await writeFile(
          path.join(dir, 'nginx.conf'),
          `pid ${path.join(dir, 'nginx.pid')};\nerror_log ${path.join(dir, 'main-error.log')};\n` +
            `events {}\nhttp {\n  include ${path.join(dir, 'kolokol.conf')};\n}\n`,
        );
        return spawnSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
          encoding: 'utf8',
        });
      };
      const checked = await check(site);
      expect(checked.stderr).toContain('test is successful');
      expect(checked.status).toBe(0);
      const misspelt = await check(site.replace('proxy_read_timeout', 'proxy_read_timeot'));
      expect(misspelt.stderr).toContain('unknown directive');
      expect(misspelt.status).not.toBe(0);
    },
  );
});

describe("docs/deploy.md's torrc", () => {
  it('serves only, points the onion at nginx’s loopback listener, with proof-of-work defences', () => {
    const lines = directives(torrc);
    expect(lines).toContain('SocksPort 0');
    expect(lines).toContain('HiddenServicePoWDefensesEnabled 1');
    const ports = lines.filter((line) => line.startsWith('HiddenServicePort '));
    expect(ports).toEqual(['HiddenServicePort 80 127.0.0.1:8081']);
    expect(site).toContain('listen 127.0.0.1:8081;');
  });

  it.skipIf(!installed('tor', ['--version']))(
    'passes `tor --verify-config` (and a service directory others can read does not)',
    async () => {
      const dir = await scratch('kolokol-tor-');
      const service = path.join(dir, 'kolokol');
      await mkdir(service, { mode: 0o700 });
      const file = path.join(dir, 'torrc');
      await writeFile(
        file,
        `${torrc.replace(/^HiddenServiceDir .*$/m, `HiddenServiceDir ${service}/`)}\n` +
          `DataDirectory ${path.join(dir, 'data')}\n`,
      );
      const verify = () => spawnSync('tor', ['--verify-config', '-f', file], { encoding: 'utf8' });
      const verified = verify();
      expect(verified.stdout).toContain('Configuration was valid');
      expect(verified.status).toBe(0);
      await chmod(service, 0o755);
      const loose = verify();
      expect(loose.stdout).toContain('too permissive');
      expect(loose.status).not.toBe(0);
    },
  );
});
