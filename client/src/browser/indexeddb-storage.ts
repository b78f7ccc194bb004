// The core's StoragePort in the browser: one IndexedDB database with one object store of sealed
// records (name → bytes), one transaction per `write`, so a batch lands whole or not at all.
// Everything stored is already sealed by the core (client/src/core/vault.ts); record names carry
// no handle and no id of anyone (docs/client.md "Storage").
import { KolokolError, type StorageChanges, type StoragePort } from '@kolokol/client/core';

/** The database's name: the same for every account, so it names nobody. */
export const DATABASE_NAME = 'kolokol';
const STORE = 'records';
const VERSION = 1;

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
  });
}

function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(storageError(transaction.error));
    transaction.onabort = () => reject(storageError(transaction.error));
  });
}

function storageError(cause: unknown): KolokolError {
  return new KolokolError('INTERNAL', 'the browser storage failed', { cause });
}

export class IndexedDbStorage implements StoragePort {
  #database: Promise<IDBDatabase> | undefined;

  constructor(private readonly name: string = DATABASE_NAME) {}

  async get(name: string): Promise<Uint8Array | undefined> {
    const database = await this.#open();
    const value: unknown = await requestResult(
      database.transaction(STORE, 'readonly').objectStore(STORE).get(name),
    );
    return value instanceof Uint8Array ? value : undefined;
  }

  async list(prefix: string): Promise<string[]> {
    const database = await this.#open();
    const keys = await requestResult(
      database
        .transaction(STORE, 'readonly')
        .objectStore(STORE)
        .getAllKeys(IDBKeyRange.lowerBound(prefix)),
    );
    return keys
      .filter((key): key is string => typeof key === 'string')
      .filter((key) => key.startsWith(prefix));
  }

  async write(changes: StorageChanges): Promise<void> {
    const database = await this.#open();
    const transaction = database.transaction(STORE, 'readwrite');
    const done = transactionDone(transaction);
    const store = transaction.objectStore(STORE);
    for (const [name, value] of changes.put ?? []) store.put(value.slice(), name);
    for (const name of changes.delete ?? []) store.delete(name);
    await done;
  }

  async clear(): Promise<void> {
    const database = await this.#open();
    const transaction = database.transaction(STORE, 'readwrite');
    const done = transactionDone(transaction);
    transaction.objectStore(STORE).clear();
    await done;
  }

  /** Closes the connection (panic then deletes the database; an open one would block it). */
  async close(): Promise<void> {
    const opening = this.#database;
    this.#database = undefined;
    if (opening !== undefined) (await opening.catch(() => undefined))?.close();
  }

  #open(): Promise<IDBDatabase> {
    this.#database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(this.name, VERSION);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => {
        const database = request.result;
        // Another tab (or panic) deleting the database: let it, and reopen on the next use.
        database.onversionchange = () => {
          database.close();
          this.#database = undefined;
        };
        resolve(database);
      };
      request.onerror = () => {
        this.#database = undefined;
        reject(storageError(request.error));
      };
    });
    return this.#database;
  }
}
