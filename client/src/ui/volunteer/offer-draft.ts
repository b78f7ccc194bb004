// The offer form's state and its checks, without DOM: skills with a level each, languages,
// regions, how many people at once, the weekly hours (weekly-hours.ts) and a pause. The checks are
// the protocol's limits (shared offers.ts), so a form the screen accepts is one the server takes.
import {
  MAX_OFFER_CAPACITY,
  MAX_OFFER_LANGUAGES,
  MAX_OFFER_NOTE_BYTES,
  MAX_OFFER_SKILLS,
  REGIONS,
  toBase64Url,
  type EventOutput,
  type RegionCode,
  type SkillCode,
  type SkillLevel,
} from '@kolokol/shared';
import { sealedEnvelopeLength, utf8 } from '@kolokol/shared/crypto';
import type { KolokolClient } from '@kolokol/client/core';
import { toggled } from '../flows/selection.js';
import type { Locale } from '../flows/locale.js';
import { blocksFromMask, maskFromBlocks, workingWeek } from './weekly-hours.js';

/** What `client.offers.put` takes: the offer, its note in plain text. */
export type NewOffer = Parameters<KolokolClient['offers']['put']>[0];

/** The offer as `offers.get` answers it (bytes decoded). */
export type StoredOffer = NonNullable<EventOutput<'offers.get'>['offer']>;

/** Whether the note, once sealed, fits the protocol's MAX_OFFER_NOTE_BYTES (4095 bytes of text). */
export function noteFits(note: string): boolean {
  try {
    return sealedEnvelopeLength(utf8(note).length) <= MAX_OFFER_NOTE_BYTES;
  } catch {
    return false; // larger than any envelope
  }
}

export interface OfferDraft {
  readonly skills: readonly { readonly code: SkillCode; readonly level: SkillLevel }[];
  readonly languages: readonly string[];
  readonly regions: readonly RegionCode[];
  readonly capacity: number;
  readonly utcOffsetMinutes: number;
  /** DAYS_PER_WEEK × BLOCKS_PER_DAY, in the volunteer's own time. */
  readonly blocks: readonly boolean[];
  readonly paused: boolean;
  /** A new note to the moderators, in plain text; empty keeps `keptNote`. */
  readonly note: string;
  /** The stored note, sealed to the moderators (this device cannot open it): kept unless replaced. */
  readonly keptNote: Uint8Array | null;
}

/** Why a draft cannot be saved yet; each is a catalogue key under `offer.problem.`. */
export type OfferProblem =
  | 'no-skill'
  | 'too-many-skills'
  | 'no-language'
  | 'too-many-languages'
  | 'no-region'
  | 'capacity'
  | 'no-hours'
  | 'note-too-long';

/** The form for a stored offer, or a first one in the volunteer's language and time zone. */
export function offerDraft(
  stored: StoredOffer | null,
  locale: Locale,
  utcOffsetMinutes: number,
): OfferDraft {
  if (stored === null) {
    return {
      skills: [],
      languages: [locale],
      regions: [],
      capacity: 2,
      utcOffsetMinutes,
      blocks: workingWeek(),
      paused: false,
      note: '',
      keptNote: null,
    };
  }
  return {
    skills: stored.skills.map(({ code, level }) => ({ code, level })),
    languages: [...stored.languages],
    regions: [...stored.regions],
    capacity: stored.capacity,
    utcOffsetMinutes: stored.utcOffsetMinutes,
    blocks: blocksFromMask(stored.availability, stored.utcOffsetMinutes),
    paused: stored.paused,
    note: '',
    keptNote: stored.note,
  };
}

/** Adds a skill at level 1, or removes it. */
export function toggleOfferSkill(draft: OfferDraft, code: SkillCode): OfferDraft {
  const has = draft.skills.some((skill) => skill.code === code);
  if (has) return { ...draft, skills: draft.skills.filter((skill) => skill.code !== code) };
  if (draft.skills.length >= MAX_OFFER_SKILLS) return draft;
  return { ...draft, skills: [...draft.skills, { code, level: 1 }] };
}

export function setSkillLevel(draft: OfferDraft, code: SkillCode, level: SkillLevel): OfferDraft {
  return {
    ...draft,
    skills: draft.skills.map((skill) => (skill.code === code ? { code, level } : skill)),
  };
}

export function toggleOfferLanguage(draft: OfferDraft, language: string): OfferDraft {
  return { ...draft, languages: toggled(draft.languages, language, MAX_OFFER_LANGUAGES) };
}

export function toggleOfferRegion(draft: OfferDraft, region: RegionCode): OfferDraft {
  return { ...draft, regions: toggled(draft.regions, region, REGIONS.length) };
}

export function toggleBlock(draft: OfferDraft, index: number): OfferDraft {
  return { ...draft, blocks: draft.blocks.map((on, at) => (at === index ? !on : on)) };
}

export function offerProblems(draft: OfferDraft): OfferProblem[] {
  const problems: OfferProblem[] = [];
  if (draft.skills.length === 0) problems.push('no-skill');
  if (draft.skills.length > MAX_OFFER_SKILLS) problems.push('too-many-skills');
  if (draft.languages.length === 0) problems.push('no-language');
  if (draft.languages.length > MAX_OFFER_LANGUAGES) problems.push('too-many-languages');
  if (draft.regions.length === 0) problems.push('no-region');
  if (
    !Number.isInteger(draft.capacity) ||
    draft.capacity < 1 ||
    draft.capacity > MAX_OFFER_CAPACITY
  ) {
    problems.push('capacity');
  }
  if (!draft.blocks.some(Boolean)) problems.push('no-hours');
  if (!noteFits(draft.note)) problems.push('note-too-long');
  return problems;
}

/**
 * What saving the draft sends: the offer with a new note in plain text (the core seals it), or
 * with the stored sealed note kept as it is (`offers.put` replaces the whole offer, so leaving it
 * out would delete it); or the problems that stop it.
 */
export function toNewOffer(
  draft: OfferDraft,
):
  { ok: true; offer: NewOffer; keptNote: string | null } | { ok: false; problems: OfferProblem[] } {
  const problems = offerProblems(draft);
  if (problems.length > 0) return { ok: false, problems };
  const note = draft.note.trim();
  return {
    ok: true,
    offer: {
      skills: draft.skills.map((skill) => ({ ...skill })),
      languages: [...draft.languages],
      regions: [...draft.regions],
      utcOffsetMinutes: draft.utcOffsetMinutes,
      availability: toBase64Url(maskFromBlocks(draft.blocks, draft.utcOffsetMinutes)),
      capacity: draft.capacity,
      paused: draft.paused,
      ...(note === '' ? {} : { note }),
    },
    keptNote: note === '' && draft.keptNote !== null ? toBase64Url(draft.keptNote) : null,
  };
}
