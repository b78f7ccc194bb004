// What the batch hands back: one proposal per assigned request, with its score's reasons and up
// to two alternatives a moderator can re-propose to; and every request it could not assign, why.
import type { PreparedBatch } from './batch-input.js';
import type { RequestEdges } from './candidates.js';
import type { OfferPool } from '../offer-pool.js';
import { ALTERNATIVES, type Candidate } from '../rank.js';
import { scorePair, type Reason } from '../score/score.js';
import { pairTieKey } from '../tie-break.js';
import { MATCH_URGENCIES, type MatchRequest, type MatchUrgency } from '../types.js';
import { loadPoints } from '../score/weights.js';

export interface Proposal {
  readonly requestId: string;
  readonly volunteerId: string;
  /** The score with the volunteer's load as this batch leaves it (their earlier proposals here count). */
  readonly score: number;
  readonly reasons: readonly Reason[];
  /** The next best volunteers with a slot still free after the batch, best first, at most two. */
  readonly alternatives: readonly Candidate[];
}

export const UNASSIGNED_REASONS = [
  /** No offer passes the hard constraints. */
  'no_eligible_volunteer',
  /**
   * Eligible volunteers exist, but their free slots went to other requests: more urgent ones, or
   * ones that made the total score higher.
   */
  'no_free_volunteer',
  /** Past the batch's size limit; the next run serves it. */
  'deferred',
] as const;
export type UnassignedReason = (typeof UNASSIGNED_REASONS)[number];

export interface BatchStats {
  /** Flow runs: 1 unless the certificate made some request bring more candidates. */
  readonly rounds: number;
  /** Request–volunteer edges and volunteers in the last round's network. */
  readonly edges: number;
  readonly volunteers: number;
  /**
   * Requests for which a candidate left out of the network might still have raised the objective.
   * 0: the assignment is provably optimal over every eligible pair; otherwise it is optimal over
   * the candidate network, whose bounds (docs/matching.md) stopped the widening.
   */
  readonly uncertified: number;
}

export interface BatchResult {
  /** In serving order: most urgent, then longest waiting, then id. */
  readonly proposals: readonly Proposal[];
  readonly unassigned: readonly { readonly requestId: string; readonly reason: UnassignedReason }[];
  /** The sum of the proposals' scores, the quantity the batch maximises after urgency. */
  readonly totalScore: number;
  readonly assignedByUrgency: Readonly<Record<MatchUrgency, number>>;
  readonly stats: BatchStats;
}

export function buildBatchResult(input: {
  readonly batch: PreparedBatch;
  readonly pool: OfferPool;
  readonly now: number;
  readonly deferred: readonly MatchRequest[];
  readonly edges: readonly RequestEdges[];
  /** Pool row of each flow volunteer number. */
  readonly rows: readonly number[];
  readonly volunteerOf: Int32Array;
  readonly stats: BatchStats;
}): BatchResult {
  const { batch, pool, now, edges, rows, volunteerOf } = input;
  // Each volunteer's slots go to their requests in serving order, so the reasons add up to the
  // objective whatever the order (the load points of a volunteer's slots sum the same).
  const taken = new Int32Array(pool.size);
  const slotOf = batch.requests.map((_, i) => {
    const number = volunteerOf[i]!;
    if (number === -1) return -1;
    const row = rows[number]!;
    taken[row] = taken[row]! + 1;
    return taken[row] - 1;
  });
  const proposals: Proposal[] = [];
  const unassigned: { requestId: string; reason: UnassignedReason }[] = [];
  const assignedByUrgency = Object.fromEntries(MATCH_URGENCIES.map((u) => [u, 0])) as Record<
    MatchUrgency,
    number
  >;
  let totalScore = 0;
  batch.requests.forEach((prepared, i) => {
    const { request } = prepared;
    const number = volunteerOf[i]!;
    if (number === -1) {
      const none = edges[i]!.rows.length === 0 && edges[i]!.leftOutScore < 0;
      unassigned.push({
        requestId: request.id,
        reason: none ? 'no_eligible_volunteer' : 'no_free_volunteer',
      });
      return;
    }
    const row = rows[number]!;
    const offer = pool.offers[row]!;
    const { score, reasons } = scorePair(request, offer, now, offer.activeLoad + slotOf[i]!);
    totalScore += score;
    assignedByUrgency[request.urgency] += 1;
    proposals.push({
      requestId: request.id,
      volunteerId: offer.volunteerId,
      score,
      reasons,
      alternatives: alternativesFor(prepared, row, pool, taken, now),
    });
  });
  for (const request of input.deferred)
    unassigned.push({ requestId: request.id, reason: 'deferred' });
  return { proposals, unassigned, totalScore, assignedByUrgency, stats: input.stats };
}

/**
 * The best other volunteers in the request's candidate list who still have a free slot after the
 * batch, scored at that load. Scores only fall with load, so the scan stops once the list's
 * (first-slot) scores drop below the second best found.
 */
function alternativesFor(
  prepared: PreparedBatch['requests'][number],
  chosen: number,
  pool: OfferPool,
  taken: Int32Array,
  now: number,
): Candidate[] {
  const list = prepared.profile.list!;
  const best: { row: number; score: number; key: number }[] = [];
  for (let j = 0; j < list.rows.length; j += 1) {
    const ceiling = list.scores[j]! + prepared.points;
    if (best.length === ALTERNATIVES && ceiling < best[ALTERNATIVES - 1]!.score) break;
    const row = list.rows[j]!;
    if (row === chosen || prepared.excluded.has(row) || taken[row]! >= pool.freeSlots[row]!) {
      continue;
    }
    const { activeLoad, capacity } = pool.offers[row]!;
    const score =
      ceiling - pool.firstSlotPoints[row]! + loadPoints(activeLoad + taken[row]!, capacity);
    const entry = { row, score, key: pairTieKey(prepared.hash, pool.volunteerHash[row]!) };
    let at = best.length;
    while (at > 0 && ahead(entry, best[at - 1]!)) at -= 1;
    best.splice(at, 0, entry);
    if (best.length > ALTERNATIVES) best.pop();
  }
  return best.map(({ row }) => {
    const offer = pool.offers[row]!;
    return {
      volunteerId: offer.volunteerId,
      ...scorePair(prepared.request, offer, now, offer.activeLoad + taken[row]!),
    };
  });
}

function ahead(a: { score: number; key: number }, b: { score: number; key: number }): boolean {
  return a.score > b.score || (a.score === b.score && a.key < b.key);
}
