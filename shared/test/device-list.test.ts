// The identity-signed device list: what verifies, what is refused and why, the helpers that
// make the next list, and the device's proof that binds a session to it.
import { describe, expect, it } from 'vitest';
import {
  MAX_DEVICE_LIST_BYTES,
  MAX_LISTED_DEVICES,
  MIN_DEVICE_LIST_BYTES,
  addDeviceToList,
  concatBytes,
  diffDeviceLists,
  generateDeviceKey,
  generateIdentity,
  label,
  publicIdentity,
  removeDeviceFromList,
  sessionTokenHash,
  sign,
  signDeviceList,
  signDeviceSession,
  transcript,
  utf8,
  verifyDeviceList,
  verifyDeviceSession,
  type DeviceEntry,
} from '../src/crypto/index.js';
import {
  MAX_DEVICES_PER_ACCOUNT_CEILING,
  MAX_DEVICE_LIST_WIRE_BYTES,
  MIN_DEVICE_LIST_WIRE_BYTES,
} from '../src/protocol/devices.js';
import { reasonOf } from './reason-of.js';
import { flipBit, randomId } from './session-support.js';

const identity = generateIdentity();
const accountId = randomId();
const expected = { accountId, identity: publicIdentity(identity) };

function entry(addedAt = 1): DeviceEntry {
  return { deviceId: randomId(), deviceKey: generateDeviceKey().publicKey, addedAt };
}

describe('device list', () => {
  it('verifies what the identity signed, sorted by device id, and keeps the signed bytes', () => {
    const devices = [entry(5), entry(6), entry(7)];
    const bytes = signDeviceList(identity, { accountId, version: 3, devices });
    const list = verifyDeviceList(bytes, expected);
    expect(list.version).toBe(3);
    expect(list.accountId).toBe(accountId);
    expect(list.devices.map((d) => d.deviceId)).toEqual(devices.map((d) => d.deviceId).sort());
    expect(list.bytes).toEqual(bytes);
    // An account may list no device at all (every one removed).
    expect(
      verifyDeviceList(signDeviceList(identity, { accountId, version: 4, devices: [] }), expected)
        .devices,
    ).toEqual([]);
  });

  it('is refused when signed by another identity, for another account, or with any byte changed', () => {
    const bytes = signDeviceList(identity, { accountId, version: 1, devices: [entry()] });
    const other = generateIdentity();
    expect(
      reasonOf(() => verifyDeviceList(bytes, { accountId, identity: publicIdentity(other) })),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyDeviceList(
          signDeviceList(other, { accountId, version: 1, devices: [entry()] }),
          expected,
        ),
      ),
    ).toBe('UNTRUSTED');
    expect(reasonOf(() => verifyDeviceList(bytes, { ...expected, accountId: randomId() }))).toBe(
      'UNTRUSTED',
    );
    for (let index = 0; index < bytes.length; index += 1) {
      const reason = reasonOf(() => verifyDeviceList(flipBit(bytes, index), expected));
      expect(reason, `byte ${index}`).not.toBe('no error');
      if (index >= 4) expect(reason, `byte ${index}`).toBe('UNTRUSTED');
    }
    expect(reasonOf(() => verifyDeviceList(bytes.subarray(0, 50), expected))).toBe('MALFORMED');
  });

  it('is refused when older than the version the caller has seen (a rollback)', () => {
    const v2 = signDeviceList(identity, { accountId, version: 2, devices: [entry()] });
    expect(verifyDeviceList(v2, { ...expected, minVersion: 2 }).version).toBe(2);
    expect(reasonOf(() => verifyDeviceList(v2, { ...expected, minVersion: 3 }))).toBe('REPLAY');
  });

  it('refuses to sign repeated ids or keys, bad keys or ids, version 0, or more than the ceiling', () => {
    const a = entry();
    const cases = [
      [a, { ...entry(), deviceId: a.deviceId }],
      [a, { ...entry(), deviceKey: a.deviceKey }],
      [{ ...a, deviceId: 'short' }],
      [{ ...a, deviceKey: new Uint8Array(32) }],
      [{ ...a, addedAt: -1 }],
      Array.from({ length: MAX_LISTED_DEVICES + 1 }, () => entry()),
    ];
    for (const devices of cases) {
      expect(reasonOf(() => signDeviceList(identity, { accountId, version: 1, devices }))).toBe(
        'BAD_KEY',
      );
    }
    expect(reasonOf(() => signDeviceList(identity, { accountId, version: 0, devices: [a] }))).toBe(
      'BAD_KEY',
    );
    const full = Array.from({ length: MAX_LISTED_DEVICES }, () => ({
      ...entry(),
      deviceId: randomId() + randomId() + 'abcdefghijklmnopqrst',
    }));
    expect(signDeviceList(identity, { accountId, version: 1, devices: full }).length).toBe(
      MAX_DEVICE_LIST_BYTES,
    );
  });

  it('refuses a signed list whose entries are out of order (one encoding per list)', () => {
    const bytes = signDeviceList(identity, { accountId, version: 1, devices: [entry(), entry()] });
    // Both ids are 22 characters: each entry is 1 + 22 + 32 + 8 bytes after the 13-byte prefix.
    const size = 1 + 22 + 32 + 8;
    const body = bytes.subarray(0, bytes.length - 64);
    const swapped = concatBytes(
      body.subarray(0, 13),
      body.subarray(13 + size, 13 + 2 * size),
      body.subarray(13, 13 + size),
    );
    const resigned = concatBytes(
      swapped,
      sign(identity.signing.secretKey, transcript(label('devices/list'), utf8(accountId), swapped)),
    );
    expect(reasonOf(() => verifyDeviceList(resigned, expected))).toBe('MALFORMED');
  });

  it('makes the next list by adding or removing one device, and says what changed', () => {
    const first = entry(10);
    const v1 = verifyDeviceList(addDeviceToList(identity, null, { accountId, ...first }), expected);
    expect(v1.version).toBe(1);
    const second = entry(20);
    const v2 = verifyDeviceList(addDeviceToList(identity, v1, { accountId, ...second }), expected);
    expect(v2.version).toBe(2);
    expect(diffDeviceLists(v1, v2)).toEqual({ from: 1, to: 2, added: [second], removed: [] });
    const v3 = verifyDeviceList(removeDeviceFromList(identity, v2, first.deviceId), expected);
    expect(v3.devices).toEqual([second]);
    expect(diffDeviceLists(v2, v3)).toEqual({ from: 2, to: 3, added: [], removed: [first] });
    // Removing a device the list does not name, or adding one twice, is refused.
    expect(reasonOf(() => removeDeviceFromList(identity, v3, first.deviceId))).toBe('BAD_KEY');
    expect(reasonOf(() => addDeviceToList(identity, v3, { accountId, ...second }))).toBe('BAD_KEY');
  });
});

