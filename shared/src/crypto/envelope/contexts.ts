// What a sealed request's details and a volunteer's note are about, bound into the envelope as
// its `context` (crypto.md §6.5). A moderator's client rebuilds the context from what the server
// shows beside the envelope; if the server moved an envelope to another request or volunteer, or
// changed the request's skills, urgency, languages or region, the envelope no longer opens.
import type { RegionCode } from '../../skills/regions.js';
import type { SkillCode } from '../../skills/taxonomy.js';
import type { Urgency } from '../../protocol/requests.js';
import { transcript, utf8 } from '../primitives/bytes.js';
import { label } from '../primitives/format.js';

/** The fields of a request the server sees in the clear, as the contact sent them. */
export interface RequestMatchingFields {
  /** The request's clientId, chosen by the contact's client before sealing. */
  readonly clientId: string;
  readonly skills: readonly SkillCode[];
  readonly urgency: Urgency;
  readonly languages: readonly string[];
  readonly region: RegionCode;
}

/** Sorted and joined: the order a list was sent in carries no meaning, so it binds none. */
function listField(items: readonly string[]): Uint8Array {
  return utf8([...items].sort().join(','));
}

/**
 * The context to seal (and open) a request's details with:
 * transcript("kolokol/v1/request/details", clientId, skills, urgency, languages, region), each
 * list sorted and comma-joined.
 */
export function requestDetailsContext(request: RequestMatchingFields): Uint8Array {
  return transcript(
    label('request/details'),
    utf8(request.clientId),
    listField(request.skills),
    utf8(request.urgency),
    listField(request.languages),
    utf8(request.region),
  );
}

/** The context to seal (and open) a volunteer's offer note with: transcript(label, accountId). */
export function offerNoteContext(accountId: string): Uint8Array {
  return transcript(label('offer/note'), utf8(accountId));
}
