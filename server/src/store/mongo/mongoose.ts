// The adapter's own mongoose instance and the options every schema, query and connection shares:
// strict schemas and queries, filters sanitised, no lazy index builds, majority writes.
import { Mongoose } from 'mongoose';

/**
 * One instance for the adapter alone, not mongoose's global default: its settings (sanitizeFilter,
 * strictQuery, autoIndex off) cannot be changed by other code that imports mongoose, and tests can
 * build models and queries on it without a server.
 *
 * - `sanitizeFilter`: any object in a filter with a key starting with `$` is wrapped in `$eq` at
 *   execution, so a value that slipped through as an object matches literally instead of acting as
 *   an operator. The adapter's own operators are marked with `mongoose.trusted()` (see `op`).
 * - `strictQuery`: a filter path the schema does not declare is dropped, never sent.
 * - `autoIndex`/`autoCreate` off: indexes are not built lazily behind the first query; open()
 *   creates every collection and declared index (`createCollection` + `syncIndexes`) before the
 *   store serves anything, and fails if one cannot be built (a duplicate in existing data).
 */
export const kolokolMongoose = new Mongoose({
  sanitizeFilter: true,
  strictQuery: true,
  strict: true,
  autoIndex: false,
  autoCreate: false,
  // Transactions need the session passed to every operation; it is, explicitly (transactions.ts).
  transactionAsyncLocalStorage: false,
});

/**
 * Marks an operator object the adapter built itself (from validated values) so sanitizeFilter
 * keeps it: `{ state: op({ $in: states }) }`. Never used on anything that came from a caller as
 * an object.
 */
export function op<T extends object>(operator: T): T {
  return kolokolMongoose.trusted(operator);
}

/** Options of every schema: its collection, strict writes and queries, no version key. */
export function schemaOptions<C extends string>(collection: C) {
  return {
    collection,
    strict: true,
    strictQuery: true,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    // Records come back through the adapters' own mappings, never as mongoose documents.
    id: false,
  } as const;
}
