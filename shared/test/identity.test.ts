// Passphrase-derived identities are deterministic per (handle, passphrase, salt) and bound to
// the handle; a public identity whose exchange key is not signed by its signing key is refused.
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

const PASSPHRASE = 'correct horse battery staple';

describe('derivePassphraseKeys (Argon2id, three runs in all)', () => {
  const salt = newPassphraseSalt();
  const first = derivePassphraseKeys('alice', PASSPHRASE, salt);
  const again = derivePassphraseKeys('alice', PASSPHRASE, salt);
  const otherHandle = derivePassphraseKeys('alice2', PASSPHRASE, salt);

  it('is deterministic for the same handle, passphrase and salt', () => {
    expect(first.identity.signing.publicKey).toEqual(again.identity.signing.publicKey);
    expect(first.identity.signing.secretKey).toEqual(again.identity.signing.secretKey);
    expect(first.identity.exchange.secretKey).toEqual(again.identity.exchange.secretKey);
    expect(first.identity.exchangeSignature).toEqual(again.identity.exchangeSignature);
    expect(first.storageKey).toEqual(again.storageKey);
  });

  it('gives independent keys for another handle', () => {
    expect(
      equalBytes(first.identity.signing.publicKey, otherHandle.identity.signing.publicKey),
    ).toBe(false);
    expect(
      equalBytes(first.identity.exchange.publicKey, otherHandle.identity.exchange.publicKey),
    ).toBe(false);
    expect(equalBytes(first.storageKey, otherHandle.storageKey)).toBe(false);
  });

  it('keeps the signing key, exchange key and storage key apart', () => {
    const { identity, storageKey } = first;
    expect(
      equalBytes(identity.signing.secretKey.subarray(0, 32), identity.exchange.secretKey),
    ).toBe(false);
    expect(equalBytes(identity.exchange.secretKey, storageKey)).toBe(false);
    expect(verifyPublicIdentity(publicIdentity(identity))).toBe(true);
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
