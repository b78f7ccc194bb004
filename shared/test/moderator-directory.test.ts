// The client's moderator directory, fed `certificates.list` exactly as it arrives (base64url
// text): only certificates under the pinned root survive, revoked ones are dropped, the newest
// certificate per handle wins with the conflict reported, and a withheld, stale or rolled-back
// revocation statement refuses the whole directory — for a client with no stored state too,
// through the floor its build ships. Each moderator's envelope prekey is kept only when the
// certified identity signed it and it is valid, and those are exactly whom a contact seals to.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/encoding/base64url.js';
import {
  EnvelopePrekeyStore,
  generateEnvelopePrekey,
  generateIdentity,
  openEnvelope,
  sealEnvelope,
  utf8,
  type EnvelopePrekey,
} from '../src/crypto/index.js';
import {
  envelopeRecipients,
  verifyModeratorDirectory,
} from '../src/crypto/trust/moderator-directory.js';
import type { TrustConfiguration } from '../src/crypto/trust/revocation.js';
import { generateRootKey } from '../src/crypto/trust/trust-chain.js';
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
const trust: TrustConfiguration = {
  deployment: 'kolokol-test',
  rootPublicKey: org.root.publicKey,
  minRevocationIssuedAt: 0,
};

/** The ack's `data` as the server sends it: every byte string is base64url text. */
function wire(
  certificates: { accountId: string; certificate: Uint8Array; envelopePrekey?: EnvelopePrekey }[],
  revocationList: Uint8Array | null,
): unknown {
  return JSON.parse(
    JSON.stringify({
      certificates: certificates.map((c) => ({
        accountId: c.accountId,
        certificate: toBase64Url(c.certificate),
        envelopePrekey:
          c.envelopePrekey === undefined
            ? null
            : {
                id: c.envelopePrekey.id,
                publicKey: toBase64Url(c.envelopePrekey.publicKey),
                createdAt: c.envelopePrekey.createdAt,
                expiresAt: c.envelopePrekey.expiresAt,
                signature: toBase64Url(c.envelopePrekey.signature),
              },
      })),
      revocationList: revocationList === null ? null : toBase64Url(revocationList),
    }),
  );
}

