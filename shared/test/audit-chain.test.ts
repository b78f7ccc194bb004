// The audit log's hash chain and its verifier: a well-formed chain of statements, certificates,
// revocation statements and operator actions verifies; an entry changed, removed, reordered or
// repeated, a forged or stale statement, a revoked certificate and a rewritten history witnessed
// by a later statement are each named at the first broken entry.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/encoding/base64url.js';
import { randomBytes } from '../src/crypto/primitives/bytes.js';
import {
  generateIdentity,
  publicIdentity,
  type Identity,
} from '../src/crypto/identity/identity.js';
import {
  AUDIT_STATEMENT_MAX_SKEW_MS,
  issueAuditStatement,
  type AuditStatementFields,
} from '../src/crypto/trust/audit-statement.js';
import {
  AuditChainVerifier,
  auditEntryHash,
  auditGenesisHash,
  decodeOperatorAction,
  encodeOperatorAction,
  type AuditEntry,
  type AuditEntryType,
} from '../src/crypto/trust/audit-chain.js';
import {
  decodeModeratorCertificateUnverified,
  issueModeratorCertificate,
} from '../src/crypto/trust/trust-chain.js';
import { reasonOf } from './reason-of.js';
import { DAY, NOW, organisation, statement as revocationStatement } from './revocation-support.js';

const org = organisation();
const anna = generateIdentity();
const boris = generateIdentity();
const certificateOf = (identity: Identity, handle: string) =>
  issueModeratorCertificate(org.root.secretKey, {
    handle,
    moderator: publicIdentity(identity),
    issuedAt: NOW - DAY,
    expiresAt: NOW + 30 * DAY,
  });
const annaCertificate = certificateOf(anna, 'mod.anna');
const borisCertificate = certificateOf(boris, 'mod.boris');
const id = (letter: string) => letter.repeat(22);

function vet(identity: Identity, at: number, extra: Partial<AuditStatementFields> = {}) {
  return issueAuditStatement(identity, {
    kind: 'vet',
    actor: id('A'),
    subject: id('V'),
    tier: 'high',
    issuedAt: at,
    ...extra,
  });
}

/** Appends entries as a server does: the next number, the previous hash, the hash. */
function chain(
  parts: readonly {
    type: AuditEntryType;
    payload: Uint8Array;
    certificate?: Uint8Array;
    recordedAt?: number;
  }[],
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const part of parts) {
    const unhashed = {
      seq: entries.length + 1,
      type: part.type,
      recordedAt: part.recordedAt ?? NOW,
      payload: part.payload,
      certificate: part.certificate ?? null,
      prevHash: entries.at(-1)?.hash ?? auditGenesisHash(),
    };
    entries.push({ ...unhashed, hash: auditEntryHash(unhashed) });
  }
  return entries;
}

/** The first break the verifier reports over `entries`, or undefined with the verifier. */
function verify(entries: readonly AuditEntry[]) {
  const verifier = new AuditChainVerifier(org.root.publicKey);
  for (const entry of entries) {
    const broken = verifier.add(entry);
    if (broken) return { broken, verifier };
  }
  return { broken: undefined, verifier };
}

function rehash(entry: Omit<AuditEntry, 'hash'>): AuditEntry {
  return { ...entry, hash: auditEntryHash(entry) };
}

const operator = encodeOperatorAction({ action: 'suspend', accountId: id('S') });
const good = chain([
  { type: 'revocation', payload: revocationStatement(org, []) },
  { type: 'certificate', payload: annaCertificate },
  { type: 'statement', payload: vet(anna, NOW - 1000), certificate: annaCertificate },
  { type: 'operator', payload: operator },
  { type: 'statement', payload: vet(boris, NOW), certificate: borisCertificate },
]);

