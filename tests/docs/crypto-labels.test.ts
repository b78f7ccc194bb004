// docs/crypto.md's label table must name exactly the domain-separation labels the code uses:
// every `label('…')` call, every literal 'kolokol/v1/…' string, and template labels expanded over
// the string-literal union their parameter is typed with.
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION } from '@kolokol/shared/crypto';
import { REPO_ROOT } from '../support/process.js';

const CRYPTO_DIR = `${REPO_ROOT}/shared/src/crypto`;
const prefix = `kolokol/v${FORMAT_VERSION}/`;

async function labelsInCode(): Promise<Set<string>> {
  const labels = new Set<string>();
  // Recursive: the sources sit in sub-folders by concept (primitives/, ratchet/, …).
  for (const file of await readdir(CRYPTO_DIR, { recursive: true })) {
    if (!file.endsWith('.ts')) continue;
    const source = await readFile(`${CRYPTO_DIR}/${file}`, 'utf8');
    for (const [, name] of source.matchAll(/\blabel\('([^']+)'\)/g)) labels.add(prefix + name);
    for (const [, literal] of source.matchAll(/'(kolokol\/v\d+\/[^']+)'/g)) labels.add(literal!);
    for (const [, head, parameter, tail] of source.matchAll(
      /`(kolokol\/v\d+\/[^`$]*)\$\{(\w+)\}([^`]*)`/g,
    )) {
      const union = new RegExp(`\\b${parameter}: ((?:'[^']+'(?: \\| )?)+)`).exec(source)?.[1];
      expect(union, `the type of ${parameter} in ${file}`).toBeDefined();
      for (const [, value] of union!.matchAll(/'([^']+)'/g)) labels.add(`${head}${value}${tail}`);
    }
  }
  return labels;
}

async function labelsInDocs(): Promise<Set<string>> {
  const docs = await readFile(`${REPO_ROOT}/docs/crypto.md`, 'utf8');
  const table = docs.split('| label `l`')[1]?.split('\n\n')[0];
  expect(table, 'the label table in docs/crypto.md').toBeDefined();
  const labels = new Set<string>();
  for (const row of table!.split('\n').filter((line) => line.startsWith('|'))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const [, label] of firstCell.matchAll(/`(kolokol\/[^`]+)`/g)) labels.add(label!);
  }
  return labels;
}

describe('docs/crypto.md label table', () => {
  it('names every label the code uses, and no other', async () => {
    const code = await labelsInCode();
    const docs = await labelsInDocs();
    expect(code.size).toBeGreaterThan(15);
    expect([...docs].sort()).toEqual([...code].sort());
  });
});
