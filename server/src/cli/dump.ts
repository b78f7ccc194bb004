// `admin export <file>` and `admin import <file>`: every record between a store and a dump file
// (store/dump/dump-file.ts), e.g. from SQLite to MongoDB. docs/deploy.md says how to handle one.
import { stat } from 'node:fs/promises';
import { loadConfig } from '../config/config.js';
import type { DumpCounts } from '../store/dump/dump-file.js';
import { openDumpFile, writeDump } from '../store/dump/dump-file.js';
import { openDump } from '../store/open-dump.js';

const warn = (text: string) => process.stderr.write(`admin: ${text}\n`);

const SENSITIVE =
  'the dump holds everything the database holds (ciphertext, public keys, who talks to whom and ' +
  'when, server secrets): keep it like the database — encrypted at rest, never on a shared disk, ' +
  'deleted once restored (docs/deploy.md#backups)';

function summary(counts: DumpCounts): string {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const kinds = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return `${total} records (${kinds || 'none'})`;
}

/** Runs export or import; false for wrong arguments (the caller prints the usage). */
export async function dumpCommand(command: 'export' | 'import', args: readonly string[]) {
  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0) return false;
  const port = await openDump(loadConfig());
  if (command === 'export') {
    warn(SENSITIVE);
    const counts = await writeDump(file, port);
    process.stdout.write(`exported ${summary(counts)} to ${file} (mode 0600)\n`);
    return true;
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    warn(`${file} is readable by other users of this machine: ${SENSITIVE}`);
  }
  const dump = await openDumpFile(file);
  await port.importRecords(dump.records);
  process.stdout.write(
    `imported ${summary(dump.counts)} from a ${dump.header.source.store} store (schema ` +
      `${dump.header.source.schemaVersion}); run audit-verify before starting the server\n`,
  );
  return true;
}
