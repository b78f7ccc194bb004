// README's configuration table is the operator's reference: it must list every setting the
// server reads, each with the default and the maximum that config.ts enforces.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_VARIABLES } from '../../server/src/config/config.js';
import { REPO_ROOT } from '../support/process.js';

const readme = await readFile(`${REPO_ROOT}/README.md`, 'utf8');

/** The README rows by variable name: [default cell, maximum cell]. */
const rows = new Map(
  [...readme.matchAll(/^\| `([A-Z_]+)` +\| ([^|]+?) +\| ([^|]+?) +\|/gm)].map(
    ([, name, defaultCell, maximumCell]) => [name!, [defaultCell!, maximumCell!] as const],
  ),
);

/** What the README should say for a schema's default and upper bound. */
function documented(name: string, schema: z.ZodType): [string, string] {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod
    .def;
  const inner = def.type === 'default' && def.innerType ? def.innerType : schema;
  const parsed = schema.safeParse(undefined);
  const value = parsed.success ? (parsed.data as string | number | boolean | undefined) : undefined;
  const defaultCell =
    name === 'KOLOKOL_ALLOWED_ORIGINS'
      ? '`http://localhost:$PORT,http://127.0.0.1:$PORT`'
      : value === undefined
        ? 'unset'
        : `\`${String(value)}\``;
  const max = inner instanceof z.ZodNumber ? inner.maxValue : null;
  return [defaultCell, max === null || !Number.isFinite(max) ? '—' : `\`${max}\``];
}

describe('README configuration table', () => {
  it.each(Object.entries(CONFIG_VARIABLES))(
    'documents %s with its default and maximum',
    (name, schema) => {
      expect(rows.get(name), `a row for ${name}`).toEqual(documented(name, schema as z.ZodType));
    },
  );

  it('documents no setting the server does not read', () => {
    const known = new Set(Object.keys(CONFIG_VARIABLES));
    const table = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const listed = [...table.matchAll(/^\| `([A-Z_]+)` /gm)].map(([, name]) => name!);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((name) => !known.has(name))).toEqual([]);
  });

  it('every bounded number has a finite maximum (no setting is unbounded by accident)', () => {
    for (const [name, schema] of Object.entries(CONFIG_VARIABLES)) {
      const [, maximum] = documented(name, schema as z.ZodType);
      const numeric = rows.get(name)?.[0].match(/^`\d+`$/);
      if (numeric) expect(maximum, name).not.toBe('—');
    }
  });
});
