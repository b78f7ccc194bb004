// The account's devices as the person manages them: the list the server serves, verified against
// the account's identity before anything of it is shown, and removing one — the next list,
// without it, signed on this device by the identity (removeDeviceFromList) and published
// (`devices.remove`). The server ends the removed device's sessions, prekeys and envelopes.
import {
  publicIdentity,
  removeDeviceFromList,
  verifyDeviceList,
  type VerifiedDeviceList,
} from '@kolokol/shared/crypto';
import { toBase64Url, type EventOutput } from '@kolokol/shared';
import type { Connection } from './connection.js';
import type { DeviceOwner } from './device.js';
import { KolokolError } from './errors.js';

export class Devices {
  constructor(
    private readonly connection: Connection,
    private readonly owner: DeviceOwner,
  ) {}

  /**
   * The account's device list (`devices.list`), verified against the account's identity
   * (CryptoError when it does not verify: the server cannot add a device the person did not).
   */
  async list(): Promise<VerifiedDeviceList> {
    const { list } = await this.connection.call('devices.list', {});
    if (list === null) throw new KolokolError('NOT_FOUND', 'the account has no device yet');
    return verifyDeviceList(list, {
      accountId: this.owner.accountId,
      identity: publicIdentity(this.owner.identity),
    });
  }

  /**
   * Removes `deviceId` (`devices.remove`): signs the verified current list without it. Removing
   * this device signs this session out (`signedOut` with `device_removed`). CryptoError BAD_KEY
   * for a device the list does not name — nothing is sent then.
   */
  async remove(deviceId: string): Promise<EventOutput<'devices.remove'>> {
    const next = removeDeviceFromList(this.owner.identity, await this.list(), deviceId);
    return this.connection.call('devices.remove', { deviceId, list: toBase64Url(next) });
  }
}
