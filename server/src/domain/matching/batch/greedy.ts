// The greedy baseline: requests one by one in serving order (most urgent, then longest waiting),
// each taking the best volunteer still free — exactly, at the load the earlier ones left. The
// benchmark and the tests measure the batch against it, and the batch seeds its first round with
// its picks, so that the exact optimum over the batch's network is never worse than greedy's.
import { asHistoryIndex, type PairHistoryIndex } from '../history.js';
import { OfferPool } from '../offer-pool.js';
import { scorePair } from '../score/score.js';
import { loadPoints } from '../score/weights.js';
import { pairTieKey } from '../tie-break.js';
import {
  MATCH_URGENCIES,
  type MatchOffer,
  type MatchRequest,
  type MatchUrgency,
  type PairHistory,
} from '../types.js';
import {
  checkRequests,
  listFor,
  prepareBatch,
  servingOrder,
  type PreparedBatch,
} from './batch-input.js';

/** Offers a profile's list holds at first for the greedy pass; it grows ×4 when too short. */
const GREEDY_LIST_START = 64;

export interface GreedyResult {
  readonly assignments: readonly {
    readonly requestId: string;
    readonly volunteerId: string;
    readonly score: number;
  }[];
  readonly totalScore: number;
  readonly assignedByUrgency: Readonly<Record<MatchUrgency, number>>;
}

export function assignGreedily(
  requests: readonly MatchRequest[],
  offers: readonly MatchOffer[],
  history: PairHistory | PairHistoryIndex,
  now: number,
  options: { readonly tieBreakSeed?: number } = {},
): GreedyResult {
  checkRequests(requests);
  const pool = new OfferPool(offers);
  const ordered = [...requests].sort(servingOrder);
  const seed = options.tieBreakSeed ?? 0;
  const batch = prepareBatch(ordered, pool, asHistoryIndex(history), now, seed);
  const picks = greedyPicks(batch, pool).rows;
  const taken = new Int32Array(pool.size);
  const assignments: { requestId: string; volunteerId: string; score: number }[] = [];
  const assignedByUrgency = Object.fromEntries(MATCH_URGENCIES.map((u) => [u, 0])) as Record<
    MatchUrgency,
    number
  >;
  let totalScore = 0;
  batch.requests.forEach(({ request }, i) => {
    const row = picks[i]!;
    if (row === -1) return;
    const offer = pool.offers[row]!;
    const { score } = scorePair(request, offer, now, offer.activeLoad + taken[row]!);
    taken[row] = taken[row]! + 1;
    assignments.push({ requestId: request.id, volunteerId: offer.volunteerId, score });
    totalScore += score;
    assignedByUrgency[request.urgency] += 1;
  });
  return { assignments, totalScore, assignedByUrgency };
}

/**
 * Per request of the batch (in its serving order), the pool row greedy gives it or −1, and that
 * row's rank score in the request's profile list.
 */
export function greedyPicks(
  batch: PreparedBatch,
  pool: OfferPool,
): { readonly rows: Int32Array; readonly scores: Int32Array } {
  const taken = new Int32Array(pool.size);
  const rows = new Int32Array(batch.requests.length).fill(-1);
  const scores = new Int32Array(batch.requests.length);
  batch.requests.forEach((prepared, i) => {
    let want = Math.max(GREEDY_LIST_START, prepared.profile.listedFor);
    for (;;) {
      const list = listFor(batch, prepared.profile, want + prepared.excluded.size, want);
      let best: { row: number; score: number; key: number; rank: number } | undefined;
      let settled = false;
      for (let j = 0; j < list.rows.length; j += 1) {
        const ceiling = list.scores[j]! + prepared.points;
        if (best !== undefined && ceiling < best.score) {
          settled = true;
          break;
        }
        const row = list.rows[j]!;
        if (prepared.excluded.has(row) || taken[row]! >= pool.freeSlots[row]!) continue;
        const { activeLoad, capacity } = pool.offers[row]!;
        const score =
          ceiling - pool.firstSlotPoints[row]! + loadPoints(activeLoad + taken[row]!, capacity);
        const key = pairTieKey(prepared.hash, pool.volunteerHash[row]!);
        if (best === undefined || score > best.score || (score === best.score && key < best.key)) {
          best = { row, score, key, rank: list.scores[j]! };
        }
      }
      // Past the list, nothing scores more than `beyond` (+ the request's points) even when idle.
      const unlistedCeiling = list.beyond < 0 ? -1 : list.beyond + prepared.points;
      if (settled || unlistedCeiling < 0 || (best !== undefined && best.score > unlistedCeiling)) {
        if (best !== undefined) {
          taken[best.row] = taken[best.row]! + 1;
          rows[i] = best.row;
          scores[i] = best.rank;
        }
        return;
      }
      want *= 4;
    }
  });
  return { rows, scores };
}
