// A request's lifecycle: its states and the one table of legal transitions. The server applies a
// transition only if this table allows it and the request is still in the state it was read in
// (compare-and-swap); anything else is CONFLICT and changes nothing. Clients use the same table
// to show what can happen next.
import { z } from 'zod';

export const REQUEST_STATES = [
  'open',
  'proposed',
  'approved',
  'active',
  'resolved',
  'closed',
  'cancelled',
  'expired',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const requestStateSchema = z.enum(REQUEST_STATES);

/**
 * Every legal transition, by the state it leaves. What is not listed is illegal.
 * - open: waiting for matching. → proposed (the engine proposed a volunteer to the moderators).
 * - proposed: a moderator decides. → approved, or back to open (rejected: match again).
 * - approved: the volunteer decides. → active (accepted), or back to open (declined, timed out).
 * - active: contact and volunteer talk. → resolved (helped) or closed (ended otherwise), or back
 *   to open (the contact declined the volunteer: match again).
 * - cancelled: by the contact, from any state before resolved (and not from another end).
 * - expired: an open or proposed request older than KOLOKOL_REQUEST_EXPIRY_HOURS.
 * - resolved, closed, cancelled, expired: ends; nothing leaves them.
 */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  open: ['proposed', 'cancelled', 'expired'],
  proposed: ['approved', 'open', 'cancelled', 'expired'],
  approved: ['active', 'open', 'cancelled'],
  active: ['resolved', 'closed', 'open', 'cancelled'],
  resolved: [],
  closed: [],
  cancelled: [],
  expired: [],
};

export function isLegalTransition(from: RequestState, to: RequestState): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

/** The states a request can reach `to` from, by the table. */
export function statesLeadingTo(to: RequestState): RequestState[] {
  return REQUEST_STATES.filter((from) => isLegalTransition(from, to));
}

/** A state nothing leaves: the request is over, and its sealed details are deleted. */
export function isEndState(state: RequestState): boolean {
  return REQUEST_TRANSITIONS[state].length === 0;
}

/**
 * States that count against a contact's limit of open requests (KOLOKOL_MAX_OPEN_REQUESTS): every
 * state that is not an end.
 */
export const LIVE_REQUEST_STATES: readonly RequestState[] = REQUEST_STATES.filter(
  (state) => !isEndState(state),
);

/** States the expiry applies to: nobody has taken the request up yet. */
export const EXPIRABLE_REQUEST_STATES: readonly RequestState[] = statesLeadingTo('expired');
