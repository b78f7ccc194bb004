// Signed audit statements: the documented layout, signed by the actor's identity over every byte,
// strict parsing, and each kind's rule on which fields it carries.
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  randomBytes,
  transcript,
  u32be,
  utf8,
} from '../src/crypto/primitives/bytes.js';
import { u64be } from '../src/crypto/primitives/byte-reader.js';
import { FORMAT_VERSION, label } from '../src/crypto/primitives/format.js';
import { sign } from '../src/crypto/primitives/primitives.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import { generateIdentity, publicIdentity } from '../src/crypto/identity/identity.js';
import {
  AUDIT_KINDS,
  AUDIT_KIND_RULES,
  AUDIT_REASONS,
  MAX_AUDIT_STATEMENT_BYTES,
  MIN_AUDIT_STATEMENT_BYTES,
  auditStatementDigest,
  decodeAuditStatementUnverified,
  issueAuditStatement,
  verifyAuditStatement,
  type AuditKind,
  type AuditStatementFields,
} from '../src/crypto/trust/audit-statement.js';
import { reasonOf } from './reason-of.js';

const moderator = generateIdentity();
const other = generateIdentity();
const NOW = Date.UTC(2026, 2, 1);
const id = (letter: string) => letter.repeat(22);

/** A statement of `kind` with every required field, and nothing else. */
function fieldsFor(kind: AuditKind): AuditStatementFields {
  const rule = AUDIT_KIND_RULES[kind];
  return {
    kind,
    actor: id('A'),
    issuedAt: NOW,
    ...(rule.subject === 'required' ? { subject: id('S') } : {}),
    ...(rule.request === 'required' ? { request: id('R') } : {}),
    ...(rule.proposal === 'required' ? { proposal: id('P') } : {}),
    ...(rule.report === 'required' ? { report: id('X') } : {}),
    ...(rule.tier === 'required' ? { tier: 'standard' as const } : {}),
    ...(rule.reason === 'required' ? { reason: 'abuse' as const } : {}),
  };
}