describe('device session proof', () => {
  it('binds a device to one session token', () => {
    const device = generateDeviceKey();
    const deviceId = randomId();
    const token = 'a-session-token-of-43-characters-0123456789';
    const signature = signDeviceSession(device.secretKey, { deviceId, token });
    const tokenHash = sessionTokenHash(token);
    expect(verifyDeviceSession(device.publicKey, { deviceId, tokenHash }, signature)).toBe(true);
    expect(
      verifyDeviceSession(device.publicKey, { deviceId: randomId(), tokenHash }, signature),
    ).toBe(false);
    expect(
      verifyDeviceSession(
        device.publicKey,
        { deviceId, tokenHash: sessionTokenHash(`${token}x`) },
        signature,
      ),
    ).toBe(false);
    expect(
      verifyDeviceSession(generateDeviceKey().publicKey, { deviceId, tokenHash }, signature),
    ).toBe(false);
  });
});

describe('the wire contract agrees with the crypto', () => {
  it('pins the device list sizes and the device ceiling', () => {
    expect(MAX_DEVICE_LIST_WIRE_BYTES).toBe(MAX_DEVICE_LIST_BYTES);
    expect(MIN_DEVICE_LIST_WIRE_BYTES).toBe(MIN_DEVICE_LIST_BYTES);
    expect(MAX_DEVICES_PER_ACCOUNT_CEILING).toBe(MAX_LISTED_DEVICES);
  });
});
