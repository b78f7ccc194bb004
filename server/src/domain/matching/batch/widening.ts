// Between rounds: which requests the certificate cannot clear, and which of them get more
// candidates — bounded on purpose (docs/matching.md, "Candidate widening").
import type { AssignmentSolution } from '../flow/assignment-problem.js';
import {
  CANDIDATE_LIST_CAP,
  FREE_CANDIDATES_PER_ROUND,
  MAX_BATCH_EDGES,
  MAX_CANDIDATES_PER_REQUEST,
  MAX_WIDENED_HOLDERS,
  PROFILE_COVERAGE,
  WIDEN_FACTOR,
} from '../limits.js';
import type { OfferPool } from '../offer-pool.js';
import { noiseOf, pairTieKey } from '../tie-break.js';
import { listFor, type PreparedBatch, type ProfileSlot } from './batch-input.js';
import { pickEdges } from './candidates.js';
import type { FlowNetwork } from './flow-network.js';
import { addRow, addSpread, type Reach } from './reach.js';

/**
 * Requests (in serving order) for which a left-out candidate could still improve the optimum: the
 * best value it leaves out, with that volunteer's first slot, exceeds its admission bound.
 */
export function uncertified(
  batch: PreparedBatch,
  reaches: readonly Reach[],
  admission: Float64Array,
  point: number,
): number[] {
  const failing: number[] = [];
  batch.requests.forEach((prepared, i) => {
    const { leftOutScore, leftOutNoise } = reaches[i]!;
    if (leftOutScore < 0) return;
    if ((leftOutScore + prepared.points) * point + leftOutNoise > admission[i]!) failing.push(i);
  });
  return failing;
}

/**
 * Widens, in serving order and while the network stays within MAX_BATCH_EDGES, the failing
 * requests where more candidates can matter: each one the round left unassigned, and each one
 * holding a full volunteer that an unassigned request reaches (it may have to move to make room),
 * MAX_WIDENED_HOLDERS of those at most, for the unassigned requests most urgent first.
 * Each asks for WIDEN_FACTOR times as many best-ranked candidates (at most
 * MAX_CANDIDATES_PER_REQUEST) and FREE_CANDIDATES_PER_ROUND among the volunteers who still have a
 * free slot; it adds at most that many edges. Returns how many gained edges.
 */
export function widen(input: {
  readonly batch: PreparedBatch;
  readonly pool: OfferPool;
  readonly network: FlowNetwork;
  readonly solution: AssignmentSolution;
  readonly reaches: readonly Reach[];
  readonly failing: readonly number[];
}): number {
  const { batch, pool, network, solution, reaches, failing } = input;
  const held = heldRequests(network, solution);
  const failingSet = new Set(failing);
  const chosen = new Set<number>();
  let holderBudget = MAX_WIDENED_HOLDERS;
  solution.volunteerOf.forEach((number, i) => {
    if (number !== -1) return;
    if (failingSet.has(i)) chosen.add(i);
    for (const row of reaches[i]!.rows) {
      const holders = held.get(row);
      if (holders === undefined || holders.length < pool.freeSlots[row]!) continue;
      for (const holder of holders) {
        if (holderBudget === 0 || chosen.has(holder) || !failingSet.has(holder)) continue;
        chosen.add(holder);
        holderBudget -= 1;
      }
    }
  });
  let budget = MAX_BATCH_EDGES - network.flow.edgeVolunteer.length;
  const growing: { readonly i: number; readonly grow: number }[] = [];
  const widened: number[] = [];
  for (const i of [...chosen].sort((a, b) => a - b)) {
    const { count } = reaches[i]!;
    const grow = Math.min(count * WIDEN_FACTOR, MAX_CANDIDATES_PER_REQUEST) - count;
    if (grow + FREE_CANDIDATES_PER_ROUND > budget) break;
    budget -= grow + FREE_CANDIDATES_PER_ROUND;
    if (grow > 0) growing.push({ i, grow });
    widened.push(i);
  }
  const before = widened.map((i) => reaches[i]!.rows.length);
  // Free slots are judged on this round's solution, before anything grows.
  if (widened.length > 0) addFreeCandidates(batch, pool, held, reaches, widened);
  addBestRanked(batch, pool, reaches, growing);
  // Only requests that did gain an edge count: nobody else's network changed.
  return widened.filter((i, at) => reaches[i]!.rows.length > before[at]!).length;
}

