// What a browser profile holds for the page's origin, read from inside the page: every IndexedDB
// database with every record of every store (values as bytes where they are bytes, as JSON
// otherwise), localStorage, sessionStorage and the Cache Storage's cache names. Opening only the
// databases that exist, so reading never creates one.
import type { Page } from 'playwright-core';

export interface StoredRecord {
  readonly database: string;
  readonly store: string;
  readonly key: string;
  /** The value's bytes (a Uint8Array or ArrayBuffer), or its JSON text as UTF-8. */
  readonly bytes: number[];
}

export interface BrowserStorageDump {
  readonly databases: string[];
  readonly records: StoredRecord[];
  readonly localStorage: Record<string, string>;
  readonly sessionStorage: Record<string, string>;
  readonly caches: string[];
}

export function dumpBrowserStorage(page: Page): Promise<BrowserStorageDump> {
  return page.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
      });
    const databases = (await indexedDB.databases())
      .map((database) => database.name)
      .filter((name): name is string => name !== undefined);
    const records: StoredRecord[] = [];
    for (const name of databases) {
      const db = await request(indexedDB.open(name));
      for (const store of Array.from(db.objectStoreNames)) {
        const tx = db.transaction(store, 'readonly').objectStore(store);
        const [keys, values] = await Promise.all([request(tx.getAllKeys()), request(tx.getAll())]);
        keys.forEach((key, i) => {
          const value: unknown = values[i];
          const bytes =
            value instanceof Uint8Array
              ? Array.from(value)
              : value instanceof ArrayBuffer
                ? Array.from(new Uint8Array(value))
                : Array.from(new TextEncoder().encode(JSON.stringify(value)));
          records.push({ database: name, store, key: JSON.stringify(key), bytes });
        });
      }
      db.close();
    }
    const entries = (storage: Storage) =>
      Object.fromEntries(
        Array.from({ length: storage.length }, (_, i) => storage.key(i)!).map((key) => [
          key,
          storage.getItem(key)!,
        ]),
      );
    return {
      databases,
      records,
      localStorage: entries(localStorage),
      sessionStorage: entries(sessionStorage),
      caches: 'caches' in globalThis ? await caches.keys() : [],
    };
  });
}

/** True when `needle` occurs in `haystack`. */
export function containsBytes(haystack: readonly number[], needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
