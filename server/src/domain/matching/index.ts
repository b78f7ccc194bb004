// The matching engine: hard constraints, an explainable score, ranking one request, and the exact
// batch assignment. Pure functions over plain views (types.ts); docs/matching.md explains them.
export * from './types.js';
export { REFUSALS, isMatchable, refusals, requiredRiskTier, type Refusal } from './constraints.js';
export { PairHistoryIndex } from './history.js';
export {
  REASON_CODES,
  SCORE_FACTORS,
  scorePair,
  type Reason,
  type ReasonCode,
  type Score,
  type ScoreFactor,
} from './score/score.js';
export {
  ALTERNATIVES,
  rankOffers,
  type Candidate,
  type RankOptions,
  type Ranking,
} from './rank.js';
export { MAX_TIE_BREAK_SEED } from './tie-break.js';
export { assignBatch, type BatchOptions } from './batch/batch.js';
export {
  UNASSIGNED_REASONS,
  type BatchResult,
  type BatchStats,
  type Proposal,
  type UnassignedReason,
} from './batch/batch-result.js';
export { assignGreedily, type GreedyResult } from './batch/greedy.js';
export { MAX_SCORE } from './score/weights.js';
export {
  CANDIDATES_PER_REQUEST,
  CANDIDATE_LIST_CAP,
  PROFILE_COVERAGE,
  SPREAD_CANDIDATES,
  SPREAD_WINDOW,
  FREE_CANDIDATES_PER_ROUND,
  MAX_BATCH_EDGES,
  MAX_BATCH_REQUESTS,
  MAX_BATCH_ROUNDS,
  MAX_CANDIDATES_PER_REQUEST,
  MAX_WIDENED_HOLDERS,
  WIDEN_FACTOR,
} from './limits.js';
