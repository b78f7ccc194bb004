// The offer, request and report payloads: the size caps on sealed notes and details are the sizes of real
// sealed envelopes, availability is 168 bits in the documented order, and the schemas refuse what
// the docs say they refuse.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../src/encoding/base64url.js';
import {
  MAX_OFFER_NOTE_BYTES,
  MAX_PROPOSAL_NOTE_BYTES,
  MAX_REPORT_NOTE_BYTES,
  MAX_REQUEST_DETAILS_BYTES,
  offerSchema,
  reportsCreateSchema,
  reportsListSchema,
  requestsCreateSchema,
  type OfferInput,
  type RequestsCreateInput,
} from '../src/protocol/index.js';
import {
  AVAILABILITY_BYTES,
  HOURS_PER_WEEK,
  availabilityMask,
  availableHours,
  hourOfWeek,
  isAvailableAt,
} from '../src/skills/availability.js';
import { sealedEnvelopeLength } from '../src/crypto/index.js';

const offer: OfferInput = {
  skills: [{ code: 'safety.digital', level: 3 }],
  languages: ['ru', 'en'],
  regions: ['ru.central', 'abroad.europe'],
  utcOffsetMinutes: 60,
  availability: toBase64Url(availabilityMask([0, 167])),
  capacity: 3,
  paused: false,
};

const request: RequestsCreateInput = {
  clientId: 'AAAAAAAAAAAAAAAAAAAAAA',
  skills: ['legal.military-law'],
  urgency: 'high',
  languages: ['ru'],
  region: 'ru.volga',
  details: toBase64Url(new Uint8Array(100)),
};

describe('sizes of sealed notes and details', () => {
  it('are the sizes of sealed envelopes of 4 KiB and 16 KiB buckets', () => {
    expect(MAX_OFFER_NOTE_BYTES).toBe(sealedEnvelopeLength(4095));
    expect(MAX_REPORT_NOTE_BYTES).toBe(sealedEnvelopeLength(4095));
    expect(MAX_PROPOSAL_NOTE_BYTES).toBe(sealedEnvelopeLength(4095));
    expect(MAX_REQUEST_DETAILS_BYTES).toBe(sealedEnvelopeLength(16383));
  });
});

describe('availability', () => {
  it('is 168 bits, hour h of the week at bit h mod 8 of byte h / 8', () => {
    expect(AVAILABILITY_BYTES * 8).toBe(HOURS_PER_WEEK);
    const mask = availabilityMask([0, 9, 167]);
    expect([...mask.slice(0, 2)]).toEqual([0b0000_0001, 0b0000_0010]);
    expect(mask[20]).toBe(0b1000_0000);
    expect(availableHours(mask)).toEqual([0, 9, 167]);
    expect(isAvailableAt(mask, 9)).toBe(true);
    expect(isAvailableAt(mask, 10)).toBe(false);
    expect(() => availabilityMask([168])).toThrow(RangeError);
  });

  it('counts the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(Date.UTC(2025, 0, 6, 0, 30))).toBe(0); // a Monday
    expect(hourOfWeek(Date.UTC(2025, 0, 7, 9))).toBe(33); // Tuesday 09:00
    expect(hourOfWeek(Date.UTC(2025, 0, 12, 23, 59))).toBe(167); // Sunday 23:59
  });
});

describe('offer schema', () => {
  it('accepts a well-formed offer', () => {
    expect(offerSchema.safeParse(offer).success).toBe(true);
  });

  it.each([
    ['no skill', { skills: [] }],
    ['a skill twice', { skills: [offer.skills[0], { code: 'safety.digital', level: 1 }] }],
    ['an unknown skill', { skills: [{ code: 'safety.hacking', level: 1 }] }],
    ['level 4', { skills: [{ code: 'safety.digital', level: 4 }] }],
    ['a language twice', { languages: ['ru', 'ru'] }],
    ['a language that is not ISO 639-1', { languages: ['rus'] }],
    ['an unknown region', { regions: ['ru.moscow'] }],
    ['an offset past UTC+14', { utcOffsetMinutes: 900 }],
    ['an offset off the quarter hour', { utcOffsetMinutes: 61 }],
    ['no hour of the week', { availability: toBase64Url(new Uint8Array(AVAILABILITY_BYTES)) }],
    ['availability of 20 bytes', { availability: toBase64Url(new Uint8Array(20).fill(1)) }],
    ['capacity 0', { capacity: 0 }],
    ['capacity 21', { capacity: 21 }],
    ['a note too large', { note: toBase64Url(new Uint8Array(MAX_OFFER_NOTE_BYTES + 1)) }],
    ['an unknown field', { city: 'Kazan' }],
  ])('refuses %s', (_name, change) => {
    expect(offerSchema.safeParse({ ...offer, ...change }).success).toBe(false);
  });
});

describe('request schema', () => {
  it('accepts a well-formed request', () => {
    expect(requestsCreateSchema.safeParse(request).success).toBe(true);
  });

  it.each([
    ['no skill', { skills: [] }],
    [
      'four skills',
      { skills: ['legal.military-law', 'safety.digital', 'care.medical', 'words.translation'] },
    ],
    ['a skill twice', { skills: ['safety.digital', 'safety.digital'] }],
    ['an unknown urgency', { urgency: 'urgent' }],
    ['six languages', { languages: ['ru', 'en', 'uk', 'de', 'fr', 'ka'] }],
    ['a region that is a city', { region: 'ru.kazan' }],
    ['details too large', { details: toBase64Url(new Uint8Array(MAX_REQUEST_DETAILS_BYTES + 1)) }],
    ['no clientId', { clientId: undefined }],
    ['an unknown field', { city: 'Kazan' }],
  ])('refuses %s', (_name, change) => {
    expect(requestsCreateSchema.safeParse({ ...request, ...change }).success).toBe(false);
  });
});

describe('reportsCreateSchema', () => {
  const valid = { subject: 'c3ViamVjdC1hY2NvdW50MDE', reason: 'harassment' };

  it('accepts a report with or without a request and a note', () => {
    expect(reportsCreateSchema.safeParse(valid).success).toBe(true);
    const full = {
      ...valid,
      request: 'cGxlYXNlLWhlbHAtbWUtMDE',
      note: toBase64Url(new Uint8Array(MAX_REPORT_NOTE_BYTES)),
    };
    expect(reportsCreateSchema.safeParse(full).success).toBe(true);
  });

  it.each([
    ['no subject', { subject: undefined }],
    ['a subject that is no id', { subject: 'me' }],
    ['an unknown reason', { reason: 'rude' }],
    ['a note too large', { note: toBase64Url(new Uint8Array(MAX_REPORT_NOTE_BYTES + 1)) }],
    ['an empty note', { note: '' }],
    ['an unknown field', { reporter: 'c3ViamVjdC1hY2NvdW50MDE' }],
  ])('refuses %s', (_name, change) => {
    expect(reportsCreateSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('takes a page cursor for reports.list, and nothing else', () => {
    const after = { createdAt: 5, id: 'c3ViamVjdC1hY2NvdW50MDE' };
    expect(reportsListSchema.safeParse({}).success).toBe(true);
    expect(reportsListSchema.safeParse({ after }).success).toBe(true);
    expect(reportsListSchema.safeParse({ after: { ...after, createdAt: -1 } }).success).toBe(false);
    expect(reportsListSchema.safeParse({ after: { ...after, extra: 1 } }).success).toBe(false);
    expect(reportsListSchema.safeParse({ limit: 1000 }).success).toBe(false);
  });
});
