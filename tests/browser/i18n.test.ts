// Every word the web client shows comes from its catalogues: Russian and English have the same
// keys and no empty message, the placeholders match, and no component holds words of its own —
// no text between JSX tags, no Cyrillic in any string, and no literal in an attribute a person
// reads (aria-label, title, placeholder, alt). Read from the sources with TypeScript's parser.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/ui/i18n/en.js';
import { ru } from '../../client/src/ui/i18n/ru.js';
import { REPO_ROOT } from '../support/process.js';

const UI_DIR = path.join(REPO_ROOT, 'client', 'src', 'ui');
const CATALOGUE_DIR = path.join(UI_DIR, 'i18n');
const READ_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description']);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

async function componentFiles(): Promise<string[]> {
  const entries = await readdir(UI_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.startsWith(CATALOGUE_DIR + path.sep));
}

/** Words outside the catalogues in one source file, as "file:line: what". */
function literalWords(file: string, source: string): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const { line } = tree.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${path.relative(REPO_ROOT, file)}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) report(node, `text "${node.text.trim()}"`);
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      /\p{Script=Cyrillic}/u.test(node.text)
    ) {
      report(node, `Cyrillic "${node.text}"`);
    }
    if (
      ts.isJsxAttribute(node) &&
      READ_ATTRIBUTES.has(node.name.getText()) &&
      node.initializer !== undefined &&
      ts.isStringLiteral(node.initializer)
    ) {
      report(node, `${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

describe('the web client speaks only from its catalogues', () => {
  it('Russian and English have the same keys, no empty message, and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
    for (const [key, text] of Object.entries(ru)) {
      const english = en[key as keyof typeof ru];
      expect(text.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(text));
    }
  });

  it('no component holds words of its own', async () => {
    const files = await componentFiles();
    expect(files.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const file of files) found.push(...literalWords(file, await readFile(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check finds words where they are (it is not blind)', () => {
    const sample = [
      'export const A = () => <p title="Hello">Привет, world</p>;',
      "export const B = () => <button aria-label={t('x')}>{t('y')}</button>;",
      "const c = 'Стереть всё';",
    ].join('\n');
    expect(literalWords(path.join(UI_DIR, 'sample.tsx'), sample)).toEqual([
      'client/src/ui/sample.tsx:1: title="Hello"',
      'client/src/ui/sample.tsx:1: text "Привет, world"',
      'client/src/ui/sample.tsx:3: Cyrillic "Стереть всё"',
    ]);
  });
});
