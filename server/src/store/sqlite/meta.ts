// MetaStore on SQLite: named server-side values (secrets such as the fake-salt key), created once.
import type Database from 'better-sqlite3';
import type { MetaStore } from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

export function createSqliteMetaStore(db: Database.Database): MetaStore {
  const read = db.prepare<[string], { readonly value: Uint8Array }>(
    'SELECT value FROM meta WHERE name = ?',
  );
  const insert = db.prepare<[string, Uint8Array]>('INSERT INTO meta (name, value) VALUES (?, ?)');

  // IMMEDIATE: the write lock is held from the read on, so a second process opening the same
  // file waits and then reads our value instead of creating its own secret.
  const getOrCreateTx = db.transaction((name: string, create: () => Uint8Array): Uint8Array => {
    const existing = read.get(name);
    if (existing !== undefined) {
      return toPlainBytes(existing.value);
    }
    const value = toPlainBytes(create());
    insert.run(name, value);
    return value;
  });

  return {
    getOrCreate(name, create) {
      return settle(() => {
        // Fast path without the write lock: once stored, a value never changes.
        const existing = read.get(name);
        if (existing !== undefined) {
          return toPlainBytes(existing.value);
        }
        return getOrCreateTx.immediate(name, create);
      });
    },
  };
}
