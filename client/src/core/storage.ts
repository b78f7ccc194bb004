// Where the core keeps its sealed records on the device: a port with an atomic batch write, so
// a received message, the ratchet state that decrypted it and the high water that says so land
// together or not at all. Everything put here is already sealed (vault.ts); the port sees only
// record names and opaque bytes. MemoryStorage serves Node and tests; the browser client brings
// an IndexedDB one (one transaction per `write`).

export interface StorageChanges {
  readonly put?: ReadonlyMap<string, Uint8Array>;
  readonly delete?: readonly string[];
}

export interface StoragePort {
  get(name: string): Promise<Uint8Array | undefined>;
  /** Every name that starts with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Applies every put and delete of `changes` at once, or none of them. */
  write(changes: StorageChanges): Promise<void>;
  /** Removes every record (panic: nothing of the account is left on the device). */
  clear(): Promise<void>;
}

/** A StoragePort in memory: records live as long as the object (Node, tests, a bot's process). */
export class MemoryStorage implements StoragePort {
  readonly #records = new Map<string, Uint8Array>();

  get(name: string): Promise<Uint8Array | undefined> {
    const value = this.#records.get(name);
    return Promise.resolve(value === undefined ? undefined : value.slice());
  }

  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.#records.keys()].filter((name) => name.startsWith(prefix)));
  }

  write(changes: StorageChanges): Promise<void> {
    for (const [name, value] of changes.put ?? []) this.#records.set(name, value.slice());
    for (const name of changes.delete ?? []) this.#records.delete(name);
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.#records.clear();
    return Promise.resolve();
  }

  /** Every record as stored, for tests that check nothing is readable at rest. */
  dump(): ReadonlyMap<string, Uint8Array> {
    return new Map([...this.#records].map(([name, value]) => [name, value.slice()]));
  }
}
