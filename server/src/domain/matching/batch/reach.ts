// What each request brings into the batch's flow network: its edges so far and a bound on the
// ones it leaves out. A request's edges only ever grow from round to round.
import { CANDIDATE_LIST_CAP, PROFILE_COVERAGE, SPREAD_WINDOW } from '../limits.js';
import type { OfferPool } from '../offer-pool.js';
import { listFor, type PreparedBatch, type ProfileSlot } from './batch-input.js';
import type { CandidateList } from './candidate-list.js';
import { pickEdges, spreadEdges, type RequestEdges } from './candidates.js';
import { greedyPicks } from './greedy.js';

/** A request's candidates so far: its edges in the network, and the best of the rest. */
export interface Reach extends RequestEdges {
  /** How many of its profile's best-ranked candidates it has asked for. */
  count: number;
  readonly present: Set<number>;
  leftOutScore: number;
  leftOutNoise: number;
}

export function addRow(reach: Reach, row: number, score: number): void {
  if (reach.present.has(row)) return;
  reach.present.add(row);
  reach.rows.push(row);
  reach.scores.push(score);
}

/**
 * The first round: each request's `first` best-ranked candidates; the volunteer greedy gives it,
 * so the network holds the greedy assignment and its optimum is never worse than greedy's; and
 * `spread` candidates drawn by its own tie-break from its profile's list — at least its best
 * max(SPREAD_WINDOW, PROFILE_COVERAGE × the profile's requests), and as long as the greedy pass
 * had to make it to find its requests free volunteers — so that requests alike, which rank the
 * volunteers alike, do not all bring the same few.
 */
export function firstReach(
  batch: PreparedBatch,
  pool: OfferPool,
  first: number,
  spread: number,
): Reach[] {
  const members = new Map<ProfileSlot, number>();
  for (const { profile } of batch.requests) members.set(profile, (members.get(profile) ?? 0) + 1);
  const window = (slot: ProfileSlot): number =>
    Math.max(first, SPREAD_WINDOW, PROFILE_COVERAGE * members.get(slot)!);
  const want = new Map<ProfileSlot, number>();
  for (const { profile, excluded } of batch.requests) {
    const needed = excluded.size + window(profile);
    want.set(profile, Math.max(want.get(profile) ?? 0, needed));
  }
  for (const [slot, count] of want) listFor(batch, slot, count, CANDIDATE_LIST_CAP);
  const greedy = greedyPicks(batch, pool);
  return batch.requests.map(({ profile, excluded, hash }, i) => {
    const best = pickEdges(pool, profile.list!, excluded, hash, first);
    const reach: Reach = {
      count: first,
      rows: [],
      scores: [],
      present: new Set(),
      leftOutScore: best.leftOutScore,
      leftOutNoise: best.leftOutNoise,
    };
    best.rows.forEach((row, j) => addRow(reach, row, best.scores[j]!));
    if (greedy.rows[i] !== -1) addRow(reach, greedy.rows[i]!, greedy.scores[i]!);
    addSpread(pool, { list: profile.list!, excluded, hash, reach, count: spread });
    return reach;
  });
}

/** Adds `count` rows of `list` that the request does not have, chosen by its tie-break. */
export function addSpread(
  pool: OfferPool,
  input: {
    readonly list: CandidateList;
    readonly excluded: ReadonlySet<number>;
    readonly hash: number;
    readonly reach: Reach;
    readonly count: number;
  },
): void {
  const { list, excluded, hash, reach, count } = input;
  const skip = new Set([...excluded, ...reach.present]);
  const spread = spreadEdges(pool, list, skip, hash, count);
  spread.rows.forEach((row, j) => addRow(reach, row, spread.scores[j]!));
}
