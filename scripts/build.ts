// `npm run build`: compiles the server and the admin CLI into plain JavaScript under dist/, so a
// production host runs `node` on it instead of compiling TypeScript at every start (docs/deploy.md).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

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

const { values } = parseArgs({
  options: { outdir: { type: 'string', default: path.join(REPO_ROOT, 'dist', 'server') } },
});
const outdir = path.resolve(values.outdir);
// Node resolves the bundle's npm imports from node_modules in the directories above it.
if (path.relative(REPO_ROOT, outdir).startsWith('..')) {
  throw new Error('--outdir must be inside the repository, whose node_modules the bundle uses');
}
/** The web client's files as a URL relative to the bundle (server/src/http/app.ts reads it). */
const clientDirFromBundle = path
  .relative(outdir, path.join(REPO_ROOT, 'client', 'public'))
  .split(path.sep)
  .join('/');

// Writes <outdir>/main.js and <outdir>/admin.js, each with a source map. Warnings and errors go
// to stderr (tests/server/compiled-start.test.ts expects none); an error fails the command.
await build({
  absWorkingDir: REPO_ROOT,
  entryPoints: ENTRY_POINTS,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Maps point at the TypeScript files by path (they are in the same checkout) rather than
  // embedding them: a crash's stack trace names the source line at no memory cost to speak of.
  sourcemap: true,
  sourcesContent: false,
  plugins: [npmPackagesExternal],
  define: { CLIENT_DIR_FROM_BUNDLE: JSON.stringify(clientDirFromBundle) },
  logLevel: 'warning',
});
