// The shape the design promises, checked: the domain imports no transport or database, shared
// imports nothing Node-only and nothing from the server or client, the client core runs without
// DOM or Node globals, and the rooms of
// shared/src/crypto import one another without a cycle.
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

const CRYPTO_DIR = 'shared/src/crypto';

/** The room of a file under shared/src/crypto: its first folder, or the file itself at the top (index.ts). */
function cryptoRoom(file: string): string {
  return path.relative(CRYPTO_DIR, file).split(path.sep)[0]!;
}

/** Room → the other rooms its files import from. */
async function cryptoRoomImports(): Promise<Map<string, Set<string>>> {
  const edges = new Map<string, Set<string>>();
  for (const file of await sourceFiles(CRYPTO_DIR)) {
    const from = cryptoRoom(file);
    const targets = edges.get(from) ?? new Set<string>();
    edges.set(from, targets);
    for (const specifier of await importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.join(path.dirname(file), specifier);
      if (target.startsWith(`${CRYPTO_DIR}/`) && cryptoRoom(target) !== from) {
        targets.add(cryptoRoom(target));
      }
    }
  }
  return edges;
}

/** One cycle in a directed graph as the list of its nodes (first = last), or undefined. */
function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    const seenAt = trail.indexOf(node);
    if (seenAt !== -1) return [...trail.slice(seenAt), node];
    if (done.has(node)) return undefined;
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle !== undefined) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
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

  it('the client core imports only shared, socket.io-client and zod, and uses no DOM-only or Node-only API', async () => {
    // It runs in Node and in the browser alike: storage comes through a port, never a global.
    const allowed = /^(\.\/|@kolokol\/shared(\/crypto)?$|socket\.io-client$|zod$)/;
    const domOnly =
      /\b(window|document|navigator|location|localStorage|sessionStorage|indexedDB|HTMLElement|customElements|process|Buffer|require)\b/;
    const files = await sourceFiles('client/src/core');
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        expect(allowed.test(specifier), `${file} imports ${specifier}`).toBe(true);
      }
      const code = (await readFile(path.join(REPO_ROOT, file), 'utf8'))
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'[^'\n]*'/g, "''");
      expect(domOnly.exec(code)?.[0], file).toBeUndefined();
    }
  });

  it('every file of shared/src/crypto but index.ts sits in a room, and no two rooms import each other in a cycle', async () => {
    const files = await sourceFiles(CRYPTO_DIR);
    expect(files.filter((file) => !file.includes('/', CRYPTO_DIR.length + 1))).toEqual([
      `${CRYPTO_DIR}/index.ts`,
    ]);
    const edges = await cryptoRoomImports();
    expect(edges.size).toBeGreaterThan(5);
    expect(findCycle(edges)).toBeUndefined();
  });

  it('finds a cycle between rooms when there is one', () => {
    const acyclic = new Map([
      ['ratchet', new Set(['handshake', 'primitives'])],
      ['handshake', new Set(['primitives'])],
    ]);
    expect(findCycle(acyclic)).toBeUndefined();
    const cyclic = new Map([...acyclic, ['handshake', new Set(['primitives', 'ratchet'])]]);
    expect(findCycle(cyclic)).toEqual(['ratchet', 'handshake', 'ratchet']);
  });
});
