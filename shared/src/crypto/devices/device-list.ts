// The identity-signed device list (after Signal's Sesame): which devices speak for an account.
// Every device of an account shares the account's identity (its safety number stays the
// identity's); each device has its own Ed25519 device key, made on the device, which signs that
// device's prekeys and its sessions with the server. The list names every device by its
// server-issued id and its device key, carries a version that only goes up, and is signed by the
// account's identity signing key over the account id: nobody without the identity can add a
// device, and a version no higher than the last one seen (a removed device brought back, a list
// rolled back) is refused by the server and by peers alike.
import { concatBytes, equalBytes, transcript, utf8 } from '../primitives/bytes.js';
import { ByteReader, u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import {
  FORMAT_HEADER_BYTES,
  formatHeader,
  label,
  readFormatHeader,
  SUITE,
} from '../primitives/format.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ed25519KeyPair,
  sign,
  verify,
  type KeyPair,
} from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';
import { verifyPublicIdentity, type Identity, type PublicIdentity } from '../identity/identity.js';

/** Devices one list may name: the hard ceiling of every deployment's cap (KOLOKOL_MAX_DEVICES_PER_ACCOUNT). */
export const MAX_LISTED_DEVICES = 20;
/** Server-issued device ids: 16–64 characters of base64url, like every id the server issues. */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const ENTRY_FIXED_BYTES = 1 + ED25519_PUBLIC_KEY_BYTES + 8;
const LIST_FIXED_BYTES = FORMAT_HEADER_BYTES + 8 + 1 + ED25519_SIGNATURE_BYTES;
/** The largest encoded list: MAX_LISTED_DEVICES entries with 64-character ids. */
export const MAX_DEVICE_LIST_BYTES =
  LIST_FIXED_BYTES + MAX_LISTED_DEVICES * (ENTRY_FIXED_BYTES + 64);
export const MIN_DEVICE_LIST_BYTES = LIST_FIXED_BYTES;

export interface DeviceEntry {
  /** Issued by the server (`devices.reserve`). */
  readonly deviceId: string;
  /** The device's Ed25519 public key; its secret half never leaves the device. */
  readonly deviceKey: Uint8Array;
  /** When the signer added the device (ms), for people to read; not checked against anything. */
  readonly addedAt: number;
}

export interface DeviceList {
  readonly accountId: string;
  /** At least 1; each list the account publishes must carry a higher one. */
  readonly version: number;
  /** Sorted by device id; ids and keys distinct. */
  readonly devices: readonly DeviceEntry[];
}

declare const verifiedDeviceList: unique symbol;

/** A list whose signature verified against `identity`; only `verifyDeviceList` makes one. */
export type VerifiedDeviceList = DeviceList & {
  /** The identity the list verified against (the account's). */
  readonly identity: PublicIdentity;
  /** The signed encoding, as published. */
  readonly bytes: Uint8Array;
  readonly [verifiedDeviceList]: true;
};

/** What changed between two lists of one account. */
export interface DeviceListChange {
  readonly from: number;
  readonly to: number;
  readonly added: readonly DeviceEntry[];
  readonly removed: readonly DeviceEntry[];
}

/** A new random device key, made once on the device. */
export function generateDeviceKey(): KeyPair {
  return ed25519KeyPair();
}

export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

function isDeviceKey(key: Uint8Array): boolean {
  return (
    key instanceof Uint8Array &&
    key.length === ED25519_PUBLIC_KEY_BYTES &&
    sodium.crypto_core_ed25519_is_valid_point(key)
  );
}

function listTranscript(accountId: string, body: Uint8Array): Uint8Array {
  return transcript(label('devices/list'), utf8(accountId), body);
}

/** Checks the entries' shapes, order and distinctness; the reason names the rule, never a value. */
function checkDevices(devices: readonly DeviceEntry[], reason: 'BAD_KEY' | 'MALFORMED'): void {
  if (devices.length > MAX_LISTED_DEVICES) {
    throw new CryptoError(reason, `a device list names at most ${MAX_LISTED_DEVICES} devices`);
  }
  devices.forEach((device, index) => {
    if (!isDeviceId(device.deviceId)) throw new CryptoError(reason, 'not a device id');
    if (!isDeviceKey(device.deviceKey)) throw new CryptoError(reason, 'not an Ed25519 device key');
    if (!Number.isSafeInteger(device.addedAt) || device.addedAt < 0) {
      throw new CryptoError(reason, 'addedAt must be a non-negative safe integer');
    }
    const previous = devices[index - 1];
    if (previous !== undefined && !(previous.deviceId < device.deviceId)) {
      throw new CryptoError(reason, 'device ids must be distinct and in ascending order');
    }
    if (devices.some((other, j) => j < index && equalBytes(other.deviceKey, device.deviceKey))) {
      throw new CryptoError(reason, 'two devices share a device key');
    }
  });
}

function encodeBody(version: number, devices: readonly DeviceEntry[]): Uint8Array {
  const parts = [formatHeader(SUITE.deviceList), u64be(version), Uint8Array.of(devices.length)];
  for (const device of devices) {
    const id = utf8(device.deviceId);
    parts.push(Uint8Array.of(id.length), id, device.deviceKey, u64be(device.addedAt));
  }
  return concatBytes(...parts);
}

/**
 * Signs a list with the account's identity: `body ‖ Ed25519(identity, transcript("kolokol/v1/
 * devices/list", accountId, body))`. Devices are sorted by id here; BAD_KEY for a bad entry.
 */
