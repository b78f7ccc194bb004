// This device as a device of the account: made once (a device key, an id reserved by the
// server, the identity-signed device list with it added), then kept supplied with prekeys —
// the signed pair rotated when due, one-time prekeys topped up when the server says they run
// low. Private prekeys are sealed in the vault before their public halves are uploaded, so a
// peer can never use a prekey this device has lost.
import { toBase64Url } from '@kolokol/shared';
import {
  PrekeyStore,
  addDeviceToList,
  generateDeviceKey,
  publicIdentity,
  verifyDeviceList,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { CLIENT_LIMITS } from './limits.js';
import type { Vault } from './vault.js';

/** The account's public keys a device needs to sign its device list. */
export interface DeviceOwner {
  readonly accountId: string;
  readonly identity: Identity;
}

/**
 * Adds this device to the account, on a connection that names no device yet: reserves an id for
 * a fresh device key, signs the current list plus it with the identity, publishes it, and seals
 * the new prekey store (holding the device key) in the vault.
 */
export async function linkDevice(
  connection: Connection,
  vault: Vault,
  owner: DeviceOwner,
): Promise<PrekeyStore> {
  const keyPair = generateDeviceKey();
  const { deviceId } = await connection.call('devices.reserve', {
    deviceKey: toBase64Url(keyPair.publicKey),
  });
  const own = await connection.call('devices.list', {});
  const expected = { accountId: owner.accountId, identity: publicIdentity(owner.identity) };
  const current = own.list === null ? null : verifyDeviceList(own.list, expected);
  const list = addDeviceToList(owner.identity, current, {
    accountId: owner.accountId,
    deviceId,
    deviceKey: keyPair.publicKey,
    addedAt: Date.now(),
  });
  const store = new PrekeyStore({ deviceId, keyPair });
  // Sealed before the list names it: a device the list names but this one cannot act as is lost.
  await vault.batch().putPrekeys(store).commit();
  await connection.call('devices.add', { list: toBase64Url(list) });
  return store;
}

const signed = (prekey: { id: number; publicKey: Uint8Array; signature: Uint8Array }) => ({
  id: prekey.id,
  publicKey: toBase64Url(prekey.publicKey),
  signature: toBase64Url(prekey.signature),
});

/**
 * Makes sure the server holds a current signed prekey pair and enough one-time prekeys of both
 * kinds for this device (as `prekeys.status` reports), generating and sealing before uploading.
 */
export async function supplyPrekeys(
  connection: Connection,
  vault: Vault,
  store: PrekeyStore,
): Promise<void> {
  const now = Date.now();
  const status = await connection.call('prekeys.status', {});
  const rotate = status.signedPrekeyId === null || store.needsRotation(now);
  const rotated = rotate ? store.rotate(now) : undefined;
  const oneTime =
    status.oneTimeRemaining < CLIENT_LIMITS.oneTimePrekeys
      ? store.addOneTimePrekeys(CLIENT_LIMITS.oneTimePrekeys - status.oneTimeRemaining)
      : [];
  const oneTimeKem =
    status.oneTimeKemRemaining < CLIENT_LIMITS.oneTimeKemPrekeys
      ? store.addOneTimeKemPrekeys(CLIENT_LIMITS.oneTimeKemPrekeys - status.oneTimeKemRemaining)
      : [];
  if (rotated === undefined && oneTime.length === 0 && oneTimeKem.length === 0) return;
  store.prune(now);
  await vault.batch().putPrekeys(store).commit();
  if (rotated !== undefined) {
    await connection.call('prekeys.set_signed', {
      signedPrekey: signed(rotated.signedPrekey),
      kemPrekey: signed(rotated.kemPrekey),
    });
  }
  if (oneTime.length > 0) {
    await connection.call('prekeys.add_one_time', {
      prekeys: oneTime.map((prekey) => ({
        id: prekey.id,
        publicKey: toBase64Url(prekey.publicKey),
      })),
    });
  }
  if (oneTimeKem.length > 0) {
    await connection.call('prekeys.add_one_time_kem', { prekeys: oneTimeKem.map(signed) });
  }
}
