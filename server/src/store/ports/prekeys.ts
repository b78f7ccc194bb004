// The prekey port: each device's signed prekeys and its pools of one-time X25519 and one-time
// ML-KEM-768 prekeys, taken one at a time. Every write names a device and refuses ('no-device')
// when that device is gone, so a device removed meanwhile cannot leave keys behind.

export interface StoredPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  /** Ed25519 signature by the device key; empty for one-time X25519 prekeys. */
  readonly signature: Uint8Array;
}

export interface TakenBundle {
  readonly signedPrekey: StoredPrekey;
  /** The last-resort KEM prekey. */
  readonly kemPrekey: StoredPrekey;
  /** One one-time prekey, removed from the store by this very call; absent when none is left. */
  readonly oneTimePrekey?: StoredPrekey;
  /** One one-time KEM prekey, removed by this very call; absent when none is left. */
  readonly oneTimeKemPrekey?: StoredPrekey;
  /** One-time prekeys of each kind left after this call. */
  readonly oneTimeRemaining: number;
  readonly oneTimeKemRemaining: number;
}

export type AddPrekeysResult = 'added' | 'duplicate' | 'too-many' | 'no-device';

export interface PrekeyStore {
  /** Replaces the device's signed X25519 prekey and last-resort ML-KEM prekey (rotation). */
  setSignedPrekeys(
    deviceId: string,
    prekeys: { readonly signed: StoredPrekey; readonly kem: StoredPrekey; readonly now: number },
  ): Promise<'stored' | 'no-device'>;
  /**
   * Adds one-time X25519 prekeys, all or none: 'duplicate' if any id is already stored for the
   * device, 'too-many' if the device would then hold more than `maxTotal`.
   */
  addOneTimePrekeys(
    deviceId: string,
    prekeys: readonly StoredPrekey[],
    maxTotal: number,
  ): Promise<AddPrekeysResult>;
  /** The same for one-time ML-KEM-768 prekeys (a pool of its own). */
  addOneTimeKemPrekeys(
    deviceId: string,
    prekeys: readonly StoredPrekey[],
    maxTotal: number,
  ): Promise<AddPrekeysResult>;
  /**
   * The device's bundle with one one-time prekey of each kind (lowest id) consumed atomically:
   * two concurrent callers never get the same one. With `oneTime: false` the bundle carries no
   * one-time prekey and nothing is consumed. Undefined when no signed prekeys were uploaded.
   */
  takeBundle(
    deviceId: string,
    options?: { readonly oneTime: boolean },
  ): Promise<TakenBundle | undefined>;
  countOneTimePrekeys(deviceId: string): Promise<number>;
  countOneTimeKemPrekeys(deviceId: string): Promise<number>;
  /** The current signed prekeys without consuming anything; undefined before the first upload. */
  findSignedPrekeys(
    deviceId: string,
  ): Promise<{ readonly signed: StoredPrekey; readonly kem: StoredPrekey } | undefined>;
}