/** Pool row → the requests this round's solution gives it. */
function heldRequests(network: FlowNetwork, solution: AssignmentSolution): Map<number, number[]> {
  const held = new Map<number, number[]>();
  solution.volunteerOf.forEach((number, i) => {
    if (number === -1) return;
    const row = network.rows[number]!;
    const list = held.get(row);
    if (list === undefined) held.set(row, [i]);
    else list.push(i);
  });
  return held;
}

/** Each growing request's next best-ranked candidates, at most `grow` new edges each. */
function addBestRanked(
  batch: PreparedBatch,
  pool: OfferPool,
  reaches: readonly Reach[],
  growing: readonly { readonly i: number; readonly grow: number }[],
): void {
  const want = new Map<ProfileSlot, number>();
  for (const { i, grow } of growing) {
    const { profile, excluded } = batch.requests[i]!;
    const needed = reaches[i]!.count + grow + excluded.size;
    want.set(profile, Math.max(want.get(profile) ?? 0, needed));
  }
  for (const [slot, count] of want) listFor(batch, slot, count, CANDIDATE_LIST_CAP);
  for (const { i, grow } of growing) {
    const { profile, excluded, hash } = batch.requests[i]!;
    const reach = reaches[i]!;
    reach.count += grow;
    const best = pickEdges(pool, profile.list!, excluded, hash, reach.count);
    reach.leftOutScore = best.leftOutScore;
    reach.leftOutNoise = best.leftOutNoise;
    let added = 0;
    best.rows.forEach((row, j) => {
      if (reach.present.has(row)) return;
      if (added < grow) {
        addRow(reach, row, best.scores[j]!);
        added += 1;
        return;
      }
      // Kept out by the bound (a longer list reordered a tie group): the certificate must know.
      const noise = noiseOf(pairTieKey(hash, pool.volunteerHash[row]!));
      const score = best.scores[j]!;
      if (
        score > reach.leftOutScore ||
        (score === reach.leftOutScore && noise > reach.leftOutNoise)
      ) {
        reach.leftOutScore = score;
        reach.leftOutNoise = noise;
      }
    });
  }
}

/** Gives each of `needing` FREE_CANDIDATES_PER_ROUND among the volunteers with a slot still free. */
function addFreeCandidates(
  batch: PreparedBatch,
  pool: OfferPool,
  held: ReadonlyMap<number, readonly number[]>,
  reaches: readonly Reach[],
  needing: readonly number[],
): void {
  const full = new Uint8Array(pool.size);
  for (const [row, requests] of held) if (requests.length >= pool.freeSlots[row]!) full[row] = 1;
  const byProfile = new Map<ProfileSlot, number[]>();
  for (const i of needing) {
    const slot = batch.requests[i]!.profile;
    byProfile.set(slot, [...(byProfile.get(slot) ?? []), i]);
  }
  for (const [slot, members] of byProfile) {
    let want = 0;
    for (const i of members) {
      want = Math.max(want, batch.requests[i]!.excluded.size + reaches[i]!.present.size);
    }
    want += PROFILE_COVERAGE * members.length + FREE_CANDIDATES_PER_ROUND;
    const list = batch.scanner.list(slot.profile, want, Math.max(CANDIDATE_LIST_CAP, want), full);
    for (const i of members) {
      const { excluded, hash } = batch.requests[i]!;
      const reach = reaches[i]!;
      addSpread(pool, { list, excluded, hash, reach, count: FREE_CANDIDATES_PER_ROUND });
    }
  }
}
