// The local key store opens only with the right key or passphrase, for the purpose and account it
// was sealed for, never older than a generation already seen; it refuses any altered byte, and
// formats it does not know rather than guessing.
import { describe, expect, it } from 'vitest';
import { u64be } from '../src/crypto/primitives/byte-reader.js';
import {
  FORMAT_HEADER_BYTES,
  FORMAT_VERSION,
  SUITE,
  formatHeader,
} from '../src/crypto/primitives/format.js';
import {
  deriveTwoSecretKeys,
  newAccountKey,
  newPassphraseSalt,
} from '../src/crypto/identity/two-secret-keys.js';
import {
  KEY_STORE_KDF,
  KEY_STORE_PURPOSE,
  PASSPHRASE_COST_BOUNDS,
  STORAGE_KEY_BYTES,
  USER_PASSPHRASE_COST,
  dangerousTestOnlyWeakPassphraseCost,
  keyStoreHeader,
  keyStoreKind,
  openKeyStore,
  openKeyStoreWithPassphrase,
  sealKeyStore,
  sealKeyStoreWithPassphrase,
  type KeyStoreBinding,
} from '../src/crypto/storage/key-store.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import { reasonOf } from './reason-of.js';

const PASSPHRASE = 'a long passphrase for the key store';
const secrets = sodium.from_string('{"identity":"…","sessions":[]}');
const binding: KeyStoreBinding = { purpose: 'session', account: 'anna', generation: 7 };
const expected = { purpose: 'session', account: 'anna', minGeneration: 7 } as const;
/** Header, layout, purpose and generation: the storage-key blob's prefix. */
const STORAGE_PREFIX_BYTES = FORMAT_HEADER_BYTES + 2 + 8;

