// Known-answer tests beyond the RFC vectors of vectors.test.ts: XChaCha20-Poly1305 (draft-irtf-
// cfrg-xchacha-03 §A.3.1), ML-KEM-768 (NIST ACVP keyGen, encapsulation, decapsulation), Argon2id
// at the settings Kolokol uses and derivePassphraseKeys (both computed independently, see the
// fixtures' "source"), and a frozen PQXDH + Double Ratchet transcript under fixed randomness.
import { describe, expect, it } from 'vitest';
import xchachaVector from './fixtures/xchacha20poly1305-draft03.json' with { type: 'json' };
import mlkemVectors from './fixtures/acvp-mlkem768.json' with { type: 'json' };
import argon2Vectors from './fixtures/argon2id.json' with { type: 'json' };
import passphraseVector from './fixtures/passphrase-keys.json' with { type: 'json' };
import frozen from './fixtures/frozen-session-transcript.json' with { type: 'json' };
import {
  MLKEM768_ENCAPSULATION_SEED_BYTES,
  MLKEM768_SEED_BYTES,
  PASSPHRASE_KDF,
  aeadDecrypt,
  aeadEncrypt,
  dangerousTestOnlyDeterministicRandom,
  derivePassphraseKeys,
  randomBytes,
  sodium,
  utf8,
} from '../src/crypto/index.js';
import { frozenTranscript } from './frozen-transcript.js';
import { reasonOf } from './reason-of.js';

const hex = (text: string): Uint8Array => sodium.from_hex(text);
const toHex = (bytes: Uint8Array): string => sodium.to_hex(bytes);

describe('XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §A.3.1)', () => {
  const v = xchachaVector;
  it('aeadEncrypt gives the published ciphertext and tag; aeadDecrypt inverts it', () => {
    const sealed = aeadEncrypt(hex(v.key), hex(v.nonce), hex(v.plaintext), hex(v.aad));
    expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
    expect(toHex(aeadDecrypt(hex(v.key), hex(v.nonce), sealed, hex(v.aad)))).toBe(v.plaintext);
    const tampered = sealed.slice();
    tampered[0]! ^= 1;
    expect(reasonOf(() => aeadDecrypt(hex(v.key), hex(v.nonce), tampered, hex(v.aad)))).toBe(
      'DECRYPT_FAILED',
    );
  });
});

describe('ML-KEM-768 (FIPS 203, NIST ACVP vectors)', () => {
  it('uses FIPS 203 seed sizes: d ‖ z (64) for keygen, m (32) for encapsulation', () => {
    expect(sodium.crypto_kem_mlkem768_SEEDBYTES).toBe(MLKEM768_SEED_BYTES);
    expect(MLKEM768_ENCAPSULATION_SEED_BYTES).toBe(32);
  });

  for (const t of mlkemVectors.keyGen) {
    it(`keyGen tcId ${t.tcId}: seed d ‖ z gives the published ek and dk`, () => {
      const pair = sodium.crypto_kem_mlkem768_seed_keypair(hex(t.d + t.z));
      expect(toHex(pair.publicKey)).toBe(t.ek);
      expect(toHex(pair.privateKey)).toBe(t.dk);
    });
  }
  for (const t of mlkemVectors.encapsulation) {
    it(`encapsulation tcId ${t.tcId}: ek and m give the published c and K`, () => {
      const { ciphertext, sharedSecret } = sodium.crypto_kem_mlkem768_enc_deterministic(
        hex(t.ek),
        hex(t.m),
      );
      expect(toHex(ciphertext)).toBe(t.c);
      expect(toHex(sharedSecret)).toBe(t.k);
    });
  }
  for (const t of mlkemVectors.decapsulation) {
    it(`decapsulation tcId ${t.tcId}: dk and c give the published K`, () => {
      expect(toHex(sodium.crypto_kem_mlkem768_dec(hex(t.c), hex(t.dk)))).toBe(t.k);
    });
  }
});

describe('Argon2id v1.3 at the settings used (reference implementation, independently computed)', () => {
  it('the user-level case is PASSPHRASE_KDF exactly', () => {
    expect(argon2Vectors.cases[0]!.opsLimit).toBe(PASSPHRASE_KDF.opsLimit);
    expect(argon2Vectors.cases[0]!.memLimitKiB * 1024).toBe(PASSPHRASE_KDF.memLimitBytes);
  });
  for (const c of argon2Vectors.cases) {
    it(c.name, () => {
      const hash = sodium.crypto_pwhash(
        32,
        utf8(c.password),
        utf8(c.salt),
        c.opsLimit,
        c.memLimitKiB * 1024,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      );
      expect(toHex(hash)).toBe(c.hash);
    });
  }
});

describe('derivePassphraseKeys (independently computed)', () => {
  it('gives the vector’s authentication key and storage key, NFKC-normalising the passphrase', () => {
    const v = passphraseVector;
    expect(v.passphrase.normalize('NFKC')).toBe(v.normalised);
    const keys = derivePassphraseKeys(v.handle, v.passphrase, utf8(v.salt));
    expect(toHex(keys.authentication.publicKey)).toBe(v.authenticationPublicKey);
    expect(toHex(keys.authentication.secretKey.subarray(0, 32))).toBe(v.authenticationSeed);
    expect(toHex(keys.storageKey)).toBe(v.storageKey);
  });
});

describe('frozen PQXDH + Double Ratchet transcript (fixed randomness → fixed bytes)', () => {
  it('reproduces every message and both final states', () => {
    const t = frozenTranscript();
    expect(t.bobSigningKey).toBe(frozen.bobSigningKey);
    expect(t.bundle).toEqual(frozen.bundle);
    expect(t.messages).toEqual(frozen.messages);
    expect(t.aliceState).toBe(frozen.aliceState);
    expect(t.bobState).toBe(frozen.bobState);
    // Sizes on the wire: prekey message 1366 + 256, ratchet messages 100 + 256.
    expect(t.messages.map((m) => m.length / 2)).toEqual([1622, 356, 356, 356]);
  });

  it('restores the CSPRNG afterwards, and refuses deterministic randomness outside a test run', () => {
    const restore = dangerousTestOnlyDeterministicRandom(new Uint8Array(32));
    const first = randomBytes(16);
    restore();
    expect(toHex(randomBytes(16))).not.toBe(toHex(first));
    const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
      .process.env;
    const saved = env.VITEST;
    delete env.VITEST;
    try {
      expect(reasonOf(() => dangerousTestOnlyDeterministicRandom(new Uint8Array(32)))).toBe(
        'BAD_KEY',
      );
    } finally {
      env.VITEST = saved;
    }
  });
});
