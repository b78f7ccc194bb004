// The dump file: JSON lines — a header (format version, source store and schema version), one
// line per record, and an end line with the counts per kind and a SHA-256 of every line before
// it. Counts and checksum come last because the dump is streamed, never held whole in memory; a
// file without its end line was cut short. The checksum finds damage, not tampering: anyone who
// can edit the file can recompute it (the audit chain, `audit-verify`, is the tamper evidence).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { AppError } from '../../errors.js';
import type { DumpPort, DumpRecord, DumpSource } from '../ports/dump.js';
import { DumpError } from './dump-errors.js';
import {
  DUMP_FORMAT_VERSION,
  DUMP_KIND_NAMES,
  DUMP_RECORD_SCHEMAS,
  isDumpKind,
  type DumpKind,
} from './dump-format.js';

/** The magic word of the header and end lines. */
const DUMP_MAGIC = 'kolokol-dump';

/**
 * The longest line an import reads, in bytes: bounds the memory one line can take. The largest
 * records (sealed request details, key backups, envelope bodies) are tens of KiB as base64url.
 */
export const MAX_DUMP_LINE_BYTES = 8 * 1024 * 1024;

/** Bytes gathered before each write to the file, so a dump of many small records is not slow. */
const WRITE_CHUNK_BYTES = 1024 * 1024;

export type DumpCounts = Record<DumpKind, number>;

export interface DumpHeader {
  readonly format: typeof DUMP_MAGIC;
  readonly version: number;
  readonly source: DumpSource;
}

function zeroCounts(): DumpCounts {
  return Object.fromEntries(DUMP_KIND_NAMES.map((kind) => [kind, 0])) as DumpCounts;
}

/**
 * Writes every record of `port` to a new file readable by its owner only (0600); refuses an
 * existing file. A failed export removes what it wrote. Resolves with the counts per kind.
 */
export async function writeDump(file: string, port: DumpPort): Promise<DumpCounts> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') {
      throw new AppError('CONFLICT', 'export: the file already exists; name a new file');
    }
    throw error;
  }
  const hash = createHash('sha256');
  const counts = zeroCounts();
  let chunk: string[] = [];
  let chunkBytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    await handle.write(chunk.join(''));
    chunk = [];
    chunkBytes = 0;
  };
  const add = async (line: string) => {
    hash.update(line);
    chunk.push(line);
    chunkBytes += line.length;
    if (chunkBytes >= WRITE_CHUNK_BYTES) await flush();
  };
  try {
    const header: DumpHeader = {
      format: DUMP_MAGIC,
      version: DUMP_FORMAT_VERSION,
      source: await port.source(),
    };
    await add(`${JSON.stringify(header)}\n`);
    for await (const record of port.exportRecords()) {
      counts[record.kind] += 1;
      await add(`${JSON.stringify({ kind: record.kind, data: record.data })}\n`);
    }
    const end = { end: DUMP_MAGIC, counts, sha256: toBase64Url(hash.digest()) };
    chunk.push(`${JSON.stringify(end)}\n`);
    await flush();
    await handle.sync();
    await handle.close();
    return counts;
  } catch (error) {
    await handle.close();
    await unlink(file);
    throw error;
  }
}

interface Line {
  readonly bytes: Buffer;
  readonly number: number;
  /** False for the last piece of a file that does not end in a newline. */
  readonly complete: boolean;
}

/** The file's lines, each at most MAX_DUMP_LINE_BYTES, without their newline. */
async function* linesOf(file: string): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  for await (const data of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    let chunk = data as Buffer;
    for (;;) {
      const newline = chunk.indexOf(0x0a);
      const piece = newline === -1 ? chunk : chunk.subarray(0, newline);
      pendingBytes += piece.length;
      if (pendingBytes > MAX_DUMP_LINE_BYTES) {
        throw new DumpError(
          'MALFORMED_RECORD',
          `line ${number + 1} is longer than ${MAX_DUMP_LINE_BYTES} bytes`,
        );
      }
      pending.push(piece);
      if (newline === -1) break;
      number += 1;
      yield { bytes: Buffer.concat(pending), number, complete: true };
      pending = [];
      pendingBytes = 0;
      chunk = chunk.subarray(newline + 1);
    }
  }
  if (pendingBytes > 0)
    yield { bytes: Buffer.concat(pending), number: number + 1, complete: false };
}

