// What the client core needs from the crypto to keep a device's state sealed: a client state
// sealed under its own key-store purpose, and PeerDevices sessions put back after a restart
// (sealed, opened, restored) that carry on the conversation — and refuse a stranger's session.
import { describe, expect, it } from 'vitest';
import {
  PeerDevices,
  PrekeyStore,
  fromUtf8,
  generateIdentity,
  keyStoreHeader,
  openClientState,
  openSession,
  publicIdentity,
  randomBytes,
  sealClientState,
  sealSession,
  utf8,
} from '../src/crypto/index.js';
import { reasonOf } from './reason-of.js';
import { deviceListOf, makeDevice, randomId } from './session-support.js';

describe('sealed client state', () => {
  const storageKey = randomBytes(32);

  it('opens under its purpose and account only, and refuses an older generation', () => {
    const v1 = sealClientState(storageKey, utf8('{"outbox":[]}'), {
      account: 'alice',
      generation: 1,
    });
    const v2 = sealClientState(storageKey, utf8('{"outbox":[1]}'), {
      account: 'alice',
      generation: 2,
    });
    expect(keyStoreHeader(v2)).toEqual({
      kind: 'storage-key',
      purpose: 'client-state',
      generation: 2,
    });
    const opened = openClientState(storageKey, v2, { account: 'alice', minGeneration: 2 });
    expect(fromUtf8(opened.state)).toBe('{"outbox":[1]}');
    expect(
      reasonOf(() => openClientState(storageKey, v1, { account: 'alice', minGeneration: 2 })),
    ).toBe('REPLAY');
    expect(
      reasonOf(() => openClientState(storageKey, v2, { account: 'bob', minGeneration: 0 })),
    ).toBe('WRONG_PASSPHRASE');
    // A sealed session is not a client state, nor the other way round.
    expect(
      reasonOf(() => openSession(storageKey, v2, { account: 'alice', minGeneration: 0 })),
    ).toBe('UNTRUSTED');
  });
});

describe('PeerDevices.restoreSession', () => {
  it('carries a conversation on after the sessions were sealed and restored', () => {
    const storageKey = randomBytes(32);
    const alice = generateIdentity();
    const bob = generateIdentity();
    const bobPhone = new PrekeyStore(makeDevice());
    const { signedPrekey, kemPrekey } = bobPhone.rotate(0);
    const bobList = deviceListOf(bob, randomId(), [bobPhone]);
    const aliceDevice = new PrekeyStore(makeDevice());
    const aliceList = deviceListOf(alice, randomId(), [aliceDevice]);
    const { deviceId } = bobPhone.device;

    const toBob = new PeerDevices(publicIdentity(bob), bobList);
    toBob.startSessions(alice, [
      { identity: publicIdentity(bob), device: bobPhone.device, signedPrekey, kemPrekey },
    ]);
    const fromAlice = new PeerDevices(publicIdentity(alice), aliceList);
    const first = toBob.encrypt(utf8('one'), 0).envelopes[0]!;
    const aliceId = aliceDevice.device.deviceId;
    expect(fromUtf8(fromAlice.decrypt(bob, bobPhone, aliceId, first.body, 0))).toBe('one');

    // Alice's app restarts: her session with Bob's phone comes back from the key store.
    const sealed = sealSession(storageKey, toBob.session(deviceId)!, {
      account: 'alice',
      generation: 1,
    });
    const restarted = new PeerDevices(publicIdentity(bob), bobList);
    restarted.restoreSession(
      deviceId,
      openSession(storageKey, sealed, { account: 'alice', minGeneration: 1 }).session,
    );
    const second = restarted.encrypt(utf8('two'), 0).envelopes[0]!;
    expect(fromUtf8(fromAlice.decrypt(bob, bobPhone, aliceId, second.body, 0))).toBe('two');

    // A session with someone else, or for a device the list does not name, is refused.
    const stranger = new PeerDevices(publicIdentity(alice), aliceList);
    expect(reasonOf(() => stranger.restoreSession(aliceId, restarted.session(deviceId)!))).toBe(
      'UNTRUSTED',
    );
    expect(reasonOf(() => restarted.restoreSession(randomId(), restarted.session(deviceId)!))).toBe(
      'UNTRUSTED',
    );
  });
});
