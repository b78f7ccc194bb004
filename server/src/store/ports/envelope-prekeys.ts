// The envelope prekey port: each account's newest identity-signed X-Wing envelope prekey, public by
// design. Only the newest is kept: senders must seal to the current one, and an older one coming
// back would let a server (or a replayed upload) steer envelopes to a key its owner has deleted.

export interface EnvelopePrekeyRecord {
  readonly accountId: string;
  /** The owner's random non-zero u32 id for it. */
  readonly id: number;
  /** X-Wing encapsulation key. */
  readonly publicKey: Uint8Array;
  /** The owner's claims, covered by `signature`; the domain checks them before storing. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Ed25519 by the owner's identity signing key. */
  readonly signature: Uint8Array;
}

export interface EnvelopePrekeyStore {
  /**
   * Stores the prekey as the account's current one if its `createdAt` is later than the stored
   * one's, decided in one write (no read-then-write gap). The very same prekey again is
   * 'already-stored'; any other that is not newer is 'stale'. Both change nothing.
   */
  putEnvelopePrekey(record: EnvelopePrekeyRecord): Promise<'stored' | 'already-stored' | 'stale'>;
  findEnvelopePrekey(accountId: string): Promise<EnvelopePrekeyRecord | undefined>;
  /** The stored prekeys of these accounts (those that have one), in one read. */
  findEnvelopePrekeys(accountIds: readonly string[]): Promise<EnvelopePrekeyRecord[]>;
}
