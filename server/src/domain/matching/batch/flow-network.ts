// One round's flow network: the requests in serving order, each with its candidate edges, and the
// volunteers those edges reach, each with one slot per free place, worth its load points.
import type { AssignmentProblem } from '../flow/assignment-problem.js';
import type { OfferPool } from '../offer-pool.js';
import { NOISE_SPAN, pairNoise } from '../tie-break.js';
import { MAX_SCORE, loadPoints } from '../score/weights.js';
import type { PreparedBatch } from './batch-input.js';
import type { RequestEdges } from './candidates.js';

export interface FlowNetwork {
  readonly flow: AssignmentProblem;
  /** Pool row of each flow volunteer number, ascending. */
  readonly rows: readonly number[];
}

/**
 * An edge is worth (pair score without load + the request's own points) · point + tie-break
 * points, a slot its load points · point: with `point` above any sum of tie-break points, the
 * flow maximises the total score first and the tie-break only among equal totals.
 */
export function flowNetwork(
  batch: PreparedBatch,
  pool: OfferPool,
  edges: readonly RequestEdges[],
  point: number,
): FlowNetwork {
  const numberOf = new Int32Array(pool.size).fill(-1);
  const reached: number[] = [];
  for (const { rows } of edges) {
    for (const row of rows) {
      if (numberOf[row] === -1) {
        numberOf[row] = 0;
        reached.push(row);
      }
    }
  }
  reached.sort((a, b) => a - b);
  reached.forEach((row, number) => (numberOf[row] = number));
  const requestCount = batch.requests.length;
  const edgeStart = new Int32Array(requestCount + 1);
  edges.forEach(({ rows }, i) => (edgeStart[i + 1] = edgeStart[i]! + rows.length));
  const edgeVolunteer = new Int32Array(edgeStart[requestCount]!);
  const edgeValue = new Float64Array(edgeStart[requestCount]!);
  edges.forEach(({ rows, scores }, i) => {
    const prepared = batch.requests[i]!;
    rows.forEach((row, j) => {
      const e = edgeStart[i]! + j;
      edgeVolunteer[e] = numberOf[row]!;
      const points = scores[j]! - pool.firstSlotPoints[row]! + prepared.points;
      edgeValue[e] = points * point + pairNoise(prepared.hash, pool.volunteerHash[row]!);
    });
  });
  const slotStart = new Int32Array(reached.length + 1);
  reached.forEach((row, v) => (slotStart[v + 1] = slotStart[v]! + pool.freeSlots[row]!));
  const slotValue = new Float64Array(slotStart[reached.length]!);
  reached.forEach((row, v) => {
    const { activeLoad, capacity } = pool.offers[row]!;
    for (let j = 0; j < pool.freeSlots[row]!; j += 1) {
      slotValue[slotStart[v]! + j] = loadPoints(activeLoad + j, capacity) * point;
    }
  });
  return {
    flow: {
      requestCount,
      volunteerCount: reached.length,
      priority: Uint8Array.from(batch.requests, (prepared) => prepared.priority),
      edgeStart,
      edgeVolunteer,
      edgeValue,
      slotStart,
      slotValue,
      valueCeiling: MAX_SCORE * point + NOISE_SPAN - 1,
    },
    rows: reached,
  };
}