export function signDeviceList(identity: Identity, list: DeviceList): Uint8Array {
  if (!isDeviceId(list.accountId)) throw new CryptoError('BAD_KEY', 'not an account id');
  if (!Number.isSafeInteger(list.version) || list.version < 1) {
    throw new CryptoError('BAD_KEY', 'a device list version is a positive safe integer');
  }
  const devices = [...list.devices].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
  checkDevices(devices, 'BAD_KEY');
  const body = encodeBody(list.version, devices);
  return concatBytes(body, sign(identity.signing.secretKey, listTranscript(list.accountId, body)));
}

/**
 * Verifies a signed list for `accountId` against the identity the caller already trusts (never
 * one from the same server answer): UNTRUSTED when the signature or the identity does not
 * verify, before any field is read; MALFORMED for a bad encoding; REPLAY for a version below
 * `minVersion` (the highest the caller has accepted: a server rolling the list back).
 */
export function verifyDeviceList(
  bytes: Uint8Array,
  expected: {
    readonly accountId: string;
    readonly identity: PublicIdentity;
    readonly minVersion?: number;
  },
): VerifiedDeviceList {
  if (
    !(bytes instanceof Uint8Array) ||
    bytes.length < MIN_DEVICE_LIST_BYTES ||
    bytes.length > MAX_DEVICE_LIST_BYTES
  ) {
    throw new CryptoError('MALFORMED', 'not a device list');
  }
  readFormatHeader(bytes, SUITE.deviceList);
  const body = bytes.subarray(0, bytes.length - ED25519_SIGNATURE_BYTES);
  const signature = bytes.subarray(bytes.length - ED25519_SIGNATURE_BYTES);
  if (
    !isDeviceId(expected.accountId) ||
    !verifyPublicIdentity(expected.identity) ||
    !verify(expected.identity.signingKey, listTranscript(expected.accountId, body), signature)
  ) {
    throw new CryptoError('UNTRUSTED', 'device list not signed by the account’s identity');
  }
  const reader = new ByteReader(body, FORMAT_HEADER_BYTES);
  const version = reader.u64();
  if (version < 1) throw new CryptoError('MALFORMED', 'device list version must be positive');
  const count = reader.u8();
  const devices: DeviceEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const idLength = reader.u8();
    const deviceId = sodium.to_string(reader.take(idLength));
    devices.push({
      deviceId,
      deviceKey: reader.take(ED25519_PUBLIC_KEY_BYTES),
      addedAt: reader.u64(),
    });
  }
  reader.end();
  checkDevices(devices, 'MALFORMED');
  if (expected.minVersion !== undefined && version < expected.minVersion) {
    throw new CryptoError('REPLAY', 'device list older than one already seen');
  }
  return {
    accountId: expected.accountId,
    version,
    devices,
    identity: expected.identity,
    bytes: bytes.slice(),
  } as unknown as VerifiedDeviceList;
}

/** The entry for `deviceId` in a verified list, or undefined. */
export function findListedDevice(list: DeviceList, deviceId: string): DeviceEntry | undefined {
  return list.devices.find((device) => device.deviceId === deviceId);
}

/**
 * The next list with one more device, signed: version one above `current` (1 with no list yet).
 * BAD_KEY when the id or the key is listed already, or the list is full.
 */
export function addDeviceToList(
  identity: Identity,
  current: VerifiedDeviceList | null,
  device: DeviceEntry & { readonly accountId: string },
): Uint8Array {
  const devices = current?.devices ?? [];
  if (
    devices.some((d) => d.deviceId === device.deviceId || equalBytes(d.deviceKey, device.deviceKey))
  ) {
    throw new CryptoError('BAD_KEY', 'device already listed');
  }
  const { accountId, deviceId, deviceKey, addedAt } = device;
  return signDeviceList(identity, {
    accountId,
    version: (current?.version ?? 0) + 1,
    devices: [...devices, { deviceId, deviceKey, addedAt }],
  });
}

/** The next list without `deviceId`, signed. BAD_KEY when the list does not name it. */
export function removeDeviceFromList(
  identity: Identity,
  current: VerifiedDeviceList,
  deviceId: string,
): Uint8Array {
  if (findListedDevice(current, deviceId) === undefined) {
    throw new CryptoError('BAD_KEY', 'no such device in the list');
  }
  return signDeviceList(identity, {
    accountId: current.accountId,
    version: current.version + 1,
    devices: current.devices.filter((d) => d.deviceId !== deviceId),
  });
}

/**
 * What a newer list of the same account changed, for a client to show ("Anna added a device on
 * …"). A device whose key changed under the same id counts as removed and added.
 */
export function diffDeviceLists(
  older: VerifiedDeviceList,
  newer: VerifiedDeviceList,
): DeviceListChange {
  if (
    older.accountId !== newer.accountId ||
    !equalBytes(older.identity.signingKey, newer.identity.signingKey)
  ) {
    throw new CryptoError('UNTRUSTED', 'device lists of two different accounts');
  }
  const same = (a: DeviceEntry, b: DeviceEntry) =>
    a.deviceId === b.deviceId && equalBytes(a.deviceKey, b.deviceKey);
  return {
    from: older.version,
    to: newer.version,
    added: newer.devices.filter((d) => !older.devices.some((o) => same(o, d))),
    removed: older.devices.filter((o) => !newer.devices.some((d) => same(o, d))),
  };
}
