// `npm run bench`: runs every suite in bench/suites, prints a table and writes bench/results.json.
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { BenchResult } from './measure.js';

interface Suite {
  run(): Promise<BenchResult[]>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(path.join(here, 'suites')))
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(path.join(here, 'suites', file)).href)) as Suite;
  console.log(`running ${file} …`);
  results.push(...(await suite.run()));
}

const round = (value: number): number => Math.round(value * 100) / 100;
console.table(
  results.map((r) => ({
    name: r.name,
    value: round(r.value),
    unit: r.unit,
    better: r.better,
    target: r.target ?? '',
    baseline: r.baseline ?? '',
    ratio: r.ratio === undefined ? '' : round(r.ratio),
  })),
);
await writeFile(path.join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote bench/results.json (${results.length} results)`);
