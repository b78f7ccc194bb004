// Multi-document writes: one helper runs a unit of work in a MongoDB transaction (snapshot reads,
// majority commit, retried by the driver on transient errors), and lock documents turn the checks
// that decide a write (a count against a limit, an existence test) into write conflicts, so two
// concurrent transactions cannot both pass a check that only one of them should.
import type { ClientSession, Connection } from 'mongoose';
import { Schema } from 'mongoose';
import type { MongoModels } from './context.js';
import { schemaOptions } from './mongoose.js';

/**
 * Snapshot reads, so every read in the transaction sees one point in time; majority commit with
 * the journal, so an acknowledged write survives the loss of the primary (the replica set's
 * equivalent of the SQLite adapter's durable writes); primary reads, which transactions require.
 */
export const TRANSACTION_OPTIONS = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority', journal: true },
  readPreference: 'primary',
  maxCommitTimeMS: 5_000,
} as const;

/**
 * Thrown inside a unit of work to abort its transaction (nothing written) and answer `result`:
 * the adapters' equivalent of the SQLite adapter's rollback errors.
 */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('store: transaction rolled back');
  }
}

/**
 * Runs `work` in one transaction and resolves with its result once committed with majority
 * write concern. The driver retries the whole unit on a TransientTransactionError (a write
 * conflict with a concurrent transaction) and the commit on UnknownTransactionCommitResult, so
 * `work` must compute its result from what it reads, never from state kept across attempts.
 * A `Rollback` thrown by `work` aborts and resolves with its result.
 */
export async function inTransaction<T>(
  connection: Connection,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  const session = await connection.startSession();
  try {
    return await session.withTransaction(() => work(session), TRANSACTION_OPTIONS);
  } catch (error) {
    if (error instanceof Rollback) return (error as Rollback<T>).result;
    throw error;
  } finally {
    await session.endSession();
  }
}

/** A lock document: its key, and a counter each holder increments. */
export interface LockDoc {
  readonly _id: string;
  readonly n: number;
}

export const lockSchema = new Schema<LockDoc>(
  {
    _id: { type: String, required: true, maxlength: 512 },
    n: { type: Number, required: true, min: 0 },
  },
  schemaOptions('locks'),
);

/**
 * Writes the lock document `key` inside the transaction of `session`. Two transactions that take
 * the same lock conflict: one commits, the other is retried from the start and then sees the
 * first one's writes. Keys name what the decision depends on (`handle:<handle>`,
 * `device:<id>`, …); they hold ids the other collections hold already, nothing more.
 */
export async function lock(
  locks: MongoModels['locks'],
  session: ClientSession,
  key: string,
): Promise<void> {
  await locks.updateOne({ _id: key }, { $inc: { n: 1 } }, { upsert: true, session });
}
