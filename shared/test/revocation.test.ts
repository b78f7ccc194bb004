// Revocation statements: root → signer → statement, each link checked before anything is read;
// short-lived (≤ 48 h) so a withheld statement goes stale; never older than the floor, and never
// leaving out a serial the floor knows to be revoked while its certificate is unexpired.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/encoding/base64url.js';
import {
  MAX_REVOCATION_SIGNER_LIFETIME_MS,
  MAX_REVOCATION_STATEMENT_LIFETIME_MS,
  decodeRevocationStatementUnverified,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  mergeRevocationFloors,
  parseTrustConfiguration,
  revocationFloorOf,
  trustFloor,
  verifyRevocationSignerCertificate,
  verifyRevocationStatement,
} from '../src/crypto/trust/revocation.js';
import {
  CERTIFICATE_CLOCK_SKEW_MS,
  encodeRootPublicKey,
  generateRootKey,
  verifyModeratorCertificate,
} from '../src/crypto/trust/trust-chain.js';
import {
  DAY,
  HOUR,
  NOW,
  moderatorCertificate,
  organisation,
  statement,
} from './revocation-support.js';
import { reasonOf } from './reason-of.js';

const org = organisation();
const serialA = new Uint8Array(16).fill(1);
const serialB = new Uint8Array(16).fill(2);

