// `npm run build`: compiles the server and the admin CLI into plain JavaScript under dist/, so a
// production host runs `node` on it instead of compiling TypeScript at every start (docs/deploy.md).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The programs a deployment runs, by the name of their output file. */
const ENTRY_POINTS = {
  main: 'server/src/main.ts',
  admin: 'server/src/cli/admin.ts',
};

/**
 * Kolokol's own workspaces (`@kolokol/*`, which export TypeScript sources) are compiled into the
 * bundle; every npm package stays an import resolved from node_modules at run time, as under
 * `npm start` (better-sqlite3 is native, and the others are loaded exactly as published).
 */
const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) =>
      specifier.startsWith('@kolokol/') ? undefined : { path: specifier, external: true },
    );
  },
};

/** Writes `<outdir>/main.js` and `<outdir>/admin.js` with source maps; returns esbuild's metafile. */
export async function buildServer(outdir: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    plugins: [npmPackagesExternal],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

const { values } = parseArgs({
  options: { outdir: { type: 'string', default: path.join(REPO_ROOT, 'dist', 'server') } },
});
await buildServer(path.resolve(values.outdir));
