// What a live match is in SQL, and the statement that keeps conversations in step with it: an open
// conversation between a contact and a volunteer exists only while the channel policy allows it
// (a live match between the two, neither suspended). The proposal writes run it inside their
// transaction (a match that stops being live closes the pair's conversation in the same write);
// housekeeping runs it over every account as a sweep.
import type Database from 'better-sqlite3';
import type { ConversationRecord } from '../ports.js';
import { CONVERSATION_COLUMNS, toConversation, type ConversationRow } from './conversations.js';

/**
 * SQL true when proposal `p` (a table alias) is a live match: accepted, its request active, and no
 * 'blocked' bar between its two sides (a block ends every match of the pair, even one the block's
 * write did not name).
 */
export function liveProposalSql(p: string): string {
  return `${p}.state = 'accepted'
    AND EXISTS (SELECT 1 FROM requests WHERE requests.id = ${p}.request_id AND requests.state = 'active')
    AND NOT EXISTS (SELECT 1 FROM pair_bars
                    WHERE pair_bars.contact_id = ${p}.contact_id
                      AND pair_bars.volunteer_id = ${p}.volunteer_id
                      AND pair_bars.reason = 'blocked')`;
}

/** SQL true when a live match joins contact `contact` and volunteer `volunteer` (expressions). */
export function liveMatchSql(contact: string, volunteer: string): string {
  return `EXISTS (SELECT 1 FROM proposals live
    WHERE live.contact_id = ${contact} AND live.volunteer_id = ${volunteer}
      AND ${liveProposalSql('live')})`;
}

/**
 * The open contact↔volunteer conversations the policy no longer allows, among those `scope`
 * (a condition on `c`) selects. Staff conversations are never selected: one side is staff.
 */
function unmatchedSql(scope: string): string {
  return `UPDATE conversations SET closed_at = :at
    WHERE id IN (
      SELECT c.id FROM conversations c
      JOIN accounts a ON a.id = c.first_id
      JOIN accounts b ON b.id = c.second_id
      WHERE c.closed_at IS NULL AND (${scope})
        AND ((a.role = 'contact' AND b.role = 'volunteer')
             OR (a.role = 'volunteer' AND b.role = 'contact'))
        AND (a.suspended_at IS NOT NULL OR b.suspended_at IS NOT NULL
             OR NOT (${liveMatchSql('c.first_id', 'c.second_id')})
                 AND NOT (${liveMatchSql('c.second_id', 'c.first_id')}))
      ORDER BY c.created_at, c.id
      LIMIT :limit)
    RETURNING ${CONVERSATION_COLUMNS}`;
}

export interface UnmatchedClosing {
  readonly at: number;
  /** Only conversations of these accounts; every account when absent. */
  readonly accounts?: readonly string[];
  readonly limit: number;
}

/**
 * Closes the open contact↔volunteer conversations without a live match (see unmatchedSql), with
 * plain statements: the caller runs it inside its own transaction.
 */
export function prepareUnmatchedClosing(
  db: Database.Database,
): (options: UnmatchedClosing) => ConversationRecord[] {
  const ofAccounts = db.prepare<{ at: number; accounts: string; limit: number }, ConversationRow>(
    // A union of two index searches (first_id leads the open-pair index, second_id has its own),
    // so the write that ends one match reads the two accounts' conversations, not everyone's.
    unmatchedSql(
      `c.id IN (SELECT id FROM conversations
                WHERE first_id IN (SELECT value FROM json_each(:accounts)) AND closed_at IS NULL
                UNION
                SELECT id FROM conversations
                WHERE second_id IN (SELECT value FROM json_each(:accounts)))`,
    ),
  );
  const everywhere = db.prepare<{ at: number; limit: number }, ConversationRow>(unmatchedSql('1'));
  return ({ at, accounts, limit }) =>
    (accounts === undefined
      ? everywhere.all({ at, limit })
      : ofAccounts.all({ at, accounts: JSON.stringify(accounts), limit })
    ).map(toConversation);
}