describe('revocation statements', () => {
  const bytes = statement(org, [
    { serial: serialB, certificateExpiresAt: NOW + 10 * DAY },
    { serial: serialA, certificateExpiresAt: NOW + 5 * DAY },
    { serial: serialA, certificateExpiresAt: NOW + 6 * DAY },
    { serial: new Uint8Array(16).fill(3), certificateExpiresAt: NOW - 2 * HOUR },
  ]);

  it('round-trip through root → signer → statement, deduplicated, sorted, without expired certificates', () => {
    const verified = verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW });
    expect(verified.issuedAt).toBe(NOW - HOUR);
    expect(verified.expiresAt).toBe(NOW + 47 * HOUR);
    expect(verified.revoked).toEqual([
      { serial: serialA, certificateExpiresAt: NOW + 6 * DAY },
      { serial: serialB, certificateExpiresAt: NOW + 10 * DAY },
    ]);
    expect(verified.signer.signerKey).toEqual(org.signer.publicKey);
    expect(decodeRevocationStatementUnverified(bytes)).toEqual(verified);
  });

  it('withdraw a revoked certificate and leave others alone', () => {
    const revoked = moderatorCertificate(org, 'mod.gone', { serial: serialA });
    const kept = moderatorCertificate(org, 'mod.kept');
    const list = verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW });
    expect(
      reasonOf(() =>
        verifyModeratorCertificate(org.root.publicKey, revoked, { now: NOW, revocationList: list }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      verifyModeratorCertificate(org.root.publicKey, kept, { now: NOW, revocationList: list })
        .handle,
    ).toBe('mod.kept');
  });

  it('are refused once stale: a 20-day-old statement (accepted by the old 35-day rule) is refused, as is one just past its 48 h', () => {
    const longLived = organisation(NOW - 30 * DAY);
    const twentyDaysOld = statement(longLived, [], NOW - 20 * DAY, 48 * HOUR);
    expect(
      reasonOf(() =>
        verifyRevocationStatement(longLived.root.publicKey, twentyDaysOld, { now: NOW }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW + 47 * HOUR }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW + 47 * HOUR - 1 }),
      ),
    ).toBe('no error');
    // Only the server and the admin CLI read a stale statement, for what it revoked.
    expect(
      verifyRevocationStatement(longLived.root.publicKey, twentyDaysOld, {
        now: NOW,
        allowStale: true,
      }).issuedAt,
    ).toBe(NOW - 20 * DAY);
  });

  it('are never issued or accepted with more than 48 h of validity, nor signers with more than 90 days', () => {
    expect(reasonOf(() => statement(org, [], NOW, MAX_REVOCATION_STATEMENT_LIFETIME_MS + 1))).toBe(
      'MALFORMED',
    );
    expect(
      reasonOf(() =>
        issueRevocationSignerCertificate(org.root.secretKey, {
          signerKey: org.signer.publicKey,
          issuedAt: NOW,
          expiresAt: NOW + MAX_REVOCATION_SIGNER_LIFETIME_MS + 1,
        }),
      ),
    ).toBe('MALFORMED');
  });

  it('are refused when older than the floor or dated in the future', () => {
    const floor = { minIssuedAt: NOW - HOUR + 1, revoked: [] };
    expect(
      reasonOf(() => verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW, floor })),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, bytes, {
          now: NOW - HOUR - CERTIFICATE_CLOCK_SKEW_MS - 1,
        }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('are refused when they leave out a serial of an unexpired certificate the floor knows (a rolled-back list)', () => {
    const first = verifyRevocationStatement(org.root.publicKey, bytes, { now: NOW });
    // A later, fresh statement that forgot serialB: refused given the floor of the first.
    const forgetful = statement(
      org,
      [{ serial: serialA, certificateExpiresAt: NOW + 6 * DAY }],
      NOW,
    );
    const floor = revocationFloorOf(first);
    expect(
      reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, forgetful, { now: NOW + 1, floor }),
      ),
    ).toBe('UNTRUSTED');
    // Once serialB's certificate has expired, leaving it out is fine.
    const later = statement(org, [], NOW + 11 * DAY);
    expect(
      verifyRevocationStatement(org.root.publicKey, later, { now: NOW + 11 * DAY, floor }).revoked,
    ).toEqual([]);
    // A serial shipped with the client build must be listed for ever.
    const shipped = trustFloor({
      deployment: 'kolokol-test',
      rootPublicKey: org.root.publicKey,
      minRevocationIssuedAt: 0,
      knownRevokedSerials: [serialB],
    });
    expect(
      reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, later, {
          now: NOW + 11 * DAY,
          floor: shipped,
        }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('are refused under another root, from an uncertified or expired signer, or signed outside the signer validity', () => {
    expect(
      reasonOf(() => verifyRevocationStatement(generateRootKey().publicKey, bytes, { now: NOW })),
    ).toBe('UNTRUSTED');
    const rogue = generateRootKey();
    const forged = issueRevocationStatement(
      rogue.secretKey,
      issueRevocationSignerCertificate(rogue.secretKey, {
        signerKey: rogue.publicKey,
        issuedAt: NOW - DAY,
        expiresAt: NOW + DAY,
      }),
      { issuedAt: NOW - HOUR, expiresAt: NOW + HOUR, revoked: [] },
    );
    expect(
      reasonOf(() => verifyRevocationStatement(org.root.publicKey, forged, { now: NOW })),
    ).toBe('UNTRUSTED');
    // Signed with another key than the certificate names: refused at issue and at verification.
    expect(
      reasonOf(() =>
        issueRevocationStatement(rogue.secretKey, org.signerCertificate, {
          issuedAt: NOW,
          expiresAt: NOW + HOUR,
          revoked: [],
        }),
      ),
    ).toBe('BAD_KEY');
    const beforeSigner = statement(organisation(NOW), [], NOW - HOUR, 2 * HOUR);
    expect(
      reasonOf(() => verifyRevocationStatement(org.root.publicKey, beforeSigner, { now: NOW })),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        verifyRevocationSignerCertificate(org.root.publicKey, org.signerCertificate, {
          now: NOW + 60 * DAY,
        }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('are refused with any flipped byte', () => {
    for (let i = 4; i < bytes.length; i += 1) {
      const tampered = bytes.slice();
      tampered[i]! ^= 0x80;
      const reason = reasonOf(() =>
        verifyRevocationStatement(org.root.publicKey, tampered, { now: NOW }),
      );
      // Bytes 4..8 are the embedded signer certificate's own format header.
      if (i < 6) expect(reason, `byte ${i}`).toBe('MALFORMED');
      else if (i < 8) expect(reason, `byte ${i}`).toBe('UNSUPPORTED_VERSION');
      else expect(reason, `byte ${i}`).toBe('UNTRUSTED');
    }
  });
});

describe('floors and the trust configuration', () => {
  it('merge to the latest date and every serial, the later expiry winning and "for ever" kept', () => {
    const merged = mergeRevocationFloors(
      { minIssuedAt: 5, revoked: [{ serial: serialA, certificateExpiresAt: 10 }] },
      { minIssuedAt: 9, revoked: [{ serial: serialA, certificateExpiresAt: 20 }] },
      { minIssuedAt: 1, revoked: [{ serial: serialB }] },
    );
    expect(merged).toEqual({
      minIssuedAt: 9,
      revoked: [{ serial: serialA, certificateExpiresAt: 20 }, { serial: serialB }],
    });
  });

  it('parses the JSON a client build embeds, and refuses a bad root key, serial or deployment', () => {
    const trust = parseTrustConfiguration({
      deployment: 'kolokol-test',
      rootPublicKey: encodeRootPublicKey(org.root.publicKey),
      minRevocationIssuedAt: NOW,
      knownRevokedSerials: [toBase64Url(serialA)],
    });
    expect(trust.rootPublicKey).toEqual(org.root.publicKey);
    expect(trust.deployment).toBe('kolokol-test');
    expect(trustFloor(trust)).toEqual({ minIssuedAt: NOW, revoked: [{ serial: serialA }] });
    expect(
      reasonOf(() =>
        parseTrustConfiguration({
          deployment: 'kolokol-test',
          rootPublicKey: 'AAAA',
          minRevocationIssuedAt: NOW,
        }),
      ),
    ).toBe('BAD_KEY');
    expect(
      reasonOf(() =>
        parseTrustConfiguration({
          deployment: 'kolokol-test',
          rootPublicKey: encodeRootPublicKey(org.root.publicKey),
          minRevocationIssuedAt: NOW,
          knownRevokedSerials: ['AAAA'],
        }),
      ),
    ).toBe('MALFORMED');
    for (const deployment of ['', 'has space', 'x'.repeat(65), 'кириллица']) {
      expect(
        reasonOf(() =>
          parseTrustConfiguration({
            deployment,
            rootPublicKey: encodeRootPublicKey(org.root.publicKey),
            minRevocationIssuedAt: NOW,
          }),
        ),
      ).toBe('MALFORMED');
    }
  });
});
