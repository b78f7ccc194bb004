// ProposalStore on SQLite: proposals and pair bars. A ProposalChange — the proposal's
// compare-and-swap, a new proposal, the request's compare-and-swap (perhaps with re-wrapped
// details), a bar — is applied by prepareProposalWrites inside one transaction: on its own here,
// or inside the audit append with the moderator's decision that authorises it.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AUDIT_REASONS } from '@kolokol/shared/crypto';
import { PAIR_BAR_REASONS, proposalStateSchema, type ProposalState } from '@kolokol/shared';
import type {
  ConversationRecord,
  DecidedProposal,
  PairBar,
  ProposalChange,
  ProposalChangeOutcome,
  ProposalRecord,
  ProposalStore,
  RequestRecord,
} from '../ports.js';
import { isUniqueViolation, settle, toPlainBytes } from './codec.js';
import { fromColumn, fromJsonList } from './json-codes.js';
import { REQUEST_COLUMNS, toRequest, type RequestRow } from './request-rows.js';
import {
  liveMatchSql,
  liveProposalSql,
  prepareUnmatchedClosing,
} from './unmatched-conversations.js';

/**
 * Conversations one match-ending write closes at most: the pair's own, and any other of the two
 * accounts left without a live match (housekeeping's sweep closes whatever is left over).
 */
const CLOSED_PER_PROPOSAL_WRITE = 16;

interface ProposalRow {
  readonly id: string;
  readonly request_id: string;
  readonly volunteer_id: string;
  readonly contact_id: string;
  readonly score: number;
  readonly reasons: string;
  readonly alternatives: string;
  readonly state: string;
  readonly approvals: string;
  readonly created_at: number;
  readonly decided_at: number | null;
  readonly offered_until: number | null;
  readonly updated_at: number;
}

interface DecidedRow {
  readonly id: string;
  readonly volunteer_id: string;
  readonly state: string;
  readonly decided_at: number;
  readonly decided_by: string | null;
  readonly decision_seq: number | null;
  readonly decision_reason: string | null;
  readonly note: Uint8Array | null;
}

interface BarRow {
  readonly contact_id: string;
  readonly volunteer_id: string;
  readonly reason: string;
  readonly at: number;
}

const COLUMNS =
  'id, request_id, volunteer_id, contact_id, score, reasons, alternatives, state, approvals, ' +
  'created_at, decided_at, offered_until, updated_at';

const reasonSchema = z.record(z.string(), z.unknown());
const alternativeSchema = z.object({
  volunteerId: z.string(),
  score: z.number(),
  reasons: z.array(reasonSchema),
});
const approvalSchema = z.object({ moderatorId: z.string(), seq: z.number().int() });
const barReasonSchema = z.enum(PAIR_BAR_REASONS);
const decidedStateSchema = z.enum(['rejected', 'replaced']);
const decisionReasonSchema = z.enum(AUDIT_REASONS);

function toDecided(row: DecidedRow): DecidedProposal {
  return {
    id: row.id,
    volunteerId: row.volunteer_id,
    state: fromColumn(row.state, decidedStateSchema, 'decided proposal state'),
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    seq: row.decision_seq,
    reason:
      row.decision_reason === null
        ? null
        : fromColumn(row.decision_reason, decisionReasonSchema, 'decision reason'),
    note: row.note === null ? null : toPlainBytes(row.note),
  };
}

function toProposal(row: ProposalRow): ProposalRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    volunteerId: row.volunteer_id,
    contactId: row.contact_id,
    score: row.score,
    reasons: fromJsonList(row.reasons, reasonSchema, 'proposal reasons'),
    alternatives: fromJsonList(row.alternatives, alternativeSchema, 'proposal alternatives'),
    state: fromColumn(row.state, proposalStateSchema, 'proposal state'),
    approvals: fromJsonList(row.approvals, approvalSchema, 'proposal approvals'),
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    offeredUntil: row.offered_until,
    updatedAt: row.updated_at,
  };
}

function toBar(row: BarRow): PairBar {
  return {
    contactId: row.contact_id,
    volunteerId: row.volunteer_id,
    reason: fromColumn(row.reason, barReasonSchema, 'bar reason'),
    at: row.at,
  };
}

