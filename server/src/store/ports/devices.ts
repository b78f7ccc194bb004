// The device port: an account's identity-signed device list, the devices it names, and the
// short-lived reservations of new devices' ids. Removing a device ends everything of it at once.

export interface DeviceRecord {
  readonly id: string;
  readonly accountId: string;
  /** The device's Ed25519 public key, as the list names it. */
  readonly deviceKey: Uint8Array;
  readonly addedAt: number;
}

export interface DeviceListRecord {
  readonly accountId: string;
  readonly version: number;
  /** The signed list, exactly as published. */
  readonly bytes: Uint8Array;
  readonly updatedAt: number;
}

/** An id issued to a new device, waiting for a list that adds it. */
export interface PendingDeviceRecord {
  readonly id: string;
  readonly accountId: string;
  readonly deviceKey: Uint8Array;
  readonly expiresAt: number;
}

/** The one device a new list adds or removes. */
export type DeviceChange =
  | { readonly kind: 'add'; readonly device: DeviceRecord }
  | { readonly kind: 'remove'; readonly deviceId: string };

export type PublishDeviceListResult =
  /** Stored; the ids of the removed device's sessions, revoked by this very write. */
  | { readonly kind: 'published'; readonly revokedSessionIds: string[] }
  /** The stored version is not `expectedVersion` any more (another change won): nothing written. */
  | { readonly kind: 'conflict' }
  /** The reservation to add expired, or the device to remove is not the account's: nothing written. */
  | { readonly kind: 'gone' };

export interface DeviceStore {
  /**
   * Stores a reservation, first deleting the account's expired ones, unless the account already
   * holds `maxPending` unexpired ones ('too-many').
   */
  reserve(
    pending: PendingDeviceRecord,
    maxPending: number,
    now: number,
  ): Promise<'reserved' | 'too-many'>;
  /** An unexpired reservation of the account by id. */
  findPending(
    accountId: string,
    deviceId: string,
    now: number,
  ): Promise<PendingDeviceRecord | undefined>;
  findList(accountId: string): Promise<DeviceListRecord | undefined>;
  /** The devices the account's current list names. */
  listDevices(accountId: string): Promise<DeviceRecord[]>;
  findDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  /**
   * Replaces the account's list with `list` in one atomic write, if its stored version is still
   * `expectedVersion` (null: no list yet), and applies `change`: an added device's reservation
   * is consumed and the device recorded; a removed device is deleted with its prekeys and its
   * undelivered envelopes, and its sessions are revoked.
   */
  publish(update: {
    readonly accountId: string;
    readonly expectedVersion: number | null;
    readonly list: { readonly version: number; readonly bytes: Uint8Array };
    readonly change: DeviceChange;
    readonly now: number;
  }): Promise<PublishDeviceListResult>;
  /** Deletes expired reservations; returns how many. */
  purgePending(now: number): Promise<number>;
}
