// The meta port: small server-side values such as secrets.

export interface MetaStore {
  /**
   * The value stored under `name`, or — atomically, once across processes — `create()`'s
   * value stored and returned. Used for server-side secrets such as the fake-salt key.
   */
  getOrCreate(name: string, create: () => Uint8Array): Promise<Uint8Array>;
}
