// The batch assignment as a plain numeric problem, and its checks. Requests and volunteers are
// numbered; each request may take one volunteer through one of its edges; volunteer v has a list
// of slots, the j-th worth slotValue (never rising with j: a busier volunteer is worth less).
// The objective, lexicographic: most requests assigned at the highest priority, then at the
// next, …, then the largest total value (edges taken plus slots used).

export interface AssignmentProblem {
  readonly requestCount: number;
  readonly volunteerCount: number;
  /** Per request, a priority ≥ 1: one more request assigned at a priority outweighs everything below it. */
  readonly priority: Uint8Array;
  /** Request r's edges are edgeStart[r] … edgeStart[r + 1] − 1 (length requestCount + 1). */
  readonly edgeStart: Int32Array;
  readonly edgeVolunteer: Int32Array;
  /** Whole numbers ≥ 0. */
  readonly edgeValue: Float64Array;
  /** Volunteer v's slots are slotStart[v] … slotStart[v + 1] − 1: at least one each. */
  readonly slotStart: Int32Array;
  /** Whole numbers ≥ 0, non-increasing within each volunteer. */
  readonly slotValue: Float64Array;
  /**
   * At least every edge and slot value, if given: the priority weight then derives from it
   * rather than from the largest value present, so a problem grown with more edges keeps it.
   */
  readonly valueCeiling?: number;
}

export interface AssignmentSolution {
  /** Per request, its volunteer or −1. */
  readonly volunteerOf: Int32Array;
  /** Per request, the edge it was assigned through or −1. */
  readonly edgeOf: Int32Array;
  /**
   * Per request, the optimality certificate for edges left out of the problem: adding an edge
   * (r, v) worth `value` cannot change the optimum if value + (v's first slot value) ≤ admission[r]
   * (−Infinity for a request without edges). See docs/matching.md, "The certificate".
   */
  readonly admission: Float64Array;
}

/**
 * Sums must stay exact in a double. Potentials stay within 2·(P + 1)·W of zero and search
 * distances within 5·(P + 1)·W (P the highest priority, W its weight), so 16·(P + 1)·W ≤ 2^53
 * leaves room to spare.
 */
export const MAGNITUDE_LIMIT = 2 ** 53;

/**
 * The weight of one request at one priority level: more than any sum of values along a simple
 * cycle of the flow network (at most two edges per request and two slots), so a cycle that trades
 * a request of one priority for another is decided by the priorities alone.
 */
export function priorityWeight(problem: AssignmentProblem): number {
  const { requestCount, volunteerCount, priority, edgeStart, edgeVolunteer, edgeValue } = problem;
  const { slotStart, slotValue } = problem;
  if (priority.length !== requestCount || edgeStart.length !== requestCount + 1) {
    throw new RangeError('assignment problem: request arrays of the wrong length');
  }
  if (slotStart.length !== volunteerCount + 1 || slotStart[0] !== 0) {
    throw new RangeError('assignment problem: slot arrays of the wrong length');
  }
  let maxPriority = 0;
  for (let r = 0; r < requestCount; r += 1) {
    if (priority[r]! < 1) throw new RangeError('assignment problem: a priority below 1');
    if (edgeStart[r + 1]! < edgeStart[r]!) throw new RangeError('assignment problem: bad edges');
    maxPriority = Math.max(maxPriority, priority[r]!);
  }
  let maxEdge = 0;
  for (let e = 0; e < edgeValue.length; e += 1) {
    const volunteer = edgeVolunteer[e]!;
    if (volunteer < 0 || volunteer >= volunteerCount) {
      throw new RangeError('assignment problem: an edge to no volunteer');
    }
    maxEdge = Math.max(maxEdge, checkedValue(edgeValue[e]!));
  }
  let maxSlot = 0;
  for (let v = 0; v < volunteerCount; v += 1) {
    if (slotStart[v + 1]! <= slotStart[v]!) throw new RangeError('assignment problem: no slot');
    for (let j = slotStart[v]!; j < slotStart[v + 1]!; j += 1) {
      maxSlot = Math.max(maxSlot, checkedValue(slotValue[j]!));
      if (j > slotStart[v]! && slotValue[j]! > slotValue[j - 1]!) {
        throw new RangeError('assignment problem: slot values must not rise');
      }
    }
  }
  const ceiling = problem.valueCeiling;
  if (ceiling !== undefined) {
    if (checkedValue(ceiling) < Math.max(maxEdge, maxSlot)) {
      throw new RangeError('assignment problem: a value above the ceiling');
    }
    maxEdge = ceiling;
    maxSlot = ceiling;
  }
  const weight = 2 * requestCount * maxEdge + 2 * maxSlot + 1;
  if (16 * (maxPriority + 1) * weight > MAGNITUDE_LIMIT) {
    throw new RangeError('assignment problem: values too large to stay exact');
  }
  return weight;
}

function checkedValue(value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError('assignment problem: values are whole numbers ≥ 0');
  }
  return value;
}