describe('the audit chain', () => {
  it('verifies a well-formed chain and sums it up', () => {
    const { broken, verifier } = verify(good);
    expect(broken).toBeUndefined();
    expect(verifier.summary()).toEqual({
      length: 5,
      head: good[4]!.hash,
      statements: 2,
      certificates: 1,
      revocations: 1,
      operatorActions: 1,
    });
    expect(verifier.positionOf(good[2]!.hash)).toBe(3);
    expect(verifier.positionOf(auditGenesisHash())).toBe(0);
    expect(verifier.positionOf(randomBytes(32))).toBeUndefined();
    expect(good[0]!.prevHash).toEqual(new Uint8Array(32));
  });

  it('names an edited entry (its hash no longer matches)', () => {
    const edited = good.slice();
    edited[3] = { ...good[3]!, recordedAt: NOW + 1 };
    expect(verify(edited).broken).toEqual({
      seq: 4,
      reason: 'its hash does not match its contents (the entry was changed)',
    });
  });

  it('names an edited statement even when its own hash was recomputed (the signature fails)', () => {
    const payload = good[2]!.payload.slice();
    payload[20]! ^= 1;
    const edited = good.slice();
    edited[2] = rehash({ ...good[2]!, payload });
    const { broken } = verify(edited);
    expect(broken?.seq).toBe(3);
    expect(broken?.reason).toContain('not signed by this moderator');
  });

  it('names the entry after an edit whose hash was recomputed alone (it no longer follows)', () => {
    const edited = good.slice();
    edited[3] = rehash({ ...good[3]!, recordedAt: NOW + 1 });
    const { broken } = verify(edited);
    expect(broken?.seq).toBe(5);
    expect(broken?.reason).toContain('does not follow entry #4');
  });

  it('names a deleted entry by its number', () => {
    const deleted = [...good.slice(0, 2), ...good.slice(3)];
    expect(verify(deleted).broken).toEqual({
      seq: 3,
      reason: 'missing: the entry after #2 is numbered #4 (entries were removed)',
    });
  });

  it('names reordered entries: two swapped, and two swapped with their numbers', () => {
    const swapped = [good[0]!, good[2]!, good[1]!, ...good.slice(3)];
    expect(verify(swapped).broken?.seq).toBe(2);
    const renumbered = [
      good[0]!,
      { ...good[2]!, seq: 2 },
      { ...good[1]!, seq: 3 },
      ...good.slice(3),
    ];
    const { broken } = verify(renumbered);
    expect(broken?.seq).toBe(2);
    expect(broken?.reason).toContain('does not follow entry #1');
  });

  it('names a repeated statement (a replay), even in a chain rebuilt around it', () => {
    const replayed = chain([
      { type: 'statement', payload: good[2]!.payload, certificate: annaCertificate },
      { type: 'statement', payload: good[2]!.payload, certificate: annaCertificate },
    ]);
    expect(verify(replayed).broken).toEqual({
      seq: 2,
      reason: 'repeats entry #1 (a statement is recorded and acted on once)',
    });
  });

  it('names a statement not signed by the certified moderator', () => {
    const forged = chain([
      { type: 'statement', payload: vet(boris, NOW), certificate: annaCertificate },
    ]);
    expect(verify(forged).broken?.reason).toBe(
      'statement: audit statement is not signed by this moderator',
    );
  });

  it('names a statement whose certificate is from another root, expired or revoked by then', () => {
    const stranger = organisation();
    const foreign = issueModeratorCertificate(stranger.root.secretKey, {
      handle: 'mod.anna',
      moderator: publicIdentity(anna),
      issuedAt: NOW - DAY,
      expiresAt: NOW + DAY,
    });
    expect(
      verify(chain([{ type: 'statement', payload: vet(anna, NOW), certificate: foreign }])).broken
        ?.reason,
    ).toBe('statement: certificate is not signed by the organisation root');
    const late = NOW + 31 * DAY;
    expect(
      verify(
        chain([
          {
            type: 'statement',
            payload: vet(anna, late),
            certificate: annaCertificate,
            recordedAt: late,
          },
        ]),
      ).broken?.reason,
    ).toBe('statement: certificate has expired');
    const serial = decodeModeratorCertificateUnverified(annaCertificate).serial;
    const revoked = chain([
      {
        type: 'revocation',
        payload: revocationStatement(org, [{ serial, certificateExpiresAt: NOW + 30 * DAY }]),
      },
      { type: 'statement', payload: vet(anna, NOW), certificate: annaCertificate },
    ]);
    expect(verify(revoked).broken).toEqual({
      seq: 2,
      reason: 'statement: certificate has been revoked',
    });
    // Before the revocation was recorded, the same statement stands.
    expect(
      verify([revoked[1]!].map((e) => rehash({ ...e, seq: 1, prevHash: auditGenesisHash() })))
        .broken,
    ).toBeUndefined();
  });

  it('names a statement recorded too long after (or before) it was issued', () => {
    const stale = chain([
      {
        type: 'statement',
        payload: vet(anna, NOW - AUDIT_STATEMENT_MAX_SKEW_MS - 1),
        certificate: annaCertificate,
      },
    ]);
    expect(verify(stale).broken?.reason).toBe('recorded too long before or after it was issued');
  });

  it('names an entry of the wrong shape: a statement without its certificate, a certificate with one', () => {
    expect(verify(chain([{ type: 'statement', payload: vet(anna, NOW) }])).broken?.reason).toBe(
      "a statement entry carries its actor's certificate",
    );
    expect(
      verify(
        chain([{ type: 'certificate', payload: annaCertificate, certificate: annaCertificate }]),
      ).broken?.reason,
    ).toBe('a certificate entry carries no certificate');
    expect(verify(chain([{ type: 'operator', payload: randomBytes(10) }])).broken?.reason).toBe(
      'operator: truncated',
    );
  });

  it('names a revocation statement older than the one recorded before it (a rollback)', () => {
    const rollback = chain([
      { type: 'revocation', payload: revocationStatement(org, [], NOW - 1000) },
      { type: 'revocation', payload: revocationStatement(org, [], NOW - 2000) },
    ]);
    expect(verify(rollback).broken).toEqual({
      seq: 2,
      reason: 'revocation: revocation statement is older than one already seen',
    });
  });

  it('catches a history rewritten wholesale once a later statement witnessed the old head', () => {
    // Boris's client saw the head after entry 2 and signed it into his statement.
    const seen = good[1]!.hash;
    const witnessed = chain([
      { type: 'revocation', payload: good[0]!.payload },
      { type: 'certificate', payload: annaCertificate },
      {
        type: 'statement',
        payload: vet(boris, NOW, { prevHead: seen }),
        certificate: borisCertificate,
      },
    ]);
    expect(verify(witnessed).broken).toBeUndefined();
    // Someone removes the certificate entry and recomputes every hash: numbering and hashes hold,
    // but the head Boris saw is no longer in the chain.
    const rewritten = chain([
      { type: 'revocation', payload: good[0]!.payload },
      {
        type: 'statement',
        payload: witnessed[2]!.payload,
        certificate: borisCertificate,
      },
    ]);
    expect(verify(rewritten).broken).toEqual({
      seq: 2,
      reason:
        'the log head its signer saw is not an earlier entry of this chain (the history before it was rewritten)',
    });
  });

  it('encodes operator actions canonically', () => {
    const nonce = randomBytes(16);
    const bytes = encodeOperatorAction({ action: 'reinstate', accountId: id('S'), nonce });
    expect(decodeOperatorAction(bytes)).toEqual({ action: 'reinstate', accountId: id('S'), nonce });
    expect(reasonOf(() => encodeOperatorAction({ action: 'reinstate', accountId: 'x' }))).toBe(
      'MALFORMED',
    );
    expect(
      reasonOf(() => decodeOperatorAction(Uint8Array.of(3, ...nonce, 22, ...bytes.subarray(18)))),
    ).toBe('MALFORMED');
    expect(reasonOf(() => decodeOperatorAction(Uint8Array.of(...bytes, 0)))).toBe('MALFORMED');
  });

  it('hashes every field of an entry', () => {
    const base = good[2]!;
    const variants: Omit<AuditEntry, 'hash'>[] = [
      { ...base, seq: 4 },
      { ...base, type: 'certificate' },
      { ...base, recordedAt: base.recordedAt + 1 },
      { ...base, prevHash: randomBytes(32) },
      { ...base, payload: base.payload.subarray(1) },
      { ...base, certificate: null },
    ];
    const hashes = new Set([base.hash, ...variants.map(auditEntryHash)].map(toBase64Url));
    expect(hashes.size).toBe(variants.length + 1);
  });
});
