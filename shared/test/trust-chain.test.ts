// The organisation trust chain: root-signed moderator certificates are accepted only under the
// pinned root, within their validity, and never downgraded (revocation: revocation.test.ts).
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/encoding/base64url.js';
import { FORMAT_VERSION } from '../src/crypto/primitives/format.js';
import { generateIdentity, publicIdentity } from '../src/crypto/identity/identity.js';
import {
  CERTIFICATE_CLOCK_SKEW_MS,
  CERTIFICATE_SERIAL_BYTES,
  decodeModeratorCertificateUnverified,
  decodeRootPublicKey,
  encodeRootPublicKey,
  generateRootKey,
  issueModeratorCertificate,
  verifyModeratorCertificate,
  type ModeratorCertificateFields,
} from '../src/crypto/trust/trust-chain.js';
import {
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  verifyRevocationStatement,
} from '../src/crypto/trust/revocation.js';
import { reasonOf } from './reason-of.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2025, 0, 15);

const root = generateRootKey();
const otherRoot = generateRootKey();
const moderator = publicIdentity(generateIdentity());
const fields: ModeratorCertificateFields = {
  handle: 'mod.anna',
  moderator,
  issuedAt: NOW - DAY,
  expiresAt: NOW + 90 * DAY,
};
const certificate = issueModeratorCertificate(root.secretKey, fields);

describe('root public key text', () => {
  it('round-trips as canonical base64url, tolerating surrounding whitespace', () => {
    const text = encodeRootPublicKey(root.publicKey);
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeRootPublicKey(text)).toEqual(root.publicKey);
    expect(decodeRootPublicKey(` ${text}\n`)).toEqual(root.publicKey);
  });

  it('refuses padding, wrong lengths and keys that are not curve points', () => {
    const text = encodeRootPublicKey(root.publicKey);
    expect(reasonOf(() => decodeRootPublicKey(`${text}=`))).toBe('BAD_KEY');
    expect(reasonOf(() => decodeRootPublicKey(text.slice(0, 40)))).toBe('BAD_KEY');
    expect(reasonOf(() => decodeRootPublicKey(toBase64Url(new Uint8Array(32))))).toBe('BAD_KEY');
    expect(reasonOf(() => encodeRootPublicKey(new Uint8Array(31)))).toBe('BAD_KEY');
  });
});

