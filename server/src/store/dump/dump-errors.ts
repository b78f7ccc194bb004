// Why an import refused a dump. An AppError like every other refusal (the CLI prints its message),
// with a closed reason a caller and the tests can tell apart. Messages name line numbers and kinds,
// never a value from the dump: those are people's handles and ciphertext.
import { AppError } from '../../errors.js';

export const DUMP_ERROR_REASONS = [
  /** The first line is not a Kolokol dump header. */
  'NOT_A_DUMP',
  /** The dump's format is newer than this version knows: upgrade before importing. */
  'FORMAT_TOO_NEW',
  /** The file ends before the end line: it was cut short. */
  'TRUNCATED',
  /** The bytes do not hash to the checksum in the end line: the file was damaged or edited. */
  'CHECKSUM_MISMATCH',
  /** The end line's counts do not match the records read. */
  'COUNT_MISMATCH',
  /** A line is not a record of a known kind with exactly its fields and types, or is too long. */
  'MALFORMED_RECORD',
  /** The target store already holds records: import only into an empty store. */
  'STORE_NOT_EMPTY',
  /** The store refused a record (a duplicate key, a dangling reference, a failed check). */
  'REJECTED_BY_STORE',
] as const;

export type DumpErrorReason = (typeof DUMP_ERROR_REASONS)[number];

export class DumpError extends AppError {
  constructor(
    readonly reason: DumpErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(reason === 'STORE_NOT_EMPTY' ? 'CONFLICT' : 'BAD_REQUEST', message, options);
  }
}
