// Request details, offer notes, report notes and proposal decision notes are sealed under a
// context naming what they are about: the envelope opens only with the same request fields (in any
// order of the lists), the same volunteer, the same report, or the same decision, so a server that moves an envelope or edits the clear
// fields beside it is caught.
import { describe, expect, it } from 'vitest';
import {
  generateIdentity,
  offerNoteContext,
  openEnvelope,
  proposalNoteContext,
  reportNoteContext,
  requestDetailsContext,
  sealEnvelope,
  utf8,
  type ProposalNoteFields,
  type ReportFields,
  type RequestMatchingFields,
} from '../src/crypto/index.js';
import { NOW, holder, recipientOf } from './envelope-support.js';
import { reasonOf } from './reason-of.js';

const request: RequestMatchingFields = {
  clientId: 'cGxlYXNlLWhlbHAtbWUtMDE',
  skills: ['legal.military-law', 'safety.digital'],
  urgency: 'high',
  languages: ['ru', 'uk'],
  region: 'ru.volga',
};

describe('request details context', () => {
  const moderator = holder();
  const contact = generateIdentity();
  const details = utf8('Повестка пришла вчера');
  const envelope = sealEnvelope(details, contact, [recipientOf(moderator)], {
    context: requestDetailsContext(request),
    now: NOW,
  });
  const open = (fields: RequestMatchingFields) => () =>
    openEnvelope(envelope, moderator.store.openingKeys(), {
      context: requestDetailsContext(fields),
    });

  it('opens with the fields it was sealed with, whatever the order of the lists', () => {
    expect(reasonOf(open(request))).toBe('no error');
    const reordered = {
      ...request,
      skills: [...request.skills].reverse(),
      languages: ['uk', 'ru'],
    };
    expect(reasonOf(open(reordered))).toBe('no error');
  });

  it.each([
    ['another request (clientId)', { clientId: 'YW5vdGhlci1yZXF1ZXN0LTE' }],
    ['a skill changed', { skills: ['legal.military-law', 'care.medical'] }],
    ['a skill dropped', { skills: ['legal.military-law'] }],
    ['the urgency raised', { urgency: 'critical' }],
    ['a language added', { languages: ['ru', 'uk', 'en'] }],
    ['the region moved', { region: 'ru.central' }],
  ] as const)('does not open for %s', (_name, change) => {
    expect(reasonOf(open({ ...request, ...change }))).toBe('DECRYPT_FAILED');
  });
});

describe('offer note context', () => {
  it('binds the note to the volunteer it is about', () => {
    const moderator = holder();
    const volunteer = generateIdentity();
    const note = sealEnvelope(utf8('адвокат, 10 лет'), volunteer, [recipientOf(moderator)], {
      context: offerNoteContext('volunteerAccount000001'),
      now: NOW,
    });
    const keys = moderator.store.openingKeys();
    const context = (accountId: string) => ({ context: offerNoteContext(accountId) });
    expect(reasonOf(() => openEnvelope(note, keys, context('volunteerAccount000001')))).toBe(
      'no error',
    );
    expect(reasonOf(() => openEnvelope(note, keys, context('volunteerAccount000002')))).toBe(
      'DECRYPT_FAILED',
    );
  });
});

describe('report note context', () => {
  const report: ReportFields = {
    reporter: 'reporterAccount0000001',
    subject: 'subjectAccount00000001',
    reason: 'threat',
    request: 'cGxlYXNlLWhlbHAtbWUtMDE',
  };
  const moderator = holder();
  const note = sealEnvelope(
    utf8('угрожал по телефону'),
    generateIdentity(),
    [recipientOf(moderator)],
    {
      context: reportNoteContext(report),
      now: NOW,
    },
  );
  const open = (fields: ReportFields) => () =>
    openEnvelope(note, moderator.store.openingKeys(), { context: reportNoteContext(fields) });

  it('opens with the report it was sealed for', () => {
    expect(reasonOf(open(report))).toBe('no error');
  });

  it.each([
    ['another reporter', { reporter: 'reporterAccount0000002' }],
    ['another subject', { subject: 'subjectAccount00000002' }],
    ['the reporter and subject swapped', { reporter: report.subject, subject: report.reporter }],
    ['a graver reason', { reason: 'suspected_infiltrator' }],
    ['another request', { request: 'YW5vdGhlci1yZXF1ZXN0LTE' }],
    ['no request', { request: undefined }],
  ] as const)('does not open for %s', (_name, change) => {
    expect(reasonOf(open({ ...report, ...change }))).toBe('DECRYPT_FAILED');
  });
});

describe('proposal note context', () => {
  const decision: ProposalNoteFields = {
    proposal: 'cHJvcG9zYWwtMDAwMDAwMDE',
    request: 'cGxlYXNlLWhlbHAtbWUtMDE',
    volunteer: 'volunteerAccount000001',
    kind: 'reject',
  };
  const moderator = holder();
  const note = sealEnvelope(
    utf8('знаком с заявителем'),
    generateIdentity(),
    [recipientOf(moderator)],
    { context: proposalNoteContext(decision), now: NOW },
  );
  const open = (fields: ProposalNoteFields) => () =>
    openEnvelope(note, moderator.store.openingKeys(), { context: proposalNoteContext(fields) });

  it('opens with the decision it was sealed for', () => {
    expect(reasonOf(open(decision))).toBe('no error');
  });

  it.each([
    ['another proposal', { proposal: 'cHJvcG9zYWwtMDAwMDAwMDI' }],
    ['another request', { request: 'YW5vdGhlci1yZXF1ZXN0LTE' }],
    ['another volunteer', { volunteer: 'volunteerAccount000002' }],
    ['a re-proposal', { kind: 'repropose' }],
  ] as const)('does not open for %s', (_name, change) => {
    expect(reasonOf(open({ ...decision, ...change }))).toBe('DECRYPT_FAILED');
  });
});