describe('verifyModeratorDirectory', () => {
  it('keeps certificates under the pinned root and drops forged, expired and revoked ones', () => {
    const revokedSerial = new Uint8Array(16).fill(3);
    const listed = wire(
      [
        { accountId: 'good-one-aaaaaaaaaaaa', certificate: moderatorCertificate(org, 'mod.good') },
        {
          accountId: 'forged-aaaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.forged', {
            rootKey: generateRootKey().secretKey,
          }),
        },
        {
          accountId: 'expired-aaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.old', { expiresAt: NOW - 1 }),
        },
        {
          accountId: 'revoked-aaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.gone', { serial: revokedSerial }),
        },
        { accountId: 'garbage-aaaaaaaaaaaaa', certificate: new Uint8Array(10) },
      ],
      statement(org, [{ serial: revokedSerial, certificateExpiresAt: NOW + 30 * DAY }]),
    );
    const directory = verifyModeratorDirectory(trust, listed, { now: NOW });
    expect(directory.moderators.map((m) => m.certificate.handle)).toEqual(['mod.good']);
    expect(directory.moderators[0]?.accountId).toBe('good-one-aaaaaaaaaaaa');
    expect(directory.refused).toBe(4);
    expect(directory.conflicts).toEqual([]);
    expect(directory.revocationStatement.issuedAt).toBe(NOW - HOUR);
    expect(directory.floor).toEqual({
      minIssuedAt: NOW - HOUR,
      revoked: [{ serial: revokedSerial, certificateExpiresAt: NOW + 30 * DAY }],
    });
  });

  it('accepts only the newest of two valid certificates for one handle and reports the conflict', () => {
    const older = moderatorCertificate(org, 'mod.twice', { issuedAt: NOW - 3 * DAY });
    const newer = moderatorCertificate(org, 'mod.twice', { issuedAt: NOW - DAY });
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const directory = verifyModeratorDirectory(
        trust,
        wire(
          order.map((certificate, i) => ({ accountId: `account-${i}-aaaaaaaaaaa`, certificate })),
          statement(org, []),
        ),
        { now: NOW },
      );
      expect(directory.moderators).toHaveLength(1);
      expect(directory.moderators[0]!.certificate.issuedAt).toBe(NOW - DAY);
      expect(directory.conflicts).toHaveLength(1);
      expect(directory.conflicts[0]!.handle).toBe('mod.twice');
      expect(directory.conflicts[0]!.accepted).toEqual(directory.moderators[0]!.certificate.serial);
      expect(directory.conflicts[0]!.superseded).toHaveLength(1);
    }
  });

  it('refuses a 20-day-old statement even from a client with no stored floor', () => {
    const certificates = [
      { accountId: 'good-one-aaaaaaaaaaaa', certificate: moderatorCertificate(org, 'mod.good') },
    ];
    const old = statement(org, [], NOW - 20 * DAY);
    expect(
      reasonOf(() => verifyModeratorDirectory(trust, wire(certificates, old), { now: NOW })),
    ).toBe('UNTRUSTED');
  });

  it('refuses a rolled-back statement: older than, or missing a serial of, the shipped or stored floor', () => {
    const revoked = new Uint8Array(16).fill(7);
    const certificates = [
      {
        accountId: 'gone-aaaaaaaaaaaaaaaa',
        certificate: moderatorCertificate(org, 'mod.gone', { serial: revoked }),
      },
    ];
    const withSerial = statement(
      org,
      [{ serial: revoked, certificateExpiresAt: NOW + 30 * DAY }],
      NOW - 2 * HOUR,
    );
    // A fresh, validly signed statement that simply forgot the serial.
    const forgetful = statement(org, [], NOW - HOUR);
    const first = verifyModeratorDirectory(trust, wire(certificates, withSerial), { now: NOW });
    expect(first.moderators).toEqual([]);
    // Without any floor the forgetful statement would revive the moderator...
    expect(
      verifyModeratorDirectory(trust, wire(certificates, forgetful), { now: NOW }).moderators,
    ).toHaveLength(1);
    // ...but the floor stored from the first statement refuses it,
    expect(
      reasonOf(() =>
        verifyModeratorDirectory(trust, wire(certificates, forgetful), {
          now: NOW,
          storedFloor: first.floor,
        }),
      ),
    ).toBe('UNTRUSTED');
    // and so does the floor a client build ships, for a client that stored nothing.
    const shipped: TrustConfiguration = { ...trust, knownRevokedSerials: [revoked] };
    expect(
      reasonOf(() =>
        verifyModeratorDirectory(shipped, wire(certificates, forgetful), { now: NOW }),
      ),
    ).toBe('UNTRUSTED');
    const newerBuild: TrustConfiguration = { ...trust, minRevocationIssuedAt: NOW - HOUR + 1 };
    expect(
      reasonOf(() =>
        verifyModeratorDirectory(newerBuild, wire(certificates, forgetful), { now: NOW }),
      ),
    ).toBe('UNTRUSTED');
  });

  it('refuses a statement from another root, a withheld statement, and input that is not the wire shape', () => {
    const certificates = [
      { accountId: 'good-one-aaaaaaaaaaaa', certificate: moderatorCertificate(org, 'mod.good') },
    ];
    const rogue = statement(organisation(), []);
    expect(
      reasonOf(() => verifyModeratorDirectory(trust, wire(certificates, rogue), { now: NOW })),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() => verifyModeratorDirectory(trust, wire(certificates, null), { now: NOW })),
    ).toBe('UNTRUSTED');
    for (const junk of [
      null,
      'text',
      { certificates: 'x', revocationList: null },
      { certificates: [] },
    ]) {
      expect(reasonOf(() => verifyModeratorDirectory(trust, junk, { now: NOW }))).toBe('MALFORMED');
    }
  });

  it('keeps each envelope prekey the certified identity signed and that is valid; a contact seals to exactly those', () => {
    const anna = generateIdentity();
    const boris = generateIdentity();
    const vera = generateIdentity();
    const gleb = generateIdentity();
    const annaStore = new EnvelopePrekeyStore();
    const annaPrekey = annaStore.rotate(anna, NOW - HOUR);
    const listed = wire(
      [
        {
          accountId: 'anna-aaaaaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.anna', { identity: anna }),
          envelopePrekey: annaPrekey,
        },
        {
          // Signed by someone else than the certified identity (a server swapping keys).
          accountId: 'boris-aaaaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.boris', { identity: boris }),
          envelopePrekey: generateEnvelopePrekey(generateIdentity(), { id: 3, now: NOW - HOUR }),
        },
        {
          // Expired.
          accountId: 'vera-aaaaaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.vera', { identity: vera }),
          envelopePrekey: generateEnvelopePrekey(vera, {
            id: 4,
            now: NOW - 2 * DAY,
            lifetimeMs: DAY,
          }),
        },
        {
          accountId: 'gleb-aaaaaaaaaaaaaaaa',
          certificate: moderatorCertificate(org, 'mod.gleb', { identity: gleb }),
        },
      ],
      statement(org, []),
    );
    const directory = verifyModeratorDirectory(trust, listed, { now: NOW });
    expect(directory.moderators).toHaveLength(4);
    const byHandle = new Map(directory.moderators.map((m) => [m.certificate.handle, m]));
    expect(byHandle.get('mod.anna')!.envelopePrekey).toEqual(annaPrekey);
    for (const handle of ['mod.boris', 'mod.vera', 'mod.gleb']) {
      expect(byHandle.get(handle)!.envelopePrekey, handle).toBeUndefined();
    }
    const recipients = envelopeRecipients(directory);
    expect(recipients).toEqual([{ signingKey: anna.signing.publicKey, prekey: annaPrekey }]);

    const contact = generateIdentity();
    const details = utf8('details');
    const envelope = sealEnvelope(details, contact, recipients, { now: NOW });
    expect(openEnvelope(envelope, annaStore.openingKeys()).plaintext).toEqual(details);
  });

  it('refuses a listed envelope prekey of the wrong shape as a malformed directory', () => {
    const listed = wire(
      [{ accountId: 'anna-aaaaaaaaaaaaaaaa', certificate: moderatorCertificate(org, 'mod.anna') }],
      statement(org, []),
    ) as { certificates: Record<string, unknown>[] };
    listed.certificates[0]!.envelopePrekey = { id: 1, publicKey: 'AAAA' };
    expect(reasonOf(() => verifyModeratorDirectory(trust, listed, { now: NOW }))).toBe('MALFORMED');
  });
});
