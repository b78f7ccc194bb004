// Finds the runnable examples in the documentation: fenced blocks whose info string is
// `ts example`. tests/docs/examples.test.ts typechecks and runs every one of them, so the docs a
// client developer works from cannot drift from the code.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../support/process.js';

export interface DocExample {
  /** The markdown file, relative to the repository root. */
  readonly doc: string;
  /** 1-based line of the opening fence, for error messages. */
  readonly line: number;
  readonly code: string;
}

/** Where the examples are written to be typechecked and imported (inside the repo, so that
 * `@kolokol/shared` resolves exactly as it does for a client; ignored by git, lint and tsc). */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'tests', 'docs', '.examples');

const FENCE = /^```ts example\s*$/;

export function extractExamples(doc: string, markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!FENCE.test(lines[i] ?? '')) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== '```'; i += 1) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`${doc}:${start + 1}: example fence is never closed`);
    examples.push({ doc, line: start + 1, code: `${body.join('\n')}\n` });
  }
  return examples;
}

export async function readExamples(docs: readonly string[]): Promise<DocExample[]> {
  const all: DocExample[] = [];
  for (const doc of docs) {
    all.push(...extractExamples(doc, await readFile(path.join(REPO_ROOT, doc), 'utf8')));
  }
  return all;
}

/** Writes each example to its own module file and returns the paths, in the same order. */
export async function writeExamples(examples: readonly DocExample[]): Promise<string[]> {
  await rm(EXAMPLES_DIR, { recursive: true, force: true });
  await mkdir(EXAMPLES_DIR, { recursive: true });
  const files: string[] = [];
  for (const example of examples) {
    const name = `${example.doc.replace(/[^a-z0-9]+/gi, '-')}-line-${example.line}.ts`;
    const file = path.join(EXAMPLES_DIR, name);
    // `export {}` makes every example a module (top-level await, no global leakage).
    await writeFile(file, `// ${example.doc}:${example.line}\n${example.code}export {};\n`);
    files.push(file);
  }
  return files;
}
