// The prekey port: signed prekeys and the pool of one-time prekeys taken one at a time.

export interface StoredPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  /** Ed25519 signature by the owner's identity key; empty for one-time prekeys. */
  readonly signature: Uint8Array;
}

export interface TakenBundle {
  readonly signedPrekey: StoredPrekey;
  readonly kemPrekey: StoredPrekey;
  /** One one-time prekey, removed from the store by this very call; absent when none is left. */
  readonly oneTimePrekey?: StoredPrekey;
  /** One-time prekeys left after this call. */
  readonly oneTimeRemaining: number;
}

export interface PrekeyStore {
  /** Replaces the account's signed X25519 prekey and signed ML-KEM prekey (rotation). */
  setSignedPrekeys(
    accountId: string,
    prekeys: { readonly signed: StoredPrekey; readonly kem: StoredPrekey; readonly now: number },
  ): Promise<void>;
  /**
   * Adds one-time prekeys, all or none: 'duplicate' if any id is already stored for the
   * account, 'too-many' if the account would then hold more than `maxTotal`.
   */
  addOneTimePrekeys(
    accountId: string,
    prekeys: readonly StoredPrekey[],
    maxTotal: number,
  ): Promise<'added' | 'duplicate' | 'too-many'>;
  /**
   * The account's bundle with one one-time prekey (lowest id) consumed atomically: two
   * concurrent callers never get the same one. With `oneTime: false` the bundle carries no
   * one-time prekey and nothing is consumed. Undefined when no signed prekeys were uploaded.
   */
  takeBundle(
    accountId: string,
    options?: { readonly oneTime: boolean },
  ): Promise<TakenBundle | undefined>;
  countOneTimePrekeys(accountId: string): Promise<number>;
  /** The current signed prekeys without consuming anything; undefined before the first upload. */
  findSignedPrekeys(
    accountId: string,
  ): Promise<{ readonly signed: StoredPrekey; readonly kem: StoredPrekey } | undefined>;
}
