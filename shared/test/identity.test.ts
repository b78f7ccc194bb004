// Two-secret keys are deterministic per (deployment, handle, passphrase, account key, salt) and
// bound to the handle; identities are random and travel in a sealed backup; a public identity whose exchange
// key is not signed by its signing key is refused.
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from '../src/crypto/primitives/bytes.js';
import { CryptoError } from '../src/crypto/primitives/errors.js';
import {
  encodePublicIdentity,
  generateIdentity,
  publicIdentity,
  verifyPublicIdentity,
  type PublicIdentity,
} from '../src/crypto/identity/identity.js';
import {
  PASSPHRASE_KDF,
  deriveTwoSecretKeys,
  newAccountKey,
  newPassphraseSalt,
} from '../src/crypto/identity/two-secret-keys.js';
import { openIdentityBackup, sealIdentityBackup } from '../src/crypto/storage/identity-backup.js';
import { sealKeyStore } from '../src/crypto/storage/key-store.js';
import { reasonOf } from './reason-of.js';

const PASSPHRASE = 'correct horse battery staple';
const deployment = 'kolokol-test';

describe('deriveTwoSecretKeys (Argon2id, three runs in all)', () => {
  const salt = newPassphraseSalt();
  const accountKey = newAccountKey();
  const input = { deployment, handle: 'alice', passphrase: PASSPHRASE, accountKey, salt };
  const first = deriveTwoSecretKeys(input);
  const again = deriveTwoSecretKeys(input);
  const otherHandle = deriveTwoSecretKeys({ ...input, handle: 'alice2' });

  it('is deterministic for the same deployment, handle, passphrase, account key and salt', () => {
    expect(first.authentication.publicKey).toEqual(again.authentication.publicKey);
    expect(first.authentication.secretKey).toEqual(again.authentication.secretKey);
    expect(first.storageKey).toEqual(again.storageKey);
  });

  it('gives independent keys for another handle', () => {
    expect(equalBytes(first.authentication.publicKey, otherHandle.authentication.publicKey)).toBe(
      false,
    );
    expect(equalBytes(first.storageKey, otherHandle.storageKey)).toBe(false);
  });

  it('keeps the authentication key and the storage key apart', () => {
    expect(equalBytes(first.authentication.secretKey.subarray(0, 32), first.storageKey)).toBe(
      false,
    );
  });

  it('derives no part of the published identity: the identity is random', () => {
    expect(
      equalBytes(generateIdentity().signing.publicKey, generateIdentity().signing.publicKey),
    ).toBe(false);
  });

  it('seals the identity into a backup only the same passphrase and account open', () => {
    const identity = generateIdentity();
    const backup = sealIdentityBackup(first.storageKey, identity, {
      account: 'alice',
      generation: 1,
    });
    const restored = openIdentityBackup(again.storageKey, backup, {
      account: 'alice',
      minGeneration: 0,
    });
    expect(restored.generation).toBe(1);
    expect(restored.identity.signing.publicKey).toEqual(identity.signing.publicKey);
    expect(restored.identity.exchange.secretKey).toEqual(identity.exchange.secretKey);
    expect(verifyPublicIdentity(publicIdentity(restored.identity))).toBe(true);
    expect(
      reasonOf(() =>
        openIdentityBackup(otherHandle.storageKey, backup, { account: 'alice', minGeneration: 0 }),
      ),
    ).toBe('WRONG_PASSPHRASE');
    expect(
      reasonOf(() =>
        openIdentityBackup(first.storageKey, backup, { account: 'alice2', minGeneration: 0 }),
      ),
    ).toBe('WRONG_PASSPHRASE');
    expect(
      reasonOf(() =>
        openIdentityBackup(first.storageKey, backup, { account: 'alice', minGeneration: 2 }),
      ),
    ).toBe('REPLAY');
    const notABackup = sealKeyStore(
      first.storageKey,
      { purpose: 'identity-backup', account: 'alice', generation: 1 },
      new Uint8Array(10),
    );
    expect(
      reasonOf(() =>
        openIdentityBackup(first.storageKey, notABackup, { account: 'alice', minGeneration: 0 }),
      ),
    ).toBe('MALFORMED');
    const aSession = sealKeyStore(
      first.storageKey,
      { purpose: 'session', account: 'alice', generation: 1 },
      new Uint8Array(10),
    );
    expect(
      reasonOf(() =>
        openIdentityBackup(first.storageKey, aSession, { account: 'alice', minGeneration: 0 }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('refuses a backup whose stored Ed25519 public key is not the one its seed gives', () => {
    // A crafted backup: Alice's seed with Bob's public key and Bob's genuine exchange-key
    // signature, so every public check passes; signing with it would leak Alice's seed.
    const alice = generateIdentity();
    const bob = generateIdentity();
    const secretKey = concatBytes(alice.signing.secretKey.subarray(0, 32), bob.signing.publicKey);
    const crafted = sealKeyStore(
      first.storageKey,
      { purpose: 'identity-backup', account: 'alice', generation: 1 },
      concatBytes(Uint8Array.of(1), secretKey, bob.exchange.secretKey, bob.exchangeSignature),
    );
    expect(
      reasonOf(() =>
        openIdentityBackup(first.storageKey, crafted, { account: 'alice', minGeneration: 0 }),
      ),
    ).toBe('BAD_KEY');
    // The same bytes with the matching public key open.
    const genuine = sealKeyStore(
      first.storageKey,
      { purpose: 'identity-backup', account: 'alice', generation: 1 },
      concatBytes(
        Uint8Array.of(1),
        bob.signing.secretKey,
        bob.exchange.secretKey,
        bob.exchangeSignature,
      ),
    );
    expect(
      openIdentityBackup(first.storageKey, genuine, { account: 'alice', minGeneration: 0 }).identity
        .signing.publicKey,
    ).toEqual(bob.signing.publicKey);
  });

  it('refuses a short passphrase and a wrong-length salt before running Argon2', () => {
    expect(() => deriveTwoSecretKeys({ ...input, passphrase: 'short' })).toThrow(CryptoError);
    expect(() =>
      deriveTwoSecretKeys({ ...input, salt: new Uint8Array(PASSPHRASE_KDF.saltBytes - 1) }),
    ).toThrow(/salt/);
  });
});

describe('verifyPublicIdentity', () => {
  const alice = publicIdentity(generateIdentity());
  const bob = publicIdentity(generateIdentity());

  it('accepts a genuine identity', () => {
    expect(verifyPublicIdentity(alice)).toBe(true);
    expect(encodePublicIdentity(alice)).toHaveLength(64);
  });

  it("rejects an exchange key swapped for someone else's", () => {
    const swapped: PublicIdentity = { ...alice, exchangeKey: bob.exchangeKey };
    expect(verifyPublicIdentity(swapped)).toBe(false);
    const borrowed: PublicIdentity = { ...bob, signingKey: alice.signingKey };
    expect(verifyPublicIdentity(borrowed)).toBe(false);
  });

  it('rejects a tampered exchange key or signature, and wrong lengths', () => {
    for (let i = 0; i < 32; i += 1) {
      const exchangeKey = alice.exchangeKey.slice();
      exchangeKey[i]! ^= 0x80;
      expect(verifyPublicIdentity({ ...alice, exchangeKey })).toBe(false);
    }
    const exchangeSignature = alice.exchangeSignature.slice();
    exchangeSignature[10]! ^= 0x01;
    expect(verifyPublicIdentity({ ...alice, exchangeSignature })).toBe(false);
    expect(verifyPublicIdentity({ ...alice, exchangeKey: alice.exchangeKey.subarray(1) })).toBe(
      false,
    );
    expect(verifyPublicIdentity({ ...alice, signingKey: new Uint8Array(33) })).toBe(false);
  });
});
