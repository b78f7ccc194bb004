// Prekey signatures and shapes (what the server validates on upload) and the owner's prekey store.
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  MLKEM768_PUBLIC_KEY_BYTES,
  PrekeyStore,
  SIGNED_PREKEY_GRACE_MS,
  SIGNED_PREKEY_ROTATION_MS,
  MAX_ONE_TIME_KEM_PREKEYS,
  generateDeviceKey,
  generateIdentity,
  generateKemPrekey,
  generateOneTimeKemPrekey,
  generateOneTimePrekeys,
  generateSignedPrekey,
  initiateSession,
  isUsableX25519PublicKey,
  label,
  publicIdentity,
  sign,
  sodium,
  transcript,
  u32be,
  verifyKemPrekey,
  verifyOneTimeKemPrekey,
  verifyPrekeyBundle,
  verifyPublicIdentity,
  verifySignedPrekey,
  type PrekeyBundle,
} from '../src/crypto/index.js';
import { flipBit, makeDevice, makeResponder } from './session-support.js';
import { reasonOf } from './reason-of.js';

// Written out again on purpose rather than imported: the test must not trust the list it checks.
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => sodium.from_hex(hex));

describe('prekey verification', () => {
  const device = generateDeviceKey();
  const other = generateDeviceKey();
  const signed = generateSignedPrekey(device, 7).publicPrekey;
  const kem = generateKemPrekey(device, 8).publicPrekey;
  const oneTimeKem = generateOneTimeKemPrekey(device, 9).publicPrekey;

  it('accepts well-formed prekeys signed by the device key', () => {
    expect(verifySignedPrekey(device.publicKey, signed)).toBe(true);
    expect(verifyKemPrekey(device.publicKey, kem)).toBe(true);
    expect(verifyOneTimeKemPrekey(device.publicKey, oneTimeKem)).toBe(true);
    expect(kem.publicKey.length).toBe(MLKEM768_PUBLIC_KEY_BYTES);
    expect(verifyPrekeyBundle(makeResponder().bundle)).toBe(true);
    expect(verifyPrekeyBundle(makeResponder({ oneTimePrekey: false }).bundle)).toBe(true);
    expect(verifyPrekeyBundle(makeResponder({ oneTimeKemPrekey: true }).bundle)).toBe(true);
  });

  it('rejects a prekey signed by another device, or by the account identity', () => {
    expect(verifySignedPrekey(other.publicKey, signed)).toBe(false);
    expect(verifyKemPrekey(other.publicKey, kem)).toBe(false);
    expect(verifyOneTimeKemPrekey(other.publicKey, oneTimeKem)).toBe(false);
    const { bundle, identity } = makeResponder({ oneTimeKemPrekey: true });
    expect(
      verifyPrekeyBundle({ ...bundle, device: { ...bundle.device, deviceKey: other.publicKey } }),
    ).toBe(false);
    const byIdentity = {
      ...bundle,
      device: { ...bundle.device, deviceKey: identity.signing.publicKey },
    };
    expect(verifyPrekeyBundle(byIdentity)).toBe(false);
  });

  it('keeps one-time and last-resort KEM prekeys apart: neither passes for the other', () => {
    expect(verifyOneTimeKemPrekey(device.publicKey, kem)).toBe(false);
    expect(verifyKemPrekey(device.publicKey, oneTimeKem)).toBe(false);
    const { bundle } = makeResponder({ oneTimeKemPrekey: true });
    expect(verifyPrekeyBundle({ ...bundle, oneTimeKemPrekey: bundle.kemPrekey })).toBe(false);
    expect(verifyPrekeyBundle({ ...bundle, kemPrekey: bundle.oneTimeKemPrekey! })).toBe(false);
    expect(verifyPrekeyBundle({ ...bundle, device: { ...bundle.device, deviceId: 'short' } })).toBe(
      false,
    );
  });

  it('rejects wrong lengths of keys, signatures and signing keys', () => {
    const key = device.publicKey;
    for (const publicKey of [
      signed.publicKey.subarray(0, 31),
      new Uint8Array([...signed.publicKey, 0]),
    ]) {
      expect(verifySignedPrekey(key, { ...signed, publicKey })).toBe(false);
    }
    expect(verifyKemPrekey(key, { ...kem, publicKey: kem.publicKey.subarray(1) })).toBe(false);
    expect(verifyKemPrekey(key, { ...kem, publicKey: new Uint8Array([...kem.publicKey, 0]) })).toBe(
      false,
    );
    expect(verifySignedPrekey(key, { ...signed, signature: signed.signature.subarray(1) })).toBe(
      false,
    );
    expect(verifyKemPrekey(key, { ...kem, signature: new Uint8Array(0) })).toBe(false);
    expect(verifySignedPrekey(key.subarray(1), signed)).toBe(false);
  });

  it('rejects ids that are not unsigned 32-bit integers, and ids other than the signed one', () => {
    const key = device.publicKey;
    for (const id of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(verifySignedPrekey(key, { ...signed, id })).toBe(false);
      expect(verifyKemPrekey(key, { ...kem, id })).toBe(false);
    }
    expect(verifySignedPrekey(key, { ...signed, id: 8 })).toBe(false);
    expect(() => generateSignedPrekey(device, -1)).toThrow(CryptoError);
    expect(() => generateOneTimeKemPrekey(device, 2 ** 32)).toThrow(CryptoError);
  });

  it('rejects any flipped bit of a key or signature', () => {
    const key = device.publicKey;
    for (let i = 0; i < 32; i += 1) {
      expect(
        verifySignedPrekey(key, {
          ...signed,
          publicKey: flipBit(signed.publicKey, i, 1 << (i % 8)),
        }),
      ).toBe(false);
    }
    for (let i = 0; i < 64; i += 1) {
      expect(
        verifySignedPrekey(key, {
          ...signed,
          signature: flipBit(signed.signature, i, 1 << (i % 8)),
        }),
      ).toBe(false);
      expect(
        verifyKemPrekey(key, { ...kem, signature: flipBit(kem.signature, i, 0x80 >> (i % 8)) }),
      ).toBe(false);
    }
    for (let i = 0; i < kem.publicKey.length; i += 97) {
      expect(verifyKemPrekey(key, { ...kem, publicKey: flipBit(kem.publicKey, i) })).toBe(false);
    }
    // A signature over the X25519 label does not pass for the KEM label, and vice versa.
    expect(verifyKemPrekey(key, { ...kem, signature: signed.signature })).toBe(false);
  });

  it('rejects all-zero and other small-order X25519 keys even when properly signed', () => {
    for (const point of LOW_ORDER) {
      expect(isUsableX25519PublicKey(point)).toBe(false);
      expect(isUsableX25519PublicKey(flipBit(point, 31, 0x80))).toBe(false);
      const signature = sign(device.secretKey, transcript(label('prekey/x25519'), u32be(1), point));
      expect(verifySignedPrekey(device.publicKey, { id: 1, publicKey: point, signature })).toBe(
        false,
      );
    }
    const { bundle, identity: owner } = makeResponder();
    const zero = new Uint8Array(32);
    expect(verifyPrekeyBundle({ ...bundle, oneTimePrekey: { id: 1, publicKey: zero } })).toBe(
      false,
    );
    // An identity whose (properly signed) exchange key is all zero.
    const zeroExchange: PrekeyBundle = {
      ...bundle,
      identity: {
        ...bundle.identity,
        exchangeKey: zero,
        exchangeSignature: sign(
          owner.signing.secretKey,
          transcript('kolokol/v1/identity/exchange-key', zero),
        ),
      },
    };
    expect(verifyPublicIdentity(zeroExchange.identity)).toBe(true);
    expect(verifyPrekeyBundle(zeroExchange)).toBe(false);
  });

  it('rejects a bundle whose parts do not belong together', () => {
    const a = makeResponder();
    const b = makeResponder().bundle;
    expect(verifyPrekeyBundle({ ...a.bundle, signedPrekey: b.signedPrekey })).toBe(false);
    expect(verifyPrekeyBundle({ ...a.bundle, kemPrekey: b.kemPrekey })).toBe(false);
    // The device key, not the identity, signs a device's prekeys: what ties the two together is
    // the identity-signed device list, which initiateSession checks.
    const stranger = generateIdentity();
    const mixed = { ...a.bundle, identity: publicIdentity(stranger) };
    expect(verifyPrekeyBundle(mixed)).toBe(true);
    expect(
      reasonOf(() =>
        initiateSession(generateIdentity(), mixed, publicIdentity(stranger), a.devices),
      ),
    ).toBe('UNTRUSTED');
    expect(
      verifyPrekeyBundle({
        ...a.bundle,
        identity: { ...a.bundle.identity, exchangeKey: b.identity.exchangeKey },
      }),
    ).toBe(false);
  });

  it('generates one-time prekeys with consecutive ids and distinct keys', () => {
    const { publicPrekeys, privatePrekeys } = generateOneTimePrekeys(10, 5);
    expect(publicPrekeys.map((p) => p.id)).toEqual([10, 11, 12, 13, 14]);
    expect(new Set(publicPrekeys.map((p) => sodium.to_hex(p.publicKey))).size).toBe(5);
    expect(privatePrekeys[0]!.keyPair.publicKey).toEqual(publicPrekeys[0]!.publicKey);
    expect(() => generateOneTimePrekeys(2 ** 32 - 2, 3)).toThrow(CryptoError);
  });
});

