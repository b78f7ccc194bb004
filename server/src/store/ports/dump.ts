// The dump port: every record of a store out, in a store-neutral shape, and into an empty store of
// any adapter — what `npm run admin -- export` / `import` move between SQLite and MongoDB.
//
// The shapes (kinds, fields, types) are the dump format, defined once in ../dump/dump-format.ts;
// the file around them (header, checksum, limits) is ../dump/dump-file.ts. An adapter only maps
// its own tables or collections to those kinds: docs/deploy.md#moving-data-between-stores.
import type { DumpKind } from '../dump/dump-format.js';

/** A JSON value as a record field holds it (binary is base64url text, see dump-format.ts). */
export type DumpValue =
  string | number | boolean | null | readonly DumpValue[] | { readonly [key: string]: DumpValue };

/** One stored record: its kind and its fields, named and typed as the format's catalogue says. */
export interface DumpRecord {
  readonly kind: DumpKind;
  readonly data: { readonly [field: string]: DumpValue };
}

/** Which store wrote a dump, and the version of its own schema then (informational). */
export interface DumpSource {
  readonly store: 'sqlite' | 'mongodb';
  readonly schemaVersion: number;
}

export interface DumpPort {
  /** The adapter and its schema version, written into the dump's header. */
  source(): Promise<DumpSource>;
  /**
   * Every record of the store, read from one consistent snapshot (a write that commits while the
   * export runs is either wholly in it or wholly out of it), kinds in the catalogue's order,
   * each kind in a stable order, so that exporting the same data twice gives the same records.
   * Streamed: never the whole store in memory. Closing the iteration early ends the snapshot.
   */
  exportRecords(): AsyncIterable<DumpRecord>;
  /**
   * Writes `records` into the store in one transaction, committed only when the iterable ends
   * without throwing; the file reader throws at its end on a checksum mismatch or a cut-short
   * dump, so nothing of a bad dump is ever written. Refuses (DumpError STORE_NOT_EMPTY, before
   * reading a record) unless the store holds no record of any kind. Resolves with the number
   * of records written.
   */
  importRecords(records: AsyncIterable<DumpRecord>): Promise<number>;
}