function parseLine(line: Line): unknown {
  try {
    return JSON.parse(line.bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHeader(line: Line | undefined): DumpHeader {
  const value = line?.complete === true ? parseLine(line) : undefined;
  if (!isObject(value) || value.format !== DUMP_MAGIC || !Number.isSafeInteger(value.version)) {
    throw new DumpError('NOT_A_DUMP', 'the file is not a Kolokol dump (no dump header)');
  }
  const version = value.version as number;
  if (version > DUMP_FORMAT_VERSION) {
    throw new DumpError(
      'FORMAT_TOO_NEW',
      `the dump has format version ${version}; this version of Kolokol reads ` +
        `${DUMP_FORMAT_VERSION}: import it with the version that exported it or a newer one`,
    );
  }
  const source = value.source;
  if (
    version < 1 ||
    !isObject(source) ||
    (source.store !== 'sqlite' && source.store !== 'mongodb') ||
    !Number.isSafeInteger(source.schemaVersion)
  ) {
    throw new DumpError('NOT_A_DUMP', 'the dump header is not one this version wrote');
  }
  return {
    format: DUMP_MAGIC,
    version,
    source: { store: source.store, schemaVersion: source.schemaVersion as number },
  };
}

function parseRecord(line: Line, value: unknown): DumpRecord {
  const where = `line ${line.number}`;
  if (!isObject(value) || Object.keys(value).length !== 2 || !isObject(value.data)) {
    throw new DumpError('MALFORMED_RECORD', `${where} is not a record`);
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || !isDumpKind(kind)) {
    throw new DumpError('MALFORMED_RECORD', `${where} is a record of an unknown kind`);
  }
  const parsed = DUMP_RECORD_SCHEMAS[kind].safeParse(value.data);
  if (!parsed.success) {
    // Only the field names: the values are people's data.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new DumpError(
      'MALFORMED_RECORD',
      `${where} is not a valid ${kind} record (fields: ${fields.join(', ') || 'unknown'})`,
    );
  }
  return { kind, data: value.data as DumpRecord['data'] };
}

function checkEnd(value: Record<string, unknown>, digest: Buffer, counts: DumpCounts): void {
  const sha256 = typeof value.sha256 === 'string' ? fromBase64Url(value.sha256) : undefined;
  if (sha256 === undefined || !digest.equals(sha256)) {
    throw new DumpError(
      'CHECKSUM_MISMATCH',
      'the dump does not match its checksum: it was damaged or edited after export',
    );
  }
  const stated = value.counts;
  const agree =
    isObject(stated) &&
    Object.keys(stated).length === DUMP_KIND_NAMES.length &&
    DUMP_KIND_NAMES.every((kind) => stated[kind] === counts[kind]);
  if (!agree) {
    throw new DumpError('COUNT_MISMATCH', 'the records read do not match the counts in the dump');
  }
}

export interface OpenedDump {
  readonly header: DumpHeader;
  /**
   * The records, each checked against the format as it is read; throws at the end, after the
   * last record, unless the end line is there, the checksum matches and the counts agree — so an
   * importer that commits only when this ends writes nothing of a bad dump.
   */
  readonly records: AsyncIterable<DumpRecord>;
  /** The counts read so far (all of them once `records` has ended). */
  readonly counts: DumpCounts;
}

/** Opens a dump: reads and checks the header now, the rest as `records` is iterated (once). */
export async function openDumpFile(file: string): Promise<OpenedDump> {
  const lines = linesOf(file);
  const first = await lines.next();
  const headerLine = first.done === true ? undefined : first.value;
  const header = parseHeader(headerLine);
  const hash = createHash('sha256');
  hash.update(headerLine!.bytes).update('\n');
  const counts = zeroCounts();
  async function* records(): AsyncGenerator<DumpRecord> {
    for await (const line of lines) {
      if (!line.complete) {
        throw new DumpError('TRUNCATED', `the dump ends in the middle of line ${line.number}`);
      }
      const value = parseLine(line);
      if (isObject(value) && value.end === DUMP_MAGIC) {
        const after = await lines.next();
        if (after.done !== true) {
          throw new DumpError(
            'MALFORMED_RECORD',
            `line ${after.value.number} follows the end line`,
          );
        }
        checkEnd(value, hash.digest(), counts);
        return;
      }
      const record = parseRecord(line, value);
      hash.update(line.bytes).update('\n');
      counts[record.kind] += 1;
      yield record;
    }
    throw new DumpError('TRUNCATED', 'the dump has no end line: it was cut short');
  }
  return { header, records: records(), counts };
}
