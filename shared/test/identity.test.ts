// Passphrase-derived keys are deterministic per (handle, passphrase, salt) and bound to the
// handle; identities are random and travel in a sealed backup; a public identity whose exchange
// key is not signed by its signing key is refused.
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/crypto/bytes.js';
import { CryptoError } from '../src/crypto/errors.js';
import {
  PASSPHRASE_KDF,
  derivePassphraseKeys,
  encodePublicIdentity,
  generateIdentity,
  newPassphraseSalt,
  publicIdentity,
  verifyPublicIdentity,
  type PublicIdentity,
} from '../src/crypto/identity.js';
import { openIdentityBackup, sealIdentityBackup } from '../src/crypto/identity-backup.js';
import { sealKeyStore } from '../src/crypto/key-store.js';

const PASSPHRASE = 'correct horse battery staple';

describe('derivePassphraseKeys (Argon2id, three runs in all)', () => {
  const salt = newPassphraseSalt();
  const first = derivePassphraseKeys('alice', PASSPHRASE, salt);
  const again = derivePassphraseKeys('alice', PASSPHRASE, salt);
  const otherHandle = derivePassphraseKeys('alice2', PASSPHRASE, salt);

  it('is deterministic for the same handle, passphrase and salt', () => {
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

  it('seals the identity into a backup only the same passphrase opens', () => {
    const identity = generateIdentity();
    const backup = sealIdentityBackup(first.storageKey, identity);
    const restored = openIdentityBackup(again.storageKey, backup);
    expect(restored.signing.publicKey).toEqual(identity.signing.publicKey);
    expect(restored.exchange.secretKey).toEqual(identity.exchange.secretKey);
    expect(verifyPublicIdentity(publicIdentity(restored))).toBe(true);
    expect(() => openIdentityBackup(otherHandle.storageKey, backup)).toThrow(/passphrase|decrypt/i);
    expect(() =>
      openIdentityBackup(first.storageKey, sealKeyStore(first.storageKey, new Uint8Array(10))),
    ).toThrow(CryptoError);
  });

  it('refuses a short passphrase and a wrong-length salt before running Argon2', () => {
    expect(() => derivePassphraseKeys('alice', 'short', salt)).toThrow(CryptoError);
    expect(() =>
      derivePassphraseKeys('alice', PASSPHRASE, new Uint8Array(PASSPHRASE_KDF.saltBytes - 1)),
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
