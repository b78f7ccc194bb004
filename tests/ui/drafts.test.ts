// The request and offer forms' checks, without DOM: what they accept is what the protocol's
// schemas accept (the same limits), and what they refuse says why in a catalogue key.
import { describe, expect, it } from 'vitest';
import {
  MAX_OFFER_CAPACITY,
  MAX_REQUEST_SKILLS,
  SKILL_CODES,
  offerSchema,
  requestsCreateSchema,
  toBase64Url,
} from '@kolokol/shared';
import {
  detailsFit,
  emptyRequestDraft,
  toNewRequest,
  toggleRequestLanguage,
  toggleRequestSkill,
} from '../../client/src/ui/contact/request-draft.js';
import {
  offerDraft,
  setSkillLevel,
  toNewOffer,
  toggleBlock,
  toggleOfferRegion,
  toggleOfferSkill,
  type StoredOffer,
} from '../../client/src/ui/volunteer/offer-draft.js';

describe('the request form', () => {
  it('refuses an empty draft with every reason, and accepts a filled one the schema accepts', () => {
    const empty = emptyRequestDraft('ru');
    expect(empty.languages).toEqual(['ru']);
    expect(toNewRequest(toggleRequestLanguage(empty, 'ru'))).toEqual({
      ok: false,
      problems: ['no-skill', 'no-language', 'no-region'],
    });
    const filled = {
      ...toggleRequestSkill(empty, 'legal.military-law'),
      region: 'ru.volga' as const,
      details: '  Повестка пришла вчера.  ',
    };
    const made = toNewRequest(filled);
    if (!made.ok) throw new Error(made.problems.join());
    expect(made.request.details).toBe('Повестка пришла вчера.');
    const { details: _plain, ...fields } = made.request;
    const parsed = requestsCreateSchema.safeParse({
      ...fields,
      clientId: toBase64Url(new Uint8Array(16)),
      details: toBase64Url(new Uint8Array(64)),
    });
    expect(parsed.success).toBe(true);
  });

  it('never lets more than the protocol’s skills be picked, and toggles one off again', () => {
    let draft = emptyRequestDraft('en');
    for (const code of SKILL_CODES) draft = toggleRequestSkill(draft, code);
    expect(draft.skills).toEqual(SKILL_CODES.slice(0, MAX_REQUEST_SKILLS));
    draft = toggleRequestSkill(draft, SKILL_CODES[0]);
    expect(draft.skills).toEqual(SKILL_CODES.slice(1, MAX_REQUEST_SKILLS));
  });

  it('measures the details as the sealed envelope will be: 16 383 bytes fit, one more does not', () => {
    expect(detailsFit('я'.repeat(8191) + 'a')).toBe(true); // 16 383 bytes
    expect(detailsFit('я'.repeat(8192))).toBe(false); // 16 384 bytes
    const draft = {
      ...toggleRequestSkill(emptyRequestDraft('ru'), 'care.medical'),
      region: 'ru.urals' as const,
      details: 'я'.repeat(8192),
    };
    expect(toNewRequest(draft)).toEqual({ ok: false, problems: ['details-too-long'] });
  });
});

describe('the offer form', () => {
  it('makes a first offer the offer schema accepts, in the volunteer’s time zone', () => {
    let draft = offerDraft(null, 'en', 180);
    expect(toNewOffer(draft)).toEqual({ ok: false, problems: ['no-skill', 'no-region'] });
    draft = toggleOfferSkill(draft, 'safety.digital');
    draft = setSkillLevel(draft, 'safety.digital', 3);
    draft = toggleOfferRegion(draft, 'abroad.europe');
    const made = toNewOffer(draft);
    if (!made.ok) throw new Error(made.problems.join());
    expect(made.keptNote).toBeNull();
    expect(made.offer.note).toBeUndefined();
    const parsed = offerSchema.parse(made.offer);
    expect(parsed.skills).toEqual([{ code: 'safety.digital', level: 3 }]);
    expect(parsed.utcOffsetMinutes).toBe(180);
  });

  it('reads a stored offer back and keeps its sealed note unless a new one is written', () => {
    const note = new Uint8Array([1, 2, 3, 4]);
    const first = toNewOffer(
      toggleOfferRegion(
        toggleOfferSkill(offerDraft(null, 'ru', -300), 'words.translation'),
        'ru.south',
      ),
    );
    if (!first.ok) throw new Error('first offer refused');
    const stored: StoredOffer = {
      ...offerSchema.parse(first.offer),
      accountId: toBase64Url(new Uint8Array(16)),
      note,
      updatedAt: 1,
    };
    const draft = offerDraft(stored, 'ru', 0);
    expect(draft.utcOffsetMinutes).toBe(-300); // the stored zone, not this device's
    const again = toNewOffer(draft);
    if (!again.ok) throw new Error('stored offer refused');
    expect(again.offer.availability).toBe(first.offer.availability);
    expect(again.keptNote).toBe(toBase64Url(note));
    const rewritten = toNewOffer({ ...draft, note: 'Новая заметка' });
    if (!rewritten.ok) throw new Error('rewritten offer refused');
    expect([rewritten.offer.note, rewritten.keptNote]).toEqual(['Новая заметка', null]);
  });

  it('refuses no hours, a capacity outside the protocol’s and a note too long to seal', () => {
    let draft = toggleOfferRegion(
      toggleOfferSkill(offerDraft(null, 'ru', 0), 'care.medical'),
      'ru.central',
    );
    draft.blocks.forEach((on, index) => {
      if (on) draft = toggleBlock(draft, index);
    });
    const refused = toNewOffer({
      ...draft,
      capacity: MAX_OFFER_CAPACITY + 1,
      note: 'я'.repeat(2048),
    });
    expect(refused).toEqual({ ok: false, problems: ['capacity', 'no-hours', 'note-too-long'] });
    expect(toNewOffer({ ...toggleBlock(draft, 0), capacity: MAX_OFFER_CAPACITY }).ok).toBe(true);
  });
});
