// Sessions and prekey stores sealed in the key store: a copy of an older state (restored from a
// backup, a second tab, a seized disk) would accept a replayed message again; with generations
// the client refuses to load it.
import { describe, expect, it } from 'vitest';
import {
  STORAGE_KEY_BYTES,
  fromUtf8,
  keyStoreHeader,
  openPrekeyStore,
  openSession,
  randomBytes,
  sealPrekeyStore,
  sealSession,
  utf8,
} from '../src/crypto/index.js';
import { establish } from './session-support.js';
import { reasonOf } from './reason-of.js';

describe('sealed session and prekey state', () => {
  const storageKey = randomBytes(STORAGE_KEY_BYTES);
  const account = 'bob';

  it('a replayed message is accepted again by a restored older session only without the generation check', () => {
    const { alice, bob } = establish();
    const saved = sealSession(storageKey, bob, { account, generation: 1 });
    const message = alice.encrypt(utf8('once'), 0);
    expect(fromUtf8(bob.decrypt(message, 0))).toBe('once');
    const afterwards = sealSession(storageKey, bob, { account, generation: 2 });
    expect(keyStoreHeader(afterwards)).toMatchObject({ purpose: 'session', generation: 2 });

    // The attack the generation stops: the old blob, loaded, reads the same message again.
    const rolledBack = openSession(storageKey, saved, { account, minGeneration: 0 }).session;
    expect(fromUtf8(rolledBack.decrypt(message, 0))).toBe('once');
    // The client that recorded generation 2 refuses the old blob and keeps refusing the replay.
    expect(reasonOf(() => openSession(storageKey, saved, { account, minGeneration: 2 }))).toBe(
      'REPLAY',
    );
    const current = openSession(storageKey, afterwards, { account, minGeneration: 2 });
    expect(current.generation).toBe(2);
    expect(reasonOf(() => current.session.decrypt(message, 0))).toBe('REPLAY');
  });

  it('binds the purpose and the account', () => {
    const { bob, responder } = establish();
    const session = sealSession(storageKey, bob, { account, generation: 1 });
    const prekeys = sealPrekeyStore(storageKey, responder.store, { account, generation: 1 });
    expect(
      reasonOf(() => openPrekeyStore(storageKey, session, { account, minGeneration: 0 })),
    ).toBe('UNTRUSTED');
    expect(reasonOf(() => openSession(storageKey, prekeys, { account, minGeneration: 0 }))).toBe(
      'UNTRUSTED',
    );
    expect(
      reasonOf(() => openSession(storageKey, session, { account: 'mallory', minGeneration: 0 })),
    ).toBe('WRONG_PASSPHRASE');
    const reopened = openPrekeyStore(storageKey, prekeys, { account, minGeneration: 1 });
    expect(reopened.store.serialize()).toEqual(responder.store.serialize());
  });
});