describe('sealKeyStore / openKeyStore (storage key)', () => {
  const storageKey = sodium.randombytes_buf(STORAGE_KEY_BYTES);
  const blob = sealKeyStore(storageKey, binding, secrets);

  it('round-trips with its generation, with a fresh nonce every time', () => {
    expect(openKeyStore(storageKey, blob, expected)).toEqual({ plaintext: secrets, generation: 7 });
    expect(openKeyStore(storageKey, blob, { ...expected, minGeneration: 0 }).generation).toBe(7);
    expect(keyStoreKind(blob)).toBe('storage-key');
    expect(sealKeyStore(storageKey, binding, secrets)).not.toEqual(blob);
    const empty = sealKeyStore(storageKey, binding, new Uint8Array(0));
    expect(openKeyStore(storageKey, empty, expected).plaintext).toEqual(new Uint8Array(0));
  });

  it('shows kind, purpose and generation without the key', () => {
    expect(keyStoreHeader(blob)).toEqual({
      kind: 'storage-key',
      purpose: 'session',
      generation: 7,
    });
    expect(blob[FORMAT_HEADER_BYTES]).toBe(KEY_STORE_KDF.storageKey);
    expect(blob[FORMAT_HEADER_BYTES + 1]).toBe(KEY_STORE_PURPOSE.session);
  });

  it('works with the storage key deriveTwoSecretKeys yields (one Argon2 run)', () => {
    const { storageKey: derived } = deriveTwoSecretKeys({
      deployment: 'kolokol-test',
      handle: 'anna',
      passphrase: PASSPHRASE,
      accountKey: newAccountKey(),
      salt: newPassphraseSalt(),
    });
    const sealed = sealKeyStore(derived, binding, secrets);
    expect(openKeyStore(derived, sealed, expected).plaintext).toEqual(secrets);
  });

  it('refuses an older generation than one already opened (REPLAY): a restored copy is not loaded', () => {
    const newer = sealKeyStore(storageKey, { ...binding, generation: 8 }, secrets);
    expect(openKeyStore(storageKey, newer, expected).generation).toBe(8);
    expect(reasonOf(() => openKeyStore(storageKey, blob, { ...expected, minGeneration: 8 }))).toBe(
      'REPLAY',
    );
    // Raising the generation in the header to pass the check breaks the authentication.
    const raised = blob.slice();
    raised.set(u64be(8), FORMAT_HEADER_BYTES + 2);
    expect(
      reasonOf(() => openKeyStore(storageKey, raised, { ...expected, minGeneration: 8 })),
    ).toBe('WRONG_PASSPHRASE');
  });

  it('refuses a blob of another purpose (UNTRUSTED) or another account (WRONG_PASSPHRASE)', () => {
    expect(
      reasonOf(() => openKeyStore(storageKey, blob, { ...expected, purpose: 'prekeys' })),
    ).toBe('UNTRUSTED');
    const relabelled = blob.slice();
    relabelled[FORMAT_HEADER_BYTES + 1] = KEY_STORE_PURPOSE.prekeys;
    expect(
      reasonOf(() => openKeyStore(storageKey, relabelled, { ...expected, purpose: 'prekeys' })),
    ).toBe('WRONG_PASSPHRASE');
    expect(reasonOf(() => openKeyStore(storageKey, blob, { ...expected, account: 'boris' }))).toBe(
      'WRONG_PASSPHRASE',
    );
  });

  it('gives WRONG_PASSPHRASE for another key', () => {
    const other = sodium.randombytes_buf(STORAGE_KEY_BYTES);
    expect(reasonOf(() => openKeyStore(other, blob, expected))).toBe('WRONG_PASSPHRASE');
  });

  it('refuses every flipped byte, and never returns altered content', () => {
    for (let i = 0; i < blob.length; i += 1) {
      const tampered = blob.slice();
      tampered[i]! ^= 0x01;
      const reason = reasonOf(() => openKeyStore(storageKey, tampered, expected));
      if (i < 2) expect(reason).toBe('MALFORMED');
      else if (i <= FORMAT_HEADER_BYTES) expect(reason, `byte ${i}`).toBe('UNSUPPORTED_VERSION');
      else if (i === FORMAT_HEADER_BYTES + 1)
        expect(['UNSUPPORTED_VERSION', 'UNTRUSTED']).toContain(reason);
      else if (i < STORAGE_PREFIX_BYTES)
        expect(['REPLAY', 'WRONG_PASSPHRASE', 'MALFORMED'], `byte ${i}`).toContain(reason);
      else expect(reason, `byte ${i}`).toBe('WRONG_PASSPHRASE');
    }
  });

  it('refuses an unknown version, suite, layout or purpose, and the retired first layout, with UNSUPPORTED_VERSION', () => {
    const future = blob.slice();
    future[2] = FORMAT_VERSION + 1;
    expect(reasonOf(() => openKeyStore(storageKey, future, expected))).toBe('UNSUPPORTED_VERSION');
    const otherSuite = blob.slice();
    otherSuite[3] = SUITE.sessionState;
    expect(reasonOf(() => openKeyStore(storageKey, otherSuite, expected))).toBe(
      'UNSUPPORTED_VERSION',
    );
    for (const retired of [0x01, 0x02, 0x7f]) {
      const old = blob.slice();
      old[FORMAT_HEADER_BYTES] = retired;
      expect(reasonOf(() => openKeyStore(storageKey, old, expected))).toBe('UNSUPPORTED_VERSION');
      expect(reasonOf(() => keyStoreKind(old))).toBe('UNSUPPORTED_VERSION');
    }
    const unknownPurpose = blob.slice();
    unknownPurpose[FORMAT_HEADER_BYTES + 1] = 0x7f;
    expect(reasonOf(() => keyStoreHeader(unknownPurpose))).toBe('UNSUPPORTED_VERSION');
  });

  it('refuses truncation, a wrong-length key, and bad bindings', () => {
    expect(reasonOf(() => openKeyStore(storageKey, blob.subarray(0, 20), expected))).toBe(
      'MALFORMED',
    );
    expect(reasonOf(() => keyStoreHeader(formatHeader(SUITE.keyStore)))).toBe('MALFORMED');
    expect(
      reasonOf(() => openKeyStore(storageKey, blob.subarray(0, blob.length - 1), expected)),
    ).toBe('WRONG_PASSPHRASE');
    expect(reasonOf(() => openKeyStore(storageKey.subarray(1), blob, expected))).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealKeyStore(storageKey.subarray(1), binding, secrets))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => sealKeyStore(storageKey, { ...binding, account: '' }, secrets))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => sealKeyStore(storageKey, { ...binding, generation: -1 }, secrets))).toBe(
      'MALFORMED',
    );
    expect(reasonOf(() => sealKeyStore(storageKey, { ...binding, generation: 0.5 }, secrets))).toBe(
      'MALFORMED',
    );
  });
});