describe('audit statements', () => {
  it.each(AUDIT_KINDS)(
    'a %s statement verifies against its signer and reads back as issued',
    (kind) => {
      const fields = fieldsFor(kind);
      const nonce = randomBytes(16);
      const bytes = issueAuditStatement(moderator, { ...fields, nonce });
      const verified = verifyAuditStatement(bytes, publicIdentity(moderator));
      const { bytes: signed, digest, ...read } = verified;
      expect(read).toEqual({ ...fields, nonce });
      expect(signed).toEqual(bytes);
      expect(digest).toEqual(sodium.crypto_hash_sha256(bytes));
      expect(auditStatementDigest(bytes)).toEqual(digest);
    },
  );

  it('is laid out as crypto.md documents, and signed over every byte before the signature', () => {
    const nonce = randomBytes(16);
    const noteDigest = randomBytes(32);
    const prevHead = randomBytes(32);
    const bytes = issueAuditStatement(moderator, {
      kind: 'suspend',
      actor: id('A'),
      subject: id('S'),
      report: id('X'),
      reason: 'suspected_infiltration',
      noteDigest,
      prevHead,
      issuedAt: NOW,
      nonce,
    });
    const withLength = (text: string) => concatBytes(Uint8Array.of(text.length), utf8(text));
    const body = concatBytes(
      Uint8Array.of(0x4b, 0x4b, FORMAT_VERSION, 0x0d),
      Uint8Array.of(AUDIT_KINDS.indexOf('suspend') + 1),
      u64be(NOW),
      nonce,
      withLength(id('A')),
      withLength(id('S')),
      Uint8Array.of(0), // request
      Uint8Array.of(0), // proposal
      withLength(id('X')),
      Uint8Array.of(0), // tier
      Uint8Array.of(AUDIT_REASONS.indexOf('suspected_infiltration') + 1),
      Uint8Array.of(1),
      noteDigest,
      Uint8Array.of(0), // envelopeDigest
      Uint8Array.of(1),
      prevHead,
    );
    expect(bytes.subarray(0, body.length)).toEqual(body);
    expect(bytes.length).toBe(body.length + 64);
    expect(label('audit/statement')).toBe('kolokol/v1/audit/statement');
    const signature = sign(moderator.signing.secretKey, transcript(label('audit/statement'), body));
    expect(bytes.subarray(body.length)).toEqual(signature);
  });

  it('refuses a statement signed by another identity, or changed anywhere (UNTRUSTED)', () => {
    const bytes = issueAuditStatement(moderator, fieldsFor('vet'));
    expect(reasonOf(() => verifyAuditStatement(bytes, publicIdentity(other)))).toBe('UNTRUSTED');
    for (let index = 4; index < bytes.length; index += 1) {
      const changed = bytes.slice();
      changed[index]! ^= 0x01;
      expect(
        reasonOf(() => verifyAuditStatement(changed, publicIdentity(moderator))),
        `byte ${index}`,
      ).toBe('UNTRUSTED');
    }
    // An identity whose exchange key is not signed by its signing key is no moderator.
    const broken = { ...publicIdentity(moderator), exchangeKey: publicIdentity(other).exchangeKey };
    expect(reasonOf(() => verifyAuditStatement(bytes, broken))).toBe('UNTRUSTED');
  });

  it('refuses another format version or suite, and sizes out of bounds', () => {
    const bytes = issueAuditStatement(moderator, fieldsFor('vet'));
    const version = bytes.slice();
    version[2] = FORMAT_VERSION + 1;
    expect(reasonOf(() => verifyAuditStatement(version, publicIdentity(moderator)))).toBe(
      'UNSUPPORTED_VERSION',
    );
    const suite = bytes.slice();
    suite[3] = 0x0a;
    expect(reasonOf(() => verifyAuditStatement(suite, publicIdentity(moderator)))).toBe(
      'UNSUPPORTED_VERSION',
    );
    expect(
      reasonOf(() =>
        verifyAuditStatement(
          bytes.subarray(0, MIN_AUDIT_STATEMENT_BYTES - 1),
          publicIdentity(moderator),
        ),
      ),
    ).toBe('MALFORMED');
    const long = concatBytes(bytes, new Uint8Array(MAX_AUDIT_STATEMENT_BYTES));
    expect(reasonOf(() => verifyAuditStatement(long, publicIdentity(moderator)))).toBe('MALFORMED');
  });

  it('spans the documented sizes: 119 bytes at least, 519 at most', () => {
    expect([MIN_AUDIT_STATEMENT_BYTES, MAX_AUDIT_STATEMENT_BYTES]).toEqual([119, 519]);
    const smallest = issueAuditStatement(moderator, {
      kind: 'reinstate',
      actor: 'a'.repeat(16),
      subject: 's'.repeat(16),
      issuedAt: NOW,
    });
    // The least a real statement carries: the actor and one subject, both of 16 characters.
    expect(smallest.length).toBe(MIN_AUDIT_STATEMENT_BYTES + 16);
    const largest = issueAuditStatement(moderator, {
      kind: 'approve',
      actor: 'a'.repeat(64),
      subject: 's'.repeat(64),
      request: 'r'.repeat(64),
      proposal: 'p'.repeat(64),
      noteDigest: randomBytes(32),
      envelopeDigest: randomBytes(32),
      prevHead: randomBytes(32),
      issuedAt: NOW,
    });
    // approve carries no report: one id short of the most.
    expect(largest.length).toBe(MAX_AUDIT_STATEMENT_BYTES - 64);
    expect(verifyAuditStatement(largest, publicIdentity(moderator)).kind).toBe('approve');
  });

  it('gives two statements of one decision different bytes (a fresh nonce each)', () => {
    const first = issueAuditStatement(moderator, fieldsFor('vet'));
    const second = issueAuditStatement(moderator, fieldsFor('vet'));
    expect(first).not.toEqual(second);
    expect(auditStatementDigest(first)).not.toEqual(auditStatementDigest(second));
  });

  it.each([
    ['a vet without a tier', { kind: 'vet', actor: id('A'), subject: id('S') }],
    ['a vet without a subject', { kind: 'vet', actor: id('A'), tier: 'high' }],
    ['a vet with a reason', { ...fieldsFor('vet'), reason: 'other' }],
    ['a vet with a request', { ...fieldsFor('vet'), request: id('R') }],
    ['a suspend without a reason', { kind: 'suspend', actor: id('A'), subject: id('S') }],
    ['a reject without a proposal', { ...fieldsFor('reject'), proposal: undefined }],
    ['an unvet with a tier', { ...fieldsFor('unvet'), tier: 'standard' }],
    [
      'a reinstate with an envelope digest',
      { ...fieldsFor('reinstate'), envelopeDigest: randomBytes(32) },
    ],
    ['an actor that is no id', { ...fieldsFor('vet'), actor: 'short' }],
    ['a subject with a space', { ...fieldsFor('vet'), subject: `${id('S')} ` }],
    ['an unknown kind', { ...fieldsFor('vet'), kind: 'promote' }],
    ['an unknown tier', { ...fieldsFor('vet'), tier: 'extreme' }],
    ['an unknown reason', { ...fieldsFor('unvet'), reason: 'whim' }],
    ['a short digest', { ...fieldsFor('vet'), noteDigest: randomBytes(31) }],
    ['a fractional time', { ...fieldsFor('vet'), issuedAt: NOW + 0.5 }],
    ['a short nonce', { ...fieldsFor('vet'), nonce: randomBytes(15) }],
  ])('will not issue %s (MALFORMED)', (_what, fields) => {
    const withoutUndefined = Object.fromEntries(
      Object.entries({ issuedAt: NOW, ...fields }).filter(([, value]) => value !== undefined),
    ) as unknown as AuditStatementFields;
    expect(reasonOf(() => issueAuditStatement(moderator, withoutUndefined))).toBe('MALFORMED');
  });

  describe('a correctly signed body that breaks the format', () => {
    /** Signs `body` as the moderator would, so only the parser can refuse it. */
    const signed = (body: Uint8Array) =>
      concatBytes(
        body,
        sign(moderator.signing.secretKey, transcript(label('audit/statement'), body)),
      );
    const valid = issueAuditStatement(moderator, fieldsFor('vet'));
    const validBody = valid.subarray(0, valid.length - 64);
    const kindOffset = 4;
    // header 4, kind 1, issuedAt 8, nonce 16, actor 1 + 22, four ids (subject 1 + 22, three empty)
    const tierOffset = 4 + 1 + 8 + 16 + 23 + 23 + 3;

    it.each([
      ['kind 0', (b: Uint8Array) => (b[kindOffset] = 0)],
      ['an unknown kind', (b: Uint8Array) => (b[kindOffset] = AUDIT_KINDS.length + 1)],
      ['tier 3', (b: Uint8Array) => (b[tierOffset] = 3)],
      ['no tier on a vet', (b: Uint8Array) => (b[tierOffset] = 0)],
      ['an unknown reason', (b: Uint8Array) => (b[tierOffset + 1] = AUDIT_REASONS.length + 1)],
      ['presence flag 2', (b: Uint8Array) => (b[tierOffset + 2] = 2)],
      [
        'an id with a character outside base64url',
        (b: Uint8Array) => (b[4 + 1 + 8 + 16 + 1] = 0x2b),
      ],
    ])('%s (MALFORMED)', (_what, change) => {
      const body = validBody.slice();
      change(body);
      const bytes = signed(body);
      expect(reasonOf(() => verifyAuditStatement(bytes, publicIdentity(moderator)))).toBe(
        'MALFORMED',
      );
      expect(reasonOf(() => decodeAuditStatementUnverified(bytes))).toBe('MALFORMED');
    });

    it('trailing bytes, and an id too short (MALFORMED)', () => {
      const trailing = signed(concatBytes(validBody, Uint8Array.of(0)));
      expect(reasonOf(() => verifyAuditStatement(trailing, publicIdentity(moderator)))).toBe(
        'MALFORMED',
      );
      // The actor's length byte says 15: the id is cut short and the rest misread.
      const short = validBody.slice();
      short[4 + 1 + 8 + 16] = 15;
      expect(reasonOf(() => verifyAuditStatement(signed(short), publicIdentity(moderator)))).toBe(
        'MALFORMED',
      );
    });
  });

  it('uses the length-prefixed transcript of crypto.md §2', () => {
    // transcript(l, body) = u32(len l) ‖ l ‖ u32(len body) ‖ body
    const body = Uint8Array.of(1, 2, 3);
    const l = utf8('kolokol/v1/audit/statement');
    expect(transcript(label('audit/statement'), body)).toEqual(
      concatBytes(u32be(l.length), l, u32be(3), body),
    );
  });
});