describe('prekey store', () => {
  it('keeps a replaced signed prekey for the grace period, then wipes it', () => {
    const store = new PrekeyStore(makeDevice());
    expect(store.needsRotation(0)).toBe(true);
    const first = store.rotate(0);
    expect(store.needsRotation(SIGNED_PREKEY_ROTATION_MS - 1)).toBe(false);
    expect(store.needsRotation(SIGNED_PREKEY_ROTATION_MS)).toBe(true);
    const second = store.rotate(SIGNED_PREKEY_ROTATION_MS);
    expect(second.signedPrekey.id).not.toBe(first.signedPrekey.id);
    expect(store.currentSignedPrekey()).toEqual(second.signedPrekey);
    expect(store.currentKemPrekey()).toEqual(second.kemPrekey);
    const old = store.signedPrekey(first.signedPrekey.id)!;
    store.prune(SIGNED_PREKEY_ROTATION_MS + SIGNED_PREKEY_GRACE_MS - 1);
    expect(store.signedPrekey(first.signedPrekey.id)).toBeDefined();
    expect(store.kemPrekey(first.kemPrekey.id)).toBeDefined();
    store.prune(SIGNED_PREKEY_ROTATION_MS + SIGNED_PREKEY_GRACE_MS);
    expect(store.signedPrekey(first.signedPrekey.id)).toBeUndefined();
    expect(store.kemPrekey(first.kemPrekey.id)).toBeUndefined();
    expect(sodium.is_zero(old.keyPair.secretKey)).toBe(true);
    // The current one is never pruned, however old.
    store.prune(10 * SIGNED_PREKEY_GRACE_MS);
    expect(store.signedPrekey(second.signedPrekey.id)).toBeDefined();
  });

  it('consumes one-time prekeys and bounds how many it holds', () => {
    const store = new PrekeyStore(makeDevice());
    const uploaded = store.addOneTimePrekeys(3);
    expect(store.oneTimePrekeyCount).toBe(3);
    const kept = store.oneTimePrekey(uploaded[1]!.id)!;
    store.consumeOneTimePrekey(uploaded[1]!.id);
    expect(store.oneTimePrekey(uploaded[1]!.id)).toBeUndefined();
    expect(sodium.is_zero(kept.keyPair.secretKey)).toBe(true);
    expect(store.oneTimePrekeyCount).toBe(2);
    expect(() => store.addOneTimePrekeys(999)).toThrow(CryptoError);
    expect(store.oneTimePrekeyCount).toBe(2);
  });

  it('consumes one-time KEM prekeys, signs them with its device key, and bounds how many it holds', () => {
    const device = makeDevice();
    const store = new PrekeyStore(device);
    const uploaded = store.addOneTimeKemPrekeys(3);
    expect(uploaded.every((p) => verifyOneTimeKemPrekey(device.keyPair.publicKey, p))).toBe(true);
    expect(new Set(uploaded.map((p) => p.id)).size).toBe(3);
    expect(store.oneTimeKemPrekeyCount).toBe(3);
    const kept = store.oneTimeKemPrekey(uploaded[0]!.id)!;
    store.consumeOneTimeKemPrekey(uploaded[0]!.id);
    expect(store.oneTimeKemPrekey(uploaded[0]!.id)).toBeUndefined();
    expect(sodium.is_zero(kept.secretKey)).toBe(true);
    expect(() => store.addOneTimeKemPrekeys(MAX_ONE_TIME_KEM_PREKEYS)).toThrow(CryptoError);
    expect(store.oneTimeKemPrekeyCount).toBe(2);
  });

  it('holds its device key: the public half names the device, the secret must match it', () => {
    const device = makeDevice();
    const store = new PrekeyStore(device);
    expect(store.device).toEqual({
      deviceId: device.deviceId,
      deviceKey: device.keyPair.publicKey,
    });
    const mismatched = {
      ...device,
      keyPair: { ...device.keyPair, publicKey: generateDeviceKey().publicKey },
    };
    expect(reasonOf(() => new PrekeyStore(mismatched))).toBe('BAD_KEY');
    expect(reasonOf(() => new PrekeyStore({ ...device, deviceId: 'not an id' }))).toBe('BAD_KEY');
  });

  it('round-trips through its serialization and refuses other versions', () => {
    const { store, bundle } = makeResponder({ oneTimeKemPrekey: true });
    store.rememberBaseKey(bundle.signedPrekey.id, new Uint8Array(32).fill(9));
    const copy = PrekeyStore.deserialize(store.serialize());
    expect(copy.serialize()).toEqual(store.serialize());
    expect(copy.currentSignedPrekey()).toEqual(bundle.signedPrekey);
    expect(copy.oneTimePrekey(bundle.oneTimePrekey!.id)).toEqual(
      store.oneTimePrekey(bundle.oneTimePrekey!.id),
    );
    expect(copy.hasUsedBaseKey(new Uint8Array(32).fill(9))).toBe(true);
    expect(copy.device).toEqual(store.device);
    expect(copy.oneTimeKemPrekey(bundle.oneTimeKemPrekey!.id)).toEqual(
      store.oneTimeKemPrekey(bundle.oneTimeKemPrekey!.id),
    );
    const blob = store.serialize();
    expect(() => PrekeyStore.deserialize(flipBit(blob, 5, 0x02))).toThrow(
      expect.objectContaining({ reason: 'UNSUPPORTED_VERSION' }),
    );
    expect(() => PrekeyStore.deserialize(blob.subarray(0, blob.length - 1))).toThrow(
      expect.objectContaining({ reason: 'MALFORMED' }),
    );
  });

  it('treats every encoding of a base key as the same key in its replay set', () => {
    const { store, bundle } = makeResponder();
    const baseKey = generateOneTimePrekeys(1, 1).publicPrekeys[0]!.publicKey;
    expect(store.hasUsedBaseKey(flipBit(baseKey, 31, 0x80))).toBe(false);
    store.rememberBaseKey(bundle.signedPrekey.id, flipBit(baseKey, 31, 0x80));
    expect(store.hasUsedBaseKey(baseKey)).toBe(true);
    expect(store.hasUsedBaseKey(flipBit(baseKey, 31, 0x80))).toBe(true);
    // 9 + p is read by X25519 as 9.
    const nine = new Uint8Array(32);
    nine[0] = 9;
    store.rememberBaseKey(bundle.signedPrekey.id, nine);
    const ninePlusP = new Uint8Array(32).fill(0xff);
    ninePlusP[0] = 0xed + 9;
    ninePlusP[31] = 0x7f;
    expect(store.hasUsedBaseKey(ninePlusP)).toBe(true);
  });

  it('bounds remembered base keys per signed prekey and in total, without evicting any', () => {
    const store = new PrekeyStore(makeDevice(), { maxBaseKeysPerSignedPrekey: 3, maxBaseKeys: 4 });
    const first = store.rotate(0).signedPrekey.id;
    const baseKeys = generateOneTimePrekeys(1, 6).publicPrekeys.map((p) => p.publicKey);
    for (const baseKey of baseKeys.slice(0, 3)) store.rememberBaseKey(first, baseKey);
    expect(store.canRememberBaseKey(first)).toBe(false);
    expect(store.needsRotation(0)).toBe(true);
    expect(reasonOf(() => store.rememberBaseKey(first, baseKeys[3]!))).toBe('BAD_KEY');
    expect(baseKeys.slice(0, 3).every((key) => store.hasUsedBaseKey(key))).toBe(true);
    expect(store.hasUsedBaseKey(baseKeys[3]!)).toBe(false);

    // The total cap holds across prekeys: the new one has quota left, but the store is full.
    const second = store.rotate(1).signedPrekey.id;
    store.rememberBaseKey(second, baseKeys[3]!);
    expect(store.canRememberBaseKey(second)).toBe(false);
    expect(reasonOf(() => store.rememberBaseKey(second, baseKeys[4]!))).toBe('BAD_KEY');
    expect(store.needsRotation(1)).toBe(false);
    // Unknown signed prekeys have no quota at all.
    expect(store.canRememberBaseKey(9999)).toBe(false);

    // Survives serialization with every key, and pruning the first prekey frees its share.
    const copy = PrekeyStore.deserialize(store.serialize(), {
      maxBaseKeysPerSignedPrekey: 3,
      maxBaseKeys: 4,
    });
    expect(baseKeys.slice(0, 4).every((key) => copy.hasUsedBaseKey(key))).toBe(true);
    expect(copy.canRememberBaseKey(second)).toBe(false);
    copy.prune(1 + SIGNED_PREKEY_GRACE_MS);
    expect(copy.hasUsedBaseKey(baseKeys[0]!)).toBe(false);
    expect(copy.hasUsedBaseKey(baseKeys[3]!)).toBe(true);
    expect(copy.canRememberBaseKey(second)).toBe(true);
    copy.rememberBaseKey(second, baseKeys[4]!);
    expect(copy.hasUsedBaseKey(baseKeys[4]!)).toBe(true);
    expect(reasonOf(() => new PrekeyStore(makeDevice(), { maxBaseKeys: 0 }))).toBe('BAD_LENGTH');
  });

  it('refuses a serialized store with a base key of an unknown signed prekey or a repeated one', () => {
    const { store, bundle } = makeResponder();
    store.rememberBaseKey(bundle.signedPrekey.id, new Uint8Array(32).fill(9));
    const blob = store.serialize();
    // The last 36 bytes are the one remembered base key and its signed prekey id.
    const unknownPrekey = flipBit(blob, blob.length - 1);
    expect(reasonOf(() => PrekeyStore.deserialize(unknownPrekey))).toBe('MALFORMED');
    const countAt = blob.length - 36 - 4;
    const twice = new Uint8Array([...blob, ...blob.subarray(blob.length - 36)]);
    twice[countAt + 3] = 2;
    expect(reasonOf(() => PrekeyStore.deserialize(twice))).toBe('MALFORMED');
    const twiceWithTopBit = twice.slice();
    twiceWithTopBit[twice.length - 5] = twiceWithTopBit[twice.length - 5]! | 0x80;
    expect(reasonOf(() => PrekeyStore.deserialize(twiceWithTopBit))).toBe('MALFORMED');
  });

  it('wipes every private key on demand', () => {
    const { store, bundle } = makeResponder({ oneTimeKemPrekey: true });
    const signed = store.signedPrekey(bundle.signedPrekey.id)!;
    const kem = store.kemPrekey(bundle.kemPrekey.id)!;
    const oneTimeKem = store.oneTimeKemPrekey(bundle.oneTimeKemPrekey!.id)!;
    store.wipe();
    expect(sodium.is_zero(signed.keyPair.secretKey)).toBe(true);
    expect(sodium.is_zero(kem.secretKey)).toBe(true);
    expect(sodium.is_zero(oneTimeKem.secretKey)).toBe(true);
    expect(store.oneTimeKemPrekeyCount).toBe(0);
    expect(store.currentSignedPrekey()).toBeUndefined();
    expect(store.oneTimePrekeyCount).toBe(0);
  });
});
