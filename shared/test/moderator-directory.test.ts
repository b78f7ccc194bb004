// The client's moderator directory: only certificates under the pinned root survive, revoked
// ones are dropped, and a withheld, stale or rolled-back revocation list refuses the whole directory.
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../src/crypto/errors.js';
import { generateIdentity, publicIdentity } from '../src/crypto/identity.js';
import {
  MAX_REVOCATION_LIST_AGE_MS,
  verifyModeratorDirectory,
} from '../src/crypto/moderator-directory.js';
import {
  generateRootKey,
  issueModeratorCertificate,
  issueRevocationList,
} from '../src/crypto/trust-chain.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 27);
const root = generateRootKey();

function certificate(
  handle: string,
  options: { rootKey?: Uint8Array; serial?: Uint8Array; expiresAt?: number } = {},
) {
  return issueModeratorCertificate(options.rootKey ?? root.secretKey, {
    handle,
    moderator: publicIdentity(generateIdentity()),
    issuedAt: NOW - DAY,
    expiresAt: options.expiresAt ?? NOW + 30 * DAY,
    ...(options.serial ? { serial: options.serial } : {}),
  });
}

describe('verifyModeratorDirectory', () => {
  it('keeps certificates under the pinned root and drops forged, expired and revoked ones', () => {
    const revokedSerial = new Uint8Array(16).fill(3);
    const listed = {
      certificates: [
        { accountId: 'good-one-aaaaaaaaaaaa', certificate: certificate('mod.good') },
        {
          accountId: 'forged-aaaaaaaaaaaaaa',
          certificate: certificate('mod.forged', { rootKey: generateRootKey().secretKey }),
        },
        {
          accountId: 'expired-aaaaaaaaaaaaa',
          certificate: certificate('mod.old', { expiresAt: NOW - 1 }),
        },
        {
          accountId: 'revoked-aaaaaaaaaaaaa',
          certificate: certificate('mod.gone', { serial: revokedSerial }),
        },
        { accountId: 'garbage-aaaaaaaaaaaaa', certificate: new Uint8Array(10) },
      ],
      revocationList: issueRevocationList(root.secretKey, {
        issuedAt: NOW - 1000,
        serials: [revokedSerial],
      }),
    };
    const directory = verifyModeratorDirectory(root.publicKey, listed, { now: NOW });
    expect(directory.moderators.map((m) => m.certificate.handle)).toEqual(['mod.good']);
    expect(directory.moderators[0]?.accountId).toBe('good-one-aaaaaaaaaaaa');
    expect(directory.refused).toBe(4);
    expect(directory.revocationList?.issuedAt).toBe(NOW - 1000);
  });

  it('refuses a revocation list from another root, a withheld list and a rolled-back list', () => {
    const certificates = [
      { accountId: 'good-one-aaaaaaaaaaaa', certificate: certificate('mod.good') },
    ];
    const rogueList = issueRevocationList(generateRootKey().secretKey, {
      issuedAt: NOW,
      serials: [],
    });
    const reason = (run: () => unknown) => {
      try {
        run();
        return 'accepted';
      } catch (error) {
        return error instanceof CryptoError ? error.reason : 'other';
      }
    };
    expect(
      reason(() =>
        verifyModeratorDirectory(
          root.publicKey,
          { certificates, revocationList: rogueList },
          { now: NOW },
        ),
      ),
    ).toBe('UNTRUSTED');
    expect(
      reason(() =>
        verifyModeratorDirectory(
          root.publicKey,
          { certificates, revocationList: null },
          { now: NOW, minRevocationIssuedAt: NOW - 5 },
        ),
      ),
    ).toBe('UNTRUSTED');
    const older = issueRevocationList(root.secretKey, { issuedAt: NOW - 10 * DAY, serials: [] });
    expect(
      reason(() =>
        verifyModeratorDirectory(
          root.publicKey,
          { certificates, revocationList: older },
          { now: NOW, minRevocationIssuedAt: NOW - DAY },
        ),
      ),
    ).toBe('UNTRUSTED');
    // Even a client that never saw a list needs one, and a current one.
    const withList = (revocationList: Uint8Array | null) => () =>
      verifyModeratorDirectory(root.publicKey, { certificates, revocationList }, { now: NOW });
    expect(reason(withList(null))).toBe('UNTRUSTED');
    const stale = issueRevocationList(root.secretKey, {
      issuedAt: NOW - MAX_REVOCATION_LIST_AGE_MS - 1,
      serials: [],
    });
    expect(reason(withList(stale))).toBe('UNTRUSTED');
    const current = issueRevocationList(root.secretKey, { issuedAt: NOW - DAY, serials: [] });
    expect(withList(current)().moderators).toHaveLength(1);
  });
});
