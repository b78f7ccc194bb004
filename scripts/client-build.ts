// The web client's build (docs/deploy.md "The web client"): Preact through Vite, from client/ to
// client/dist (git-ignored), which the server serves at `/`. `npm start`, `npm run build` and the
// test run (vitest's global setup) each call buildClient({ ifStale: true }): a fresh clone gets a
// built client with no manual step, and an unchanged one is not rebuilt (a stamp of every input's
// size and modification time). `tsx scripts/client-build.ts [--force]` builds by hand.
import { createHash } from 'node:crypto';
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { build, type InlineConfig } from 'vite';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_ROOT = path.join(REPO_ROOT, 'client');

/** Where the built client lands; the server serves it at `/` (server/src/http/app.ts). */
export const CLIENT_BUILD_DIR = path.join(CLIENT_ROOT, 'dist');

/** The stamp inside the build: the digest of the inputs it was built from. */
const STAMP_FILE = '.build-stamp';

/** What the build reads: a change to any of them makes the build stale. */
const INPUTS = [
  'client/index.html',
  'client/package.json',
  'client/src',
  'shared/src',
  'shared/package.json',
  'package-lock.json',
  'scripts/client-build.ts',
];

/** Settings a build pins, read from the environment at build time. */
function pinned(): Record<string, string> {
  return {
    KOLOKOL_DEPLOYMENT: process.env.KOLOKOL_DEPLOYMENT ?? 'kolokol',
    // The organisation's root key, as on the server: what the client verifies the moderator
    // directory against before sealing anything to it (empty: requests and offers cannot be sent).
    KOLOKOL_ROOT_PUBLIC_KEY: process.env.KOLOKOL_ROOT_PUBLIC_KEY ?? '',
  };
}

/** Vite's configuration, inline (no config file to keep in step with this one). */
function viteConfig(outDir: string): InlineConfig {
  const settings = pinned();
  return {
    configFile: false,
    root: CLIENT_ROOT,
    // Relative asset URLs: the same build works at a domain's root, under a reverse proxy's
    // sub-path and as an onion service.
    base: './',
    // No public folder: everything served comes out of the bundle.
    publicDir: false,
    logLevel: 'warn',
    clearScreen: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    define: {
      KOLOKOL_DEPLOYMENT: JSON.stringify(settings.KOLOKOL_DEPLOYMENT),
      KOLOKOL_ROOT_PUBLIC_KEY: JSON.stringify(settings.KOLOKOL_ROOT_PUBLIC_KEY),
    },
    build: {
      outDir,
      emptyOutDir: true,
      // Top-level await (libsodium is ready before any crypto runs) needs ES2022.
      target: 'es2022',
      // Every browser the build targets preloads modules itself: no inline polyfill.
      modulePreload: { polyfill: false },
      // libsodium-sumo is one ≈ 400 kB module (its wasm inside) in the first chunk, and zxcvbn's
      // dictionaries (≈ 1.2 MB, loaded only to check a new passphrase) are another: both expected.
      chunkSizeWarningLimit: 1536,
      reportCompressedSize: false,
    },
  };
}

async function inputFiles(relative: string): Promise<string[]> {
  const full = path.join(REPO_ROOT, relative);
  const info = await stat(full);
  if (!info.isDirectory()) return [full];
  const entries = await readdir(full, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** A digest of every input's path, size and modification time, and the pinned settings. */
async function inputsDigest(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(pinned()));
  for (const relative of INPUTS) {
    for (const file of await inputFiles(relative)) {
      const info = await stat(file);
      hash.update(`${path.relative(REPO_ROOT, file)}\0${info.size}\0${info.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

/** Text files worth a compressed copy (server/src/http/web-client.ts serves them). */
const COMPRESSIBLE = /\.(?:html|js|css|svg|json)$/;

/** Writes a Brotli (.br, best quality) and a gzip (.gz, level 9) copy beside every text file. */
async function precompress(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const content = await readFile(file);
    const brotli = brotliCompressSync(content, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    await writeFile(`${file}.br`, brotli);
    await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }));
  }
}

async function builtDigest(): Promise<string | undefined> {
  return readFile(path.join(CLIENT_BUILD_DIR, STAMP_FILE), 'utf8').catch(() => undefined);
}

/**
 * Builds the client into CLIENT_BUILD_DIR: always with `force`, else only when it is missing or
 * stale. The build is written beside it and swapped in, so a running server never serves half of
 * one. Returns whether it built.
 */
export async function buildClient(options: { force?: boolean } = {}): Promise<boolean> {
  const digest = await inputsDigest();
  if (options.force !== true && (await builtDigest()) === digest) return false;
  const next = `${CLIENT_BUILD_DIR}.next-${process.pid}`;
  const old = `${CLIENT_BUILD_DIR}.old-${process.pid}`;
  try {
    await build(viteConfig(next));
    await precompress(next);
    await writeFile(path.join(next, STAMP_FILE), digest);
    await rename(CLIENT_BUILD_DIR, old).catch(() => undefined);
    await rename(next, CLIENT_BUILD_DIR);
  } finally {
    await rm(next, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
  return true;
}

if (
  process.argv[1] !== undefined &&
  fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
) {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  await buildClient({ force: values.force });
}
