// What a sealed request's details, a volunteer's note, an abuse report's note and a moderator's
// note on a rejection or re-proposal are about, bound into the envelope as
// its `context` (crypto.md §6.5). A moderator's client rebuilds the context from what the server
// shows beside the envelope; if the server moved an envelope to another request or volunteer, or
// changed the request's skills, urgency, languages or region, the envelope no longer opens.
import type { RegionCode } from '../../skills/regions.js';
import type { SkillCode } from '../../skills/taxonomy.js';
import type { ReportReason } from '../../protocol/reports.js';
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

/** The fields of an abuse report the server sees in the clear, as the reporter sent them. */
export interface ReportFields {
  /** The reporter's own account id. */
  readonly reporter: string;
  /** The reported account. */
  readonly subject: string;
  readonly reason: ReportReason;
  /** The request the report concerns, if any. */
  readonly request?: string;
  /** The conversation the report concerns, if any. */
  readonly conversation?: string;
}

/**
 * The context to seal (and open) an abuse report's note with:
 * transcript("kolokol/v1/report/note", reporter, subject, reason, request or empty), and the
 * conversation as one more element when the report names one (so a report without one keeps
 * the context it always had).
 */
export function reportNoteContext(report: ReportFields): Uint8Array {
  const fields = [
    utf8(report.reporter),
    utf8(report.subject),
    utf8(report.reason),
    utf8(report.request ?? ''),
  ];
  if (report.conversation !== undefined) fields.push(utf8(report.conversation));
  return transcript(label('report/note'), ...fields);
}

/** The fields of a moderator's decision on a proposal that its sealed note is about. */
export interface ProposalNoteFields {
  /** The proposal decided (rejected, or replaced by a re-proposal). */
  readonly proposal: string;
  readonly request: string;
  /** The proposal's volunteer: the one turned down. */
  readonly volunteer: string;
  readonly kind: 'reject' | 'repropose';
}

/**
 * The context to seal (and open) a moderator's note on a rejection or re-proposal with:
 * transcript("kolokol/v1/proposal/note", proposal, request, volunteer, kind).
 */
export function proposalNoteContext(decision: ProposalNoteFields): Uint8Array {
  return transcript(
    label('proposal/note'),
    utf8(decision.proposal),
    utf8(decision.request),
    utf8(decision.volunteer),
    utf8(decision.kind),
  );
}
