// A peer with several devices: one envelope per listed device, each device decrypts its own,
// a changed list is reported, and a removed device gets nothing more and is refused.
import { describe, expect, it } from 'vitest';
import {
  PeerDevices,
  PrekeyStore,
  fromUtf8,
  generateIdentity,
  publicIdentity,
  utf8,
  type Identity,
  type PrekeyBundle,
} from '../src/crypto/index.js';
import { reasonOf } from './reason-of.js';
import { deviceListOf, makeDevice, randomId } from './session-support.js';

interface Device {
  readonly store: PrekeyStore;
  bundle(): PrekeyBundle;
}

/** A device of `identity` with a signed prekey, a last-resort KEM prekey and one-time ones. */
function device(identity: Identity): Device {
  const store = new PrekeyStore(makeDevice());
  const { signedPrekey, kemPrekey } = store.rotate(0);
  return {
    store,
    bundle: () => {
      const [oneTimePrekey] = store.addOneTimePrekeys(1);
      const [oneTimeKemPrekey] = store.addOneTimeKemPrekeys(1);
      return {
        identity: publicIdentity(identity),
        device: store.device,
        signedPrekey,
        kemPrekey,
        oneTimePrekey,
        oneTimeKemPrekey,
      };
    },
  };
}

describe('PeerDevices', () => {
  const bob = generateIdentity();
  const bobAccount = randomId();
  const [phone, laptop, tablet] = [device(bob), device(bob), device(bob)];
  const alice = generateIdentity();

  it('encrypts once per listed device; each device decrypts its own copy and no other', () => {
    const list = deviceListOf(bob, bobAccount, [phone.store, laptop.store, tablet.store]);
    const toBob = new PeerDevices(publicIdentity(bob), list);
    expect(toBob.devicesWithoutSession().sort()).toEqual(
      list.devices.map((d) => d.deviceId).sort(),
    );
    toBob.startSessions(alice, [phone.bundle(), laptop.bundle()]);
    const fanOut = toBob.encrypt(utf8('to every device'), 0);
    expect(fanOut.version).toBe(1);
    expect(fanOut.envelopes).toHaveLength(2);
    expect(fanOut.unreachable).toEqual([tablet.store.device.deviceId]);
    for (const { deviceId, body } of fanOut.envelopes) {
      const own = [phone, laptop].find((d) => d.store.device.deviceId === deviceId)!;
      const other = [phone, laptop].find((d) => d !== own)!;
      const fromAlice = new PeerDevices(
        publicIdentity(alice),
        deviceListOf(alice, randomId(), [new PrekeyStore(makeDevice())]),
      );
      const aliceDevice = fromAlice.list.devices[0]!.deviceId;
      expect(reasonOf(() => fromAlice.decrypt(bob, other.store, aliceDevice, body, 0))).not.toBe(
        'no error',
      );
      expect(fromUtf8(fromAlice.decrypt(bob, own.store, aliceDevice, body, 0))).toBe(
        'to every device',
      );
      // An envelope said to come from a device Alice's list does not name is refused.
      expect(reasonOf(() => fromAlice.decrypt(bob, own.store, randomId(), body, 0))).toBe(
        'UNTRUSTED',
      );
    }
  });

  it('takes a newer list, reports the change, and never encrypts to a removed device again', () => {
    const v1 = deviceListOf(bob, bobAccount, [phone.store, laptop.store]);
    const toBob = new PeerDevices(publicIdentity(bob), v1);
    toBob.startSessions(alice, [phone.bundle(), laptop.bundle()]);
    const v2 = deviceListOf(bob, bobAccount, [phone.store], 2);
    const change = toBob.update(v2);
    expect(change.removed.map((d) => d.deviceId)).toEqual([laptop.store.device.deviceId]);
    expect(change.added).toEqual([]);
    expect(toBob.session(laptop.store.device.deviceId)).toBeUndefined();
    const fanOut = toBob.encrypt(utf8('after removal'), 0);
    expect(fanOut.envelopes.map((e) => e.deviceId)).toEqual([phone.store.device.deviceId]);
    expect(fanOut.version).toBe(2);
    // A bundle of the removed device is refused; an older list is a rollback.
    expect(reasonOf(() => toBob.startSessions(alice, [laptop.bundle()]))).toBe('UNTRUSTED');
    expect(reasonOf(() => toBob.update(v1))).toBe('REPLAY');
    // A list of another account, even signed by the same identity, is not this peer's.
    expect(reasonOf(() => toBob.update(deviceListOf(bob, randomId(), [phone.store], 3)))).toBe(
      'UNTRUSTED',
    );
    expect(reasonOf(() => new PeerDevices(publicIdentity(alice), v2))).toBe('UNTRUSTED');
  });
});
