// The request form's state and its checks, without DOM: what a contact picks (1–3 skills, how
// urgent, languages, one coarse region) and the details the core seals to the moderators. The
// checks are the protocol's own limits, so a form the screen accepts is one the server accepts.
import {
  MAX_REQUEST_DETAILS_BYTES,
  MAX_REQUEST_LANGUAGES,
  MAX_REQUEST_SKILLS,
  type RegionCode,
  type SkillCode,
  type Urgency,
} from '@kolokol/shared';
import { sealedEnvelopeLength, utf8 } from '@kolokol/shared/crypto';
import type { KolokolClient } from '@kolokol/client/core';
import type { Locale } from '../flows/locale.js';
import { toggled } from '../flows/selection.js';

/** What `client.requests.create` takes: the fields in the clear and the details in plain text. */
export type NewRequest = Parameters<KolokolClient['requests']['create']>[0];

export interface RequestDraft {
  readonly skills: readonly SkillCode[];
  readonly urgency: Urgency;
  readonly languages: readonly string[];
  readonly region: RegionCode | null;
  readonly details: string;
}

/** Why a draft cannot be sent yet; each is a catalogue key under `request.problem.`. */
export type RequestProblem =
  | 'no-skill'
  | 'too-many-skills'
  | 'no-language'
  | 'too-many-languages'
  | 'no-region'
  | 'details-too-long';

/** A fresh form: nothing chosen, normal urgency, the language the person reads the app in. */
export function emptyRequestDraft(locale: Locale): RequestDraft {
  return { skills: [], urgency: 'normal', languages: [locale], region: null, details: '' };
}

export function toggleRequestSkill(draft: RequestDraft, skill: SkillCode): RequestDraft {
  return { ...draft, skills: toggled(draft.skills, skill, MAX_REQUEST_SKILLS) };
}

export function toggleRequestLanguage(draft: RequestDraft, language: string): RequestDraft {
  return { ...draft, languages: toggled(draft.languages, language, MAX_REQUEST_LANGUAGES) };
}

/** Whether the details fit the sealed envelope the protocol allows (about 8 000 Cyrillic letters). */
export function detailsFit(details: string): boolean {
  try {
    return sealedEnvelopeLength(utf8(details).length) <= MAX_REQUEST_DETAILS_BYTES;
  } catch {
    return false; // larger than any envelope
  }
}

/** Everything that stops the draft from being sent, in the order the form shows its fields. */
export function requestProblems(draft: RequestDraft): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (draft.skills.length === 0) problems.push('no-skill');
  if (draft.skills.length > MAX_REQUEST_SKILLS) problems.push('too-many-skills');
  if (draft.languages.length === 0) problems.push('no-language');
  if (draft.languages.length > MAX_REQUEST_LANGUAGES) problems.push('too-many-languages');
  if (draft.region === null) problems.push('no-region');
  if (!detailsFit(draft.details)) problems.push('details-too-long');
  return problems;
}

/** The request to create, or the problems that stop it. */
export function toNewRequest(
  draft: RequestDraft,
): { ok: true; request: NewRequest } | { ok: false; problems: RequestProblem[] } {
  const problems = requestProblems(draft);
  if (problems.length > 0 || draft.region === null) return { ok: false, problems };
  return {
    ok: true,
    request: {
      skills: [...draft.skills],
      urgency: draft.urgency,
      languages: [...draft.languages],
      region: draft.region,
      details: draft.details.trim(),
    },
  };
}
