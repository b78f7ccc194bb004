// Request details and offer notes are sealed under a context naming what they are about: the
// envelope opens only with the same request fields (in any order of the lists) or the same
// volunteer, so a server that moves an envelope or edits a request's clear fields is caught.
import { describe, expect, it } from 'vitest';
import {
  generateIdentity,
  offerNoteContext,
  openEnvelope,
  requestDetailsContext,
  sealEnvelope,
  utf8,
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
