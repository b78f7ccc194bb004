// The lifecycle table is the one source of which state may follow which: exactly the transitions
// the issue names are legal, every other pair is not, and the derived sets (ends, live states,
// what expiry applies to) follow from it.
import { describe, expect, it } from 'vitest';
import {
  EXPIRABLE_REQUEST_STATES,
  LIVE_REQUEST_STATES,
  REQUEST_STATES,
  isEndState,
  isLegalTransition,
  statesLeadingTo,
  type RequestState,
} from '../src/protocol/request-lifecycle.js';

/** The lifecycle, written out pair by pair (a second reading, not the table itself). */
const LEGAL: ReadonlySet<string> = new Set([
  'open→proposed',
  'proposed→approved',
  'approved→active',
  'active→resolved',
  'active→closed',
  // Back to matching: rejected by a moderator, declined or timed out by the volunteer, or the
  // contact declined the volunteer after acceptance.
  'proposed→open',
  'approved→open',
  'active→open',
  // Cancelled by the contact at any time before resolved (and not after another end).
  'open→cancelled',
  'proposed→cancelled',
  'approved→cancelled',
  'active→cancelled',
  // Expired: nobody took it up in time.
  'open→expired',
  'proposed→expired',
]);

const pairs: [RequestState, RequestState][] = REQUEST_STATES.flatMap((from) =>
  REQUEST_STATES.map((to) => [from, to] as [RequestState, RequestState]),
);

describe('request lifecycle', () => {
  it.each(pairs)('%s → %s is legal exactly when the issue says so', (from, to) => {
    expect(isLegalTransition(from, to)).toBe(LEGAL.has(`${from}→${to}`));
  });

  it('has four ends that nothing leaves, and no state that leads to itself', () => {
    expect(REQUEST_STATES.filter(isEndState)).toEqual([
      'resolved',
      'closed',
      'cancelled',
      'expired',
    ]);
    for (const state of REQUEST_STATES) expect(isLegalTransition(state, state)).toBe(false);
  });

  it('counts every state before an end as live, and expires only what nobody took up', () => {
    expect(LIVE_REQUEST_STATES).toEqual(['open', 'proposed', 'approved', 'active']);
    expect(EXPIRABLE_REQUEST_STATES).toEqual(['open', 'proposed']);
    expect(statesLeadingTo('cancelled')).toEqual(['open', 'proposed', 'approved', 'active']);
    expect(statesLeadingTo('open')).toEqual(['proposed', 'approved', 'active']);
  });
});