describe('moderator certificates', () => {
  it('verify under the pinned root and return exactly what was certified', () => {
    const decoded = verifyModeratorCertificate(root.publicKey, certificate, { now: NOW });
    expect(decoded.handle).toBe(fields.handle);
    expect(decoded.moderator.signingKey).toEqual(moderator.signingKey);
    expect(decoded.moderator.exchangeKey).toEqual(moderator.exchangeKey);
    expect(decoded.moderator.exchangeSignature).toEqual(moderator.exchangeSignature);
    expect(decoded.issuedAt).toBe(fields.issuedAt);
    expect(decoded.expiresAt).toBe(fields.expiresAt);
    expect(decoded.serial).toHaveLength(CERTIFICATE_SERIAL_BYTES);
    expect(decodeModeratorCertificateUnverified(certificate)).toEqual(decoded);
  });

  it('get fresh random serials unless one is given', () => {
    const again = decodeModeratorCertificateUnverified(
      issueModeratorCertificate(root.secretKey, fields),
    );
    expect(again.serial).not.toEqual(decodeModeratorCertificateUnverified(certificate).serial);
    const serial = new Uint8Array(CERTIFICATE_SERIAL_BYTES).fill(7);
    const fixed = issueModeratorCertificate(root.secretKey, { ...fields, serial });
    expect(decodeModeratorCertificateUnverified(fixed).serial).toEqual(serial);
  });

  it('are refused under another root', () => {
    expect(
      reasonOf(() => verifyModeratorCertificate(otherRoot.publicKey, certificate, { now: NOW })),
    ).toBe('UNTRUSTED');
  });

  it('are refused before they are valid (beyond the skew allowance) and once expired', () => {
    const start = fields.issuedAt;
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, certificate, {
          now: start - CERTIFICATE_CLOCK_SKEW_MS - 1,
        }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, certificate, {
          now: start - CERTIFICATE_CLOCK_SKEW_MS,
        }),
      ),
    ).toBe('no error');
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, certificate, { now: fields.expiresAt - 1 }),
      ),
    ).toBe('no error');
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, certificate, { now: fields.expiresAt }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('detect every flipped byte: bad header, bad signature, never a silent change', () => {
    for (let i = 0; i < certificate.length; i += 1) {
      const tampered = certificate.slice();
      tampered[i]! ^= 0x01;
      const reason = reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, tampered, { now: NOW }),
      );
      if (i < 2) expect(reason).toBe('MALFORMED');
      else if (i < 4) expect(reason).toBe('UNSUPPORTED_VERSION');
      else expect(reason).toBe('UNTRUSTED');
    }
  });

  it('refuse truncation, extension and another version', () => {
    const short = certificate.subarray(0, certificate.length - 1);
    expect(reasonOf(() => verifyModeratorCertificate(root.publicKey, short, { now: NOW }))).toBe(
      'UNTRUSTED',
    );
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(root.publicKey, certificate.subarray(0, 100), { now: NOW }),
      ),
    ).toBe('MALFORMED');
    const long = new Uint8Array(certificate.length + 1);
    long.set(certificate);
    expect(reasonOf(() => verifyModeratorCertificate(root.publicKey, long, { now: NOW }))).toBe(
      'UNTRUSTED',
    );
    const future = certificate.slice();
    future[2] = FORMAT_VERSION + 1;
    expect(reasonOf(() => verifyModeratorCertificate(root.publicKey, future, { now: NOW }))).toBe(
      'UNSUPPORTED_VERSION',
    );
  });

  it('cannot be passed off as a revocation statement or the reverse', () => {
    const signerKey = generateRootKey();
    const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
      signerKey: signerKey.publicKey,
      issuedAt: NOW,
      expiresAt: NOW + DAY,
    });
    const statement = issueRevocationStatement(signerKey.secretKey, signerCertificate, {
      issuedAt: NOW,
      expiresAt: NOW + DAY,
      revoked: [],
    });
    expect(
      reasonOf(() => verifyRevocationStatement(root.publicKey, certificate, { now: NOW })),
    ).toBe('UNSUPPORTED_VERSION');
    for (const other of [statement, signerCertificate]) {
      expect(reasonOf(() => verifyModeratorCertificate(root.publicKey, other, { now: NOW }))).toBe(
        'UNSUPPORTED_VERSION',
      );
    }
  });

  it('are not issued for a broken identity, a bad handle or an inverted validity', () => {
    const forged = { ...moderator, exchangeKey: publicIdentity(generateIdentity()).exchangeKey };
    expect(
      reasonOf(() => issueModeratorCertificate(root.secretKey, { ...fields, moderator: forged })),
    ).toBe('BAD_SIGNATURE');
    expect(
      reasonOf(() => issueModeratorCertificate(root.secretKey, { ...fields, handle: '' })),
    ).toBe('BAD_LENGTH');
    expect(
      reasonOf(() =>
        issueModeratorCertificate(root.secretKey, { ...fields, handle: 'x'.repeat(65) }),
      ),
    ).toBe('BAD_LENGTH');
    expect(
      reasonOf(() =>
        issueModeratorCertificate(root.secretKey, { ...fields, expiresAt: fields.issuedAt }),
      ),
    ).toBe('MALFORMED');
    expect(
      reasonOf(() => issueModeratorCertificate(root.secretKey, { ...fields, issuedAt: 1.5 })),
    ).toBe('MALFORMED');
    expect(reasonOf(() => issueModeratorCertificate(root.publicKey, fields))).toBe('BAD_LENGTH');
  });

  it('carry timestamps beyond 2^32 ms exactly', () => {
    const far = issueModeratorCertificate(root.secretKey, {
      ...fields,
      expiresAt: Number.MAX_SAFE_INTEGER,
    });
    expect(verifyModeratorCertificate(root.publicKey, far, { now: NOW }).expiresAt).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });
});
