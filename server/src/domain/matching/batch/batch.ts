// Batch assignment: many waiting requests assigned together, exactly — most critical requests
// first, then high, normal, low, then the largest total score, then the fair tie-break — under
// every volunteer's free capacity. Each request brings its best candidates into a min-cost flow
// (flow/assignment-flow.ts), which is solved exactly; the flow's potentials then certify, request
// by request, that no candidate left out could have changed the optimum. Requests the certificate
// cannot clear bring more candidates, within fixed bounds, and the flow grows to take them in.
// docs/matching.md states the objective, the certificate and the bounds.
import { AssignmentFlow } from '../flow/assignment-flow.js';
import { asHistoryIndex, type PairHistoryIndex } from '../history.js';
import {
  CANDIDATES_PER_REQUEST,
  MAX_BATCH_REQUESTS,
  MAX_BATCH_ROUNDS,
  MAX_CANDIDATES_PER_REQUEST,
  SPREAD_CANDIDATES,
} from '../limits.js';
import { OfferPool } from '../offer-pool.js';
import { NOISE_SPAN, checkedSeed } from '../tie-break.js';
import type { MatchOffer, MatchRequest, PairHistory } from '../types.js';
import { checkRequests, prepareBatch, servingOrder } from './batch-input.js';
import { buildBatchResult, type BatchResult } from './batch-result.js';
import { flowNetwork } from './flow-network.js';
import { firstReach } from './reach.js';
import { uncertified, widen } from './widening.js';

export interface BatchOptions {
  /** Best-ranked candidates each request brings in the first round (CANDIDATES_PER_REQUEST), 1–MAX_CANDIDATES_PER_REQUEST. */
  readonly candidatesPerRequest?: number;
  /** Spread candidates each request brings in the first round (SPREAD_CANDIDATES), 0–MAX_CANDIDATES_PER_REQUEST. */
  readonly spreadCandidates?: number;
  /** Requests served in this run at most (MAX_BATCH_REQUESTS, and never more). */
  readonly maxRequests?: number;
  /** Flow runs at most (MAX_BATCH_ROUNDS, and never more); 1 turns widening off. */
  readonly maxRounds?: number;
  /**
   * Orders equally good volunteers (tie-break.ts), 0 … 2^32 − 1, 0 unless given: the same seed
   * gives the same result; a caller that runs the batch again and again may vary it (a run
   * counter) so that a request still waiting is not offered the same tied volunteers each run.
   */
  readonly tieBreakSeed?: number;
}

export function assignBatch(
  requests: readonly MatchRequest[],
  offers: readonly MatchOffer[],
  history: PairHistory | PairHistoryIndex,
  now: number,
  options: BatchOptions = {},
): BatchResult {
  checkRequests(requests);
  const first = options.candidatesPerRequest ?? CANDIDATES_PER_REQUEST;
  const limit = Math.min(options.maxRequests ?? MAX_BATCH_REQUESTS, MAX_BATCH_REQUESTS);
  if (!Number.isInteger(first) || first < 1 || first > MAX_CANDIDATES_PER_REQUEST) {
    throw new RangeError('candidatesPerRequest is a whole number 1–MAX_CANDIDATES_PER_REQUEST');
  }
  const spread = options.spreadCandidates ?? SPREAD_CANDIDATES;
  if (!Number.isInteger(spread) || spread < 0 || spread > MAX_CANDIDATES_PER_REQUEST) {
    throw new RangeError('spreadCandidates is a whole number 0–MAX_CANDIDATES_PER_REQUEST');
  }
  const rounds = Math.min(options.maxRounds ?? MAX_BATCH_ROUNDS, MAX_BATCH_ROUNDS);
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('maxRequests ≥ 0');
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('maxRounds ≥ 1');
  const ordered = [...requests].sort(servingOrder);
  const pool = new OfferPool(offers);
  const seed = checkedSeed(options.tieBreakSeed ?? 0);
  const batch = prepareBatch(ordered.slice(0, limit), pool, asHistoryIndex(history), now, seed);
  // One score point, in the flow's units: more than every tie-break point a cycle can carry.
  const point = 2 * Math.max(1, batch.requests.length) * NOISE_SPAN;
  const reaches = firstReach(batch, pool, first, spread);
  let network = flowNetwork(batch, pool, reaches, point);
  let flow = AssignmentFlow.solve(network.flow);
  for (let round = 1; ; round += 1) {
    const solution = flow.solution();
    const failing = uncertified(batch, reaches, solution.admission, point);
    const widening =
      failing.length > 0 && round < rounds
        ? widen({ batch, pool, network, solution, reaches, failing })
        : 0;
    if (widening === 0) {
      return buildBatchResult({
        batch,
        pool,
        now,
        deferred: ordered.slice(limit),
        edges: reaches,
        rows: network.rows,
        volunteerOf: solution.volunteerOf,
        stats: {
          rounds: round,
          edges: network.flow.edgeVolunteer.length,
          volunteers: network.rows.length,
          uncertified: failing.length,
        },
      });
    }
    const grown = flowNetwork(batch, pool, reaches, point);
    flow = flow.grow(grown.flow, renumbering(network.rows, grown.rows));
    network = grown;
  }
}

/** Each old flow volunteer's number in the grown network (both list pool rows ascending). */
function renumbering(oldRows: readonly number[], newRows: readonly number[]): Int32Array {
  const numberOf = new Int32Array(oldRows.length);
  let at = 0;
  oldRows.forEach((row, v) => {
    while (newRows[at] !== row) at += 1;
    numberOf[v] = at;
  });
  return numberOf;
}