describe('sealKeyStoreWithPassphrase (Argon2id in the blob; a few runs)', () => {
  const blob = sealKeyStoreWithPassphrase(
    PASSPHRASE,
    { purpose: 'root-key', account: 'organisation', generation: 1 },
    secrets,
  );
  const rootExpected = { purpose: 'root-key', account: 'organisation', minGeneration: 1 } as const;

  it('round-trips, stores its cost in the header and says which opener it needs', () => {
    expect(keyStoreKind(blob)).toBe('passphrase');
    expect(blob[FORMAT_HEADER_BYTES]).toBe(KEY_STORE_KDF.passphraseArgon2id);
    expect(keyStoreHeader(blob)).toEqual({
      kind: 'passphrase',
      purpose: 'root-key',
      generation: 1,
      cost: USER_PASSPHRASE_COST,
    });
    expect(openKeyStoreWithPassphrase(PASSPHRASE, blob, rootExpected).plaintext).toEqual(secrets);
  });

  it('gives WRONG_PASSPHRASE for a wrong or too-short passphrase', () => {
    expect(reasonOf(() => openKeyStoreWithPassphrase(`${PASSPHRASE}!`, blob, rootExpected))).toBe(
      'WRONG_PASSPHRASE',
    );
    expect(reasonOf(() => openKeyStoreWithPassphrase('short', blob, rootExpected))).toBe(
      'WRONG_PASSPHRASE',
    );
  });

  it('refuses an altered salt or cost (authenticated); a cost out of bounds is refused before Argon2 runs', () => {
    const saltAt = STORAGE_PREFIX_BYTES + 8;
    const tampered = blob.slice();
    tampered[saltAt]! ^= 0x01;
    expect(reasonOf(() => openKeyStoreWithPassphrase(PASSPHRASE, tampered, rootExpected))).toBe(
      'WRONG_PASSPHRASE',
    );
    const huge = blob.slice();
    new DataView(huge.buffer).setUint32(STORAGE_PREFIX_BYTES + 4, 0xffff_ffff, false);
    expect(reasonOf(() => openKeyStoreWithPassphrase(PASSPHRASE, huge, rootExpected))).toBe(
      'MALFORMED',
    );
    const manyPasses = blob.slice();
    new DataView(manyPasses.buffer).setUint32(
      STORAGE_PREFIX_BYTES,
      PASSPHRASE_COST_BOUNDS.maxOpsLimit + 1,
      false,
    );
    expect(reasonOf(() => keyStoreHeader(manyPasses))).toBe('MALFORMED');
  });

  it('will not open with the other kind of key, nor seal under a short passphrase or below the user cost', () => {
    expect(
      reasonOf(() => openKeyStore(new Uint8Array(STORAGE_KEY_BYTES), blob, rootExpected)),
    ).toBe('MALFORMED');
    const storageBlob = sealKeyStore(new Uint8Array(STORAGE_KEY_BYTES).fill(1), binding, secrets);
    expect(reasonOf(() => openKeyStoreWithPassphrase(PASSPHRASE, storageBlob, expected))).toBe(
      'MALFORMED',
    );
    expect(reasonOf(() => sealKeyStoreWithPassphrase('short', binding, secrets))).toBe('BAD_KEY');
    expect(
      reasonOf(() =>
        sealKeyStoreWithPassphrase(PASSPHRASE, binding, secrets, {
          opsLimit: 1,
          memLimitBytes: PASSPHRASE_COST_BOUNDS.minMemLimitBytes,
        }),
      ),
    ).toBe('BAD_KEY');
  });

  it('accepts the test-only weak cost (only in a test run) and reads the cost back from the header', () => {
    const weak = dangerousTestOnlyWeakPassphraseCost();
    const fast = sealKeyStoreWithPassphrase(PASSPHRASE, binding, secrets, weak);
    expect(keyStoreHeader(fast).cost).toEqual({ opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 });
    expect(openKeyStoreWithPassphrase(PASSPHRASE, fast, expected).plaintext).toEqual(secrets);
    // The same numbers not handed out by the test-only function are refused.
    expect(
      reasonOf(() => sealKeyStoreWithPassphrase(PASSPHRASE, binding, secrets, { ...weak })),
    ).toBe('BAD_KEY');
  });

  it('refuses to hand out the weak cost outside a test run', () => {
    const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
      .process.env;
    const saved = env.VITEST;
    delete env.VITEST;
    try {
      expect(reasonOf(() => dangerousTestOnlyWeakPassphraseCost())).toBe('BAD_KEY');
    } finally {
      env.VITEST = saved;
    }
  });
});
