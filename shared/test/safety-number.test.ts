// Safety numbers are the same on both sides, change with either identity key, and a pinned
// identity that changes is reported as such.
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../src/crypto/primitives/errors.js';
import { transcript } from '../src/crypto/primitives/bytes.js';
import {
  generateIdentity,
  publicIdentity,
  verifyPublicIdentity,
  type Identity,
  type PublicIdentity,
} from '../src/crypto/identity/identity.js';
import { sign } from '../src/crypto/primitives/primitives.js';
import {
  FINGERPRINT_BYTES,
  SAFETY_NUMBER_DIGITS,
  SAFETY_NUMBER_QR_BYTES,
  SAFETY_NUMBER_QR_VERSION,
  SAFETY_NUMBER_TEXT_PREFIX,
  comparePinnedIdentity,
  encodeSafetyNumberText,
  fingerprintDigits,
  formatSafetyNumber,
  identityFingerprint,
  matchesScannedSafetyNumber,
  parseSafetyNumberText,
  safetyNumber,
} from '../src/crypto/identity/safety-number.js';

const alice = publicIdentity(generateIdentity());
const bob = publicIdentity(generateIdentity());
const carol = publicIdentity(generateIdentity());

describe('safetyNumber', () => {
  const fromAlice = safetyNumber(alice, bob);
  const fromBob = safetyNumber(bob, alice);

  it('is 60 digits in twelve groups of five, the same whichever side computes it', () => {
    expect(fromAlice.digits).toMatch(new RegExp(`^\\d{${SAFETY_NUMBER_DIGITS}}$`));
    expect(fromAlice.display).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(fromAlice.display.replaceAll(' ', '')).toBe(fromAlice.digits);
    expect(fromBob.digits).toBe(fromAlice.digits);
    expect(fromBob.qrPayload).toEqual(fromAlice.qrPayload);
  });

  it('is stable: the same identities always give the same number', () => {
    expect(safetyNumber(alice, bob).digits).toBe(fromAlice.digits);
  });

  it('is made of the two per-identity fingerprints, lower first', () => {
    const parts = [
      fingerprintDigits(identityFingerprint(alice)),
      fingerprintDigits(identityFingerprint(bob)),
    ];
    expect([fromAlice.digits.slice(0, 30), fromAlice.digits.slice(30)].sort()).toEqual(
      parts.sort(),
    );
    expect(fromAlice.qrPayload).toHaveLength(SAFETY_NUMBER_QR_BYTES);
    expect(fromAlice.qrPayload[0]).toBe(SAFETY_NUMBER_QR_VERSION);
    expect(identityFingerprint(alice)).toHaveLength(FINGERPRINT_BYTES);
  });

  it('changes when either identity is replaced, or only its exchange key changes', () => {
    expect(safetyNumber(alice, carol).digits).not.toBe(fromAlice.digits);
    // Same signing key, new exchange key (properly signed): still a different number.
    const aliceFull = generateIdentity();
    const rotated = generateIdentity();
    const a1 = publicIdentity(aliceFull);
    const a2: PublicIdentity = {
      signingKey: a1.signingKey,
      exchangeKey: rotated.exchange.publicKey,
      exchangeSignature: signExchange(aliceFull, rotated.exchange.publicKey),
    };
    expect(verifyPublicIdentity(a2)).toBe(true);
    expect(safetyNumber(a1, bob).digits).not.toBe(safetyNumber(a2, bob).digits);
  });

  it('refuses an identity whose exchange key is not signed by its signing key', () => {
    const forged: PublicIdentity = { ...alice, exchangeKey: carol.exchangeKey };
    expect(() => safetyNumber(forged, bob)).toThrow(CryptoError);
  });

  it('renders digits in groups of five', () => {
    expect(formatSafetyNumber('1234567890123')).toBe('12345 67890 123');
    expect(fingerprintDigits(new Uint8Array(30))).toBe('0'.repeat(30));
    // 0xffffffffff = 1099511627775 → last five digits 27775.
    expect(fingerprintDigits(new Uint8Array(30).fill(0xff))).toBe('27775'.repeat(6));
  });
});

