// The shape the design promises, checked: the domain imports no transport or database, and
// shared imports nothing Node-only and nothing from the server or client.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/process.js';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(REPO_ROOT, dir), {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)));
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
}

describe('architecture', () => {
  it('the domain imports neither express, socket.io, passport nor a database driver or adapter', async () => {
    const forbidden =
      /^(express|socket\.io|passport|better-sqlite3|mongoose|mongodb)(\/|$)|\/(http|realtime|store\/sqlite|store\/mongo)\//;
    const files = await sourceFiles('server/src/domain');
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        expect(forbidden.test(specifier), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  it('shared imports nothing Node-only and nothing from server or client', async () => {
    const nodeOrServer = /^(node:|fs$|path$|crypto$|@kolokol\/(server|client))|\/(server|client)\//;
    const files = await sourceFiles('shared/src');
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        expect(nodeOrServer.test(specifier), `${file} imports ${specifier}`).toBe(false);
      }
    }
  });
});
