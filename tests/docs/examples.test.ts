// Docs that run: every `ts example` block in the client-facing documentation is typechecked
// against the real packages and then executed against a real server, the way Rust runs its
// doc-tests. An example states its expectations with node:assert, so a wrong doc fails here.
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { readExamples, writeExamples } from './examples.js';

/** The documents a client developer works from; each must carry runnable examples. */
const DOCS_WITH_EXAMPLES = ['docs/client-api.md'] as const;

const examples = await readExamples(DOCS_WITH_EXAMPLES);
const files = await writeExamples(examples);

function typecheck(paths: readonly string[]): string[] {
  const base = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.base.json'), (file) =>
    ts.sys.readFile(file),
  );
  const { options } = ts.convertCompilerOptionsFromJson(
    (base.config as { compilerOptions: unknown }).compilerOptions,
    REPO_ROOT,
  );
  const program = ts.createProgram(paths, { ...options, types: ['node'], noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return text;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.relative(REPO_ROOT, diagnostic.file.fileName)}:${line + 1}: ${text}`;
  });
}

describe('documentation examples', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // Examples that talk to a server read its address the way a deployment would configure it.
    process.env.KOLOKOL_URL = server.url;
  });
  afterAll(async () => {
    delete process.env.KOLOKOL_URL;
    await server.close();
  });

  it.each(DOCS_WITH_EXAMPLES)('%s has runnable examples', (doc) => {
    expect(examples.filter((example) => example.doc === doc).length).toBeGreaterThan(0);
  });

  it('every example typechecks against the real packages', () => {
    expect(typecheck(files)).toEqual([]);
  }, 60_000);

  it.each(examples.map((example, index) => [`${example.doc}:${example.line}`, index] as const))(
    'runs %s',
    async (_where, index) => {
      const file = files[index];
      if (file === undefined) throw new Error('example file missing');
      await import(file);
    },
  );
});
