// Known-answer tests beyond the RFC vectors of vectors.test.ts: XChaCha20-Poly1305 (draft-irtf-
// cfrg-xchacha-03 §A.3.1), ML-KEM-768 (NIST ACVP keyGen, encapsulation, decapsulation), X-Wing
// (draft-connolly-cfrg-xwing-kem Appendix C: key from seed, derandomized encapsulation), Argon2id
// at the settings Kolokol uses and deriveTwoSecretKeys (both computed independently, see the
// fixtures' "source"), and a frozen PQXDH + Double Ratchet transcript under fixed randomness.
import { describe, expect, it } from 'vitest';
import xchachaVector from './fixtures/xchacha20poly1305-draft03.json' with { type: 'json' };
import mlkemVectors from './fixtures/acvp-mlkem768.json' with { type: 'json' };
import xwingVectors from './fixtures/xwing-draft.json' with { type: 'json' };
import argon2Vectors from './fixtures/argon2id.json' with { type: 'json' };
import twoSecretVector from './fixtures/two-secret-keys.json' with { type: 'json' };
import frozen from './fixtures/frozen-session-transcript.json' with { type: 'json' };
import {
  MLKEM768_ENCAPSULATION_SEED_BYTES,
  MLKEM768_SEED_BYTES,
  PASSPHRASE_KDF,
  XWING_CIPHERTEXT_BYTES,
  XWING_ENCAPSULATION_SEED_BYTES,
  XWING_PUBLIC_KEY_BYTES,
  XWING_SECRET_KEY_BYTES,
  XWING_SHARED_SECRET_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  dangerousTestOnlyDeterministicRandom,
  deriveTwoSecretKeys,
  twoSecretKdfInputs,
  randomBytes,
  sodium,
  utf8,
  xwingDecapsulate,
  xwingEncapsulateDeterministic,
  xwingKeyPairFromSeed,
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

describe('X-Wing (draft-connolly-cfrg-xwing-kem, Appendix C vectors)', () => {
  it('uses the draft sizes: sk 32 (the seed), pk 1216, ct 1120, ss 32, eseed 64', () => {
    expect([
      XWING_SECRET_KEY_BYTES,
      XWING_PUBLIC_KEY_BYTES,
      XWING_CIPHERTEXT_BYTES,
      XWING_SHARED_SECRET_BYTES,
      XWING_ENCAPSULATION_SEED_BYTES,
    ]).toEqual([32, 1216, 1120, 32, 64]);
  });

  xwingVectors.vectors.forEach((v, index) => {
    it(`vector ${index + 1}: seed gives pk, eseed gives ct and ss, and ct decapsulates to ss`, () => {
      const pair = xwingKeyPairFromSeed(hex(v.seed));
      expect(toHex(pair.publicKey)).toBe(v.pk);
      expect(toHex(pair.secretKey)).toBe(v.sk);
      const { ciphertext, sharedSecret } = xwingEncapsulateDeterministic(hex(v.pk), hex(v.eseed));
      expect(toHex(ciphertext)).toBe(v.ct);
      expect(toHex(sharedSecret)).toBe(v.ss);
      expect(toHex(xwingDecapsulate(hex(v.ct), hex(v.sk)))).toBe(v.ss);
    });
  });

  it('rejects implicitly: a ciphertext with one bit flipped decapsulates to an unrelated secret', () => {
    const v = xwingVectors.vectors[0]!;
    const tampered = hex(v.ct);
    tampered[0]! ^= 1;
    const secret = toHex(xwingDecapsulate(tampered, hex(v.sk)));
    expect(secret).not.toBe(v.ss);
    expect(secret).toHaveLength(64);
  });

  it('refuses an encapsulation key whose ML-KEM half fails the FIPS 203 modulus check (BAD_KEY)', () => {
    // The first 12-bit coefficient set to 4095 ≥ q = 3329.
    const publicKey = hex(xwingVectors.vectors[0]!.pk);
    publicKey[0] = 0xff;
    publicKey[1] = publicKey[1]! | 0x0f;
    expect(reasonOf(() => xwingEncapsulateDeterministic(publicKey, new Uint8Array(64)))).toBe(
      'BAD_KEY',
    );
  });
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

describe('deriveTwoSecretKeys (independently computed, one served salt for two handles)', () => {
  const v = twoSecretVector;
  for (const c of v.cases) {
    it(`${c.handle}: the vector's Argon2id inputs, login key and storage key (NFKC passphrase)`, () => {
      expect(v.passphrase.normalize('NFKC')).toBe(v.normalised);
      const input = {
        deployment: v.deployment,
        handle: c.handle,
        passphrase: v.passphrase,
        accountKey: hex(v.accountKey),
        salt: hex(v.salt),
      };
      const { argonSalt, argonPassword } = twoSecretKdfInputs(input);
      expect(toHex(argonSalt)).toBe(c.argonSalt);
      expect(toHex(argonPassword)).toBe(c.argonPassword);
      const keys = deriveTwoSecretKeys(input);
      expect(toHex(keys.authentication.publicKey)).toBe(c.authenticationPublicKey);
      expect(toHex(keys.authentication.secretKey.subarray(0, 32))).toBe(c.authenticationSeed);
      expect(toHex(keys.storageKey)).toBe(c.storageKey);
    });
  }
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