describe('matchesScannedSafetyNumber', () => {
  const ours = safetyNumber(alice, bob);

  it('matches the payload scanned from the other side', () => {
    expect(matchesScannedSafetyNumber(ours, safetyNumber(bob, alice).qrPayload)).toBe(true);
  });

  it('does not match a payload with any byte changed or from another pair', () => {
    for (let i = 1; i < SAFETY_NUMBER_QR_BYTES; i += 1) {
      const scanned = ours.qrPayload.slice();
      scanned[i]! ^= 0x01;
      expect(matchesScannedSafetyNumber(ours, scanned)).toBe(false);
    }
    expect(matchesScannedSafetyNumber(ours, safetyNumber(alice, carol).qrPayload)).toBe(false);
  });

  it('reports another version or a wrong size instead of a silent mismatch', () => {
    const otherVersion = ours.qrPayload.slice();
    otherVersion[0] = SAFETY_NUMBER_QR_VERSION + 1;
    expect(() => matchesScannedSafetyNumber(ours, otherVersion)).toThrow(/version/);
    expect(() => matchesScannedSafetyNumber(ours, ours.qrPayload.subarray(0, 40))).toThrow(/bytes/);
    expect(() => matchesScannedSafetyNumber(ours, new Uint8Array(0))).toThrow(CryptoError);
  });
});

describe('the safety number as QR text', () => {
  const ours = safetyNumber(alice, bob);

  it('is the prefix and upper-case base32 of the payload, read back as scanned or typed', () => {
    const text = encodeSafetyNumberText(ours);
    expect(text).toMatch(/^KOLOKOL-SN:[A-Z2-7]+$/);
    expect(text.startsWith(SAFETY_NUMBER_TEXT_PREFIX)).toBe(true);
    expect(parseSafetyNumberText(text)).toEqual(ours.qrPayload);
    expect(parseSafetyNumberText(`  ${text.toLowerCase()}\n`)).toEqual(ours.qrPayload);
    expect(matchesScannedSafetyNumber(ours, parseSafetyNumberText(text))).toBe(true);
    expect(encodeSafetyNumberText(safetyNumber(bob, alice))).toBe(text);
  });

  it('refuses text that is not such a code, or far too long, as MALFORMED', () => {
    const text = encodeSafetyNumberText(ours);
    for (const bad of [
      '',
      'KOLOKOL-SN:',
      'KOLOKOL-KEY:' + text.slice(SAFETY_NUMBER_TEXT_PREFIX.length),
      `${text}1`,
      `${text}${'A'.repeat(200)}`,
      '12345 67890',
    ]) {
      expect(() => parseSafetyNumberText(bad)).toThrow(CryptoError);
    }
  });
});

describe('comparePinnedIdentity', () => {
  it("is 'new' with nothing pinned, 'same' for the pinned keys, 'changed' otherwise", () => {
    expect(comparePinnedIdentity(undefined, alice)).toBe('new');
    expect(comparePinnedIdentity(alice, { ...alice })).toBe('same');
    expect(comparePinnedIdentity(alice, carol)).toBe('changed');
  });

  it("is 'changed' when only the exchange key was replaced", () => {
    const full = generateIdentity();
    const pinned = publicIdentity(full);
    const fresh = generateIdentity().exchange.publicKey;
    const current: PublicIdentity = {
      signingKey: pinned.signingKey,
      exchangeKey: fresh,
      exchangeSignature: signExchange(full, fresh),
    };
    expect(verifyPublicIdentity(current)).toBe(true);
    expect(comparePinnedIdentity(pinned, current)).toBe('changed');
  });

  it('refuses to compare a presented identity that is not self-signed', () => {
    expect(() => comparePinnedIdentity(alice, { ...alice, exchangeKey: bob.exchangeKey })).toThrow(
      CryptoError,
    );
  });
});

/** Signs a new exchange key the way identity/identity.ts does, to build a legitimately rotated identity. */
function signExchange(identity: Identity, exchangeKey: Uint8Array): Uint8Array {
  return sign(
    identity.signing.secretKey,
    transcript('kolokol/v1/identity/exchange-key', exchangeKey),
  );
}
