// Docs that run: every `ts example` block in the client-facing documentation is typechecked
// against the real packages and then executed against a real server, the way Rust runs its
// doc-tests. An example states its expectations with node:assert, so a wrong doc fails here.
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRootPublicKey, generateRootKey } from '@kolokol/shared/crypto';
import { publishModeratorDirectory } from '../support/moderators.js';
import { REPO_ROOT } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { readExamples, writeExamples } from './examples.js';

/** The documents a client developer works from; each must carry runnable examples. */
const DOCS_WITH_EXAMPLES = ['docs/client-api.md', 'docs/client.md'] as const;

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
    // The organisation's root key: the server checks certificates against it, and examples pin
    // its public half as a client build does, read from the environment like the address.
    const root = generateRootKey();
    server = await startTestServer({
      KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(root.publicKey),
    });
    await publishModeratorDirectory(server, root);
    // Examples that talk to a server read its address the way a deployment would configure it.
    process.env.KOLOKOL_URL = server.url;
    process.env.KOLOKOL_ROOT_PUBLIC_KEY = encodeRootPublicKey(root.publicKey);
    // docs/client.md: a moderator the operator enrolled, as `npm run admin -- enrol` would.
    const { code } = await server.server.services.accounts.enrol('docs.moderator', 'moderator');
    process.env.KOLOKOL_DOC_MODERATOR = 'docs.moderator';
    process.env.KOLOKOL_DOC_ENROLMENT_CODE = code;
    // docs/client.md: a second one, who verifies the audit log.
    const auditor = await server.server.services.accounts.enrol('docs.auditor', 'moderator');
    process.env.KOLOKOL_DOC_AUDITOR = 'docs.auditor';
    process.env.KOLOKOL_DOC_AUDITOR_CODE = auditor.code;
  });
  afterAll(async () => {
    delete process.env.KOLOKOL_URL;
    delete process.env.KOLOKOL_ROOT_PUBLIC_KEY;
    delete process.env.KOLOKOL_DOC_MODERATOR;
    delete process.env.KOLOKOL_DOC_ENROLMENT_CODE;
    delete process.env.KOLOKOL_DOC_AUDITOR;
    delete process.env.KOLOKOL_DOC_AUDITOR_CODE;
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