/** Thrown inside a transaction to roll a ProposalChange back. */
export class ProposalConflict extends Error {
  constructor() {
    super('proposal change conflict');
  }
}

/**
 * Applies a ProposalChange with plain statements; the caller runs it inside its transaction and
 * rolls back on ProposalConflict (a compare-and-swap that failed, a pair proposed before).
 */
export function prepareProposalWrites(
  db: Database.Database,
): (change: ProposalChange) => Extract<ProposalChangeOutcome, { kind: 'applied' }> {
  const update = db.prepare<
    {
      id: string;
      from: string;
      to: string;
      at: number;
      approvals: string | null;
      decided: number | null;
      offered: number | null;
      setOffered: 0 | 1;
      decidedBy: string | null;
      seq: number | null;
      reason: string | null;
      note: Uint8Array | null;
    },
    ProposalRow
  >(
    `UPDATE proposals
     SET state = :to, updated_at = :at,
         approvals = coalesce(:approvals, approvals),
         decided_at = coalesce(:decided, decided_at),
         offered_until = iif(:setOffered = 1, :offered, offered_until),
         decided_by = coalesce(:decidedBy, decided_by),
         decision_seq = coalesce(:seq, decision_seq),
         decision_reason = coalesce(:reason, decision_reason),
         note = coalesce(:note, note)
     WHERE id = :id AND state IN (SELECT value FROM json_each(:from))
     RETURNING ${COLUMNS}`,
  );
  const insert = db.prepare<
    [string, string, string, string, number, string, string, number, number],
    ProposalRow
  >(
    `INSERT INTO proposals
       (id, request_id, volunteer_id, contact_id, score, reasons, alternatives, state, approvals,
        created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '[]', ?, ?)
     RETURNING ${COLUMNS}`,
  );
  const request = db.prepare<
    {
      id: string;
      from: string;
      to: string;
      at: number;
      drop: 0 | 1;
      details: Uint8Array | null;
    },
    RequestRow
  >(
    `UPDATE requests
     SET state = :to, updated_at = :at,
         details = iif(:drop = 1, NULL, coalesce(:details, details))
     WHERE id = :id AND state IN (SELECT value FROM json_each(:from))
     RETURNING ${REQUEST_COLUMNS}`,
  );
  const bar = db.prepare<[string, string, string, number]>(
    `INSERT INTO pair_bars (contact_id, volunteer_id, reason, at) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const closeUnmatched = prepareUnmatchedClosing(db);
  return (change) => {
    let updated: ProposalRecord | undefined;
    let inserted: ProposalRecord | undefined;
    let requestAfter: RequestRecord | undefined;
    let closed: ConversationRecord[] = [];
    if (change.update) {
      const u = change.update;
      const row = update.get({
        id: u.id,
        from: JSON.stringify(u.from),
        to: u.to,
        at: u.at,
        approvals: u.approvals === undefined ? null : JSON.stringify(u.approvals),
        decided: u.decidedAt ?? null,
        offered: u.offeredUntil ?? null,
        setOffered: u.offeredUntil === undefined ? 0 : 1,
        decidedBy: u.decision?.moderatorId ?? null,
        seq: u.decision?.seq ?? null,
        reason: u.decision?.reason ?? null,
        note: u.decision?.note ?? null,
      });
      if (row === undefined) throw new ProposalConflict();
      updated = toProposal(row);
    }
    if (change.insert) {
      const p = change.insert;
      try {
        const row = insert.get(
          p.id,
          p.requestId,
          p.volunteerId,
          p.contactId,
          p.score,
          JSON.stringify(p.reasons),
          JSON.stringify(p.alternatives),
          p.createdAt,
          p.createdAt,
        );
        if (row === undefined) throw new Error('store: inserted proposal not returned');
        inserted = toProposal(row);
      } catch (error) {
        // "Never the same pair twice": the UNIQUE (request, volunteer) refuses it.
        if (isUniqueViolation(error)) throw new ProposalConflict();
        throw error;
      }
    }
    if (change.request) {
      const r = change.request;
      if (r.ownerId !== undefined) throw new Error('store: owner check is not for proposals');
      const row = request.get({
        id: r.id,
        from: JSON.stringify(r.from),
        to: r.to,
        at: r.at,
        drop: r.dropDetails ? 1 : 0,
        details: r.details ?? null,
      });
      if (row === undefined) throw new ProposalConflict();
      requestAfter = toRequest(row);
    }
    if (change.bar) {
      const b = change.bar;
      bar.run(b.contactId, b.volunteerId, b.reason, b.at);
    }
    // A match that stopped being live (it left 'accepted', or a bar came between the two) takes
    // its conversation with it, in this transaction.
    const pair = change.bar ?? (change.update?.from.includes('accepted') ? updated : undefined);
    if (pair !== undefined) {
      closed = closeUnmatched({
        at: change.bar?.at ?? change.update?.at ?? 0,
        accounts: [pair.contactId, pair.volunteerId],
        limit: CLOSED_PER_PROPOSAL_WRITE,
      });
    }
    return {
      kind: 'applied',
      ...(updated ? { updated } : {}),
      ...(inserted ? { inserted } : {}),
      ...(requestAfter ? { request: requestAfter } : {}),
      ...(closed.length > 0 ? { closedConversations: closed } : {}),
    };
  };
}

export function createSqliteProposalStore(db: Database.Database): ProposalStore {
  const apply = prepareProposalWrites(db);
  const applyTx = db.transaction(apply);
  const findOne = db.prepare<[string], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals WHERE id = ?`,
  );
  const pending = db.prepare<[number], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals WHERE state = 'pending' ORDER BY created_at, id LIMIT ?`,
  );
  const pendingCount = db.prepare<[], { readonly n: number }>(
    `SELECT count(*) AS n FROM proposals WHERE state = 'pending'`,
  );
  const ofVolunteer = db.prepare<[string, string, number], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE volunteer_id = ? AND state IN (SELECT value FROM json_each(?))
     ORDER BY updated_at DESC, id DESC LIMIT ?`,
  );
  const ofContact = db.prepare<[string, string, number], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE contact_id = ? AND state IN (SELECT value FROM json_each(?))
     ORDER BY updated_at DESC, id DESC LIMIT ?`,
  );
  // The newest `limit` by decision, then turned oldest first.
  const decidedOf = db.prepare<[string, number], DecidedRow>(
    `SELECT * FROM (
       SELECT id, volunteer_id, state, decided_at, decided_by, decision_seq, decision_reason, note
       FROM proposals
       WHERE request_id = ? AND state IN ('rejected', 'replaced') AND decided_at IS NOT NULL
       ORDER BY decided_at DESC, id DESC LIMIT ?)
     ORDER BY decided_at, id`,
  );
  const loads = db.prepare<[string], { readonly volunteer_id: string; readonly n: number }>(
    `SELECT volunteer_id, count(*) AS n FROM proposals
     WHERE state IN (SELECT value FROM json_each(?)) GROUP BY volunteer_id`,
  );
  const liveMatch = db.prepare<{ a: string; b: string }, { readonly found: 1 }>(
    `SELECT 1 AS found WHERE ${liveMatchSql(':a', ':b')} OR ${liveMatchSql(':b', ':a')}`,
  );
  const liveMatchOf = db.prepare<{ contact: string; volunteer: string }, ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE contact_id = :contact AND volunteer_id = :volunteer AND ${liveProposalSql('proposals')}
     ORDER BY updated_at DESC, id DESC LIMIT 1`,
  );
  const closeUnmatchedTx = db.transaction(prepareUnmatchedClosing(db));
  // Each live proposal state goes with one request state; anything else is an orphan.
  const orphans = db.prepare<[number, number], ProposalRow>(
    `UPDATE proposals SET state = 'withdrawn', updated_at = ?
     WHERE id IN (
       SELECT proposals.id FROM proposals JOIN requests ON requests.id = proposals.request_id
       WHERE (proposals.state = 'pending' AND requests.state <> 'proposed')
          OR (proposals.state = 'approved' AND requests.state <> 'approved')
          OR (proposals.state = 'accepted' AND requests.state <> 'active')
       LIMIT ?)
     RETURNING ${COLUMNS}`,
  );
  const unmatchable = db.prepare<[number], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE state IN ('pending', 'approved')
       AND (EXISTS (SELECT 1 FROM accounts
                    WHERE accounts.id = proposals.volunteer_id AND suspended_at IS NOT NULL)
            OR NOT EXISTS (SELECT 1 FROM vetting WHERE vetting.volunteer_id = proposals.volunteer_id))
     ORDER BY created_at, id LIMIT ?`,
  );
  const approvedEver = db.prepare<[], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE approvals <> '[]' OR state IN ('approved', 'accepted', 'ended', 'declined', 'timed_out')
     ORDER BY created_at, id`,
  );
  const overdue = db.prepare<[number, number], ProposalRow>(
    `SELECT ${COLUMNS} FROM proposals
     WHERE state = 'approved' AND offered_until <= ? ORDER BY offered_until, id LIMIT ?`,
  );
  const allBars = db.prepare<[], BarRow>(
    'SELECT contact_id, volunteer_id, reason, at FROM pair_bars',
  );
  const barsOf = db.prepare<[string, string], BarRow>(
    'SELECT contact_id, volunteer_id, reason, at FROM pair_bars WHERE contact_id = ? AND volunteer_id = ?',
  );
  const allPairs = db.prepare<[], { readonly request_id: string; readonly volunteer_id: string }>(
    'SELECT request_id, volunteer_id FROM proposals',
  );
  const states = (list: readonly ProposalState[]) => JSON.stringify(list);

  return {
    applyProposalChange(change) {
      return settle(() => {
        try {
          return applyTx.immediate(change);
        } catch (error) {
          if (error instanceof ProposalConflict) return { kind: 'conflict' as const };
          throw error;
        }
      });
    },

    findProposal(id) {
      return settle(() => {
        const row = findOne.get(id);
        return row === undefined ? undefined : toProposal(row);
      });
    },

    pendingProposals(limit) {
      return settle(() => ({
        proposals: pending.all(limit).map(toProposal),
        total: pendingCount.get()?.n ?? 0,
      }));
    },

    proposalsOfVolunteer(volunteerId, list, limit) {
      return settle(() => ofVolunteer.all(volunteerId, states(list), limit).map(toProposal));
    },

    proposalsOfContact(contactId, list, limit) {
      return settle(() => ofContact.all(contactId, states(list), limit).map(toProposal));
    },

    decidedProposalsOfRequest(requestId, limit) {
      return settle(() => decidedOf.all(requestId, limit).map(toDecided));
    },

    loads(list) {
      return settle(
        () => new Map(loads.all(states(list)).map((row) => [row.volunteer_id, row.n] as const)),
      );
    },

    hasLiveMatchBetween(a, b) {
      return settle(() => liveMatch.get({ a, b }) !== undefined);
    },

    liveMatchBetween(contactId, volunteerId) {
      return settle(() => {
        const row = liveMatchOf.get({ contact: contactId, volunteer: volunteerId });
        return row === undefined ? undefined : toProposal(row);
      });
    },

    closeUnmatchedConversations(options) {
      return settle(() => closeUnmatchedTx.immediate(options));
    },

    withdrawOrphans(at, limit) {
      return settle(() => orphans.all(at, limit).map(toProposal));
    },

    proposalsOfUnmatchable(limit) {
      return settle(() => unmatchable.all(limit).map(toProposal));
    },

    everyApproved() {
      return settle(() => approvedEver.all().map(toProposal));
    },

    overdueOffers(now, limit) {
      return settle(() => overdue.all(now, limit).map(toProposal));
    },

    history() {
      return settle(() => ({
        barred: allBars.all().map(toBar),
        proposed: allPairs
          .all()
          .map((row) => ({ requestId: row.request_id, volunteerId: row.volunteer_id })),
      }));
    },

    barsBetween(contactId, volunteerId) {
      return settle(() => barsOf.all(contactId, volunteerId).map(toBar));
    },
  };
}
