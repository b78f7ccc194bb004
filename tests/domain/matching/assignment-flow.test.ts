// The batch's solver on its own, against brute force: on small random assignment problems (with
// many ties), the min-cost flow reaches the lexicographic optimum — most requests at the highest
// priority, then the next, …, then the largest total value; a flow grown with more edges reaches
// the optimum of the grown problem; and the admission certificate never clears an edge that
// would have changed the optimum.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/matching-data.js';
import { AssignmentFlow } from '../../../server/src/domain/matching/flow/assignment-flow.js';
import type { AssignmentProblem } from '../../../server/src/domain/matching/flow/assignment-problem.js';

const VALUE_CEILING = 40;
const PRIORITIES = 4;

interface Edge {
  readonly volunteer: number;
  readonly value: number;
}

/** A problem as lists: each request's priority and edges, each volunteer's slot values. */
interface Plain {
  readonly priority: number[];
  readonly edges: Edge[][];
  readonly slots: number[][];
}

function randomPlain(random: () => number): Plain {
  const int = (below: number): number => Math.floor(random() * below);
  const requests = 1 + int(6);
  const volunteers = 1 + int(5);
  // Small value ranges on purpose: ties everywhere.
  const slots = Array.from({ length: volunteers }, () => {
    const first = int(8);
    return int(2) === 0 ? [first] : [first, int(first + 1)];
  });
  const edges = Array.from({ length: requests }, () =>
    Array.from({ length: volunteers }, (_, volunteer) => volunteer)
      .filter(() => random() < 0.6)
      .map((volunteer) => ({ volunteer, value: int(VALUE_CEILING - 8) })),
  );
  return { priority: Array.from({ length: requests }, () => 1 + int(PRIORITIES)), edges, slots };
}

/** The numeric problem over the volunteers `kept` (renumbered in that order). */
function toProblem(
  plain: Plain,
  kept: readonly number[],
  edgeKept: (r: number, edge: Edge) => boolean = () => true,
): AssignmentProblem {
  const numberOf = new Map(kept.map((volunteer, number) => [volunteer, number]));
  const edges = plain.edges.map((list, r) =>
    list.filter((edge) => numberOf.has(edge.volunteer) && edgeKept(r, edge)),
  );
  const edgeStart = new Int32Array(edges.length + 1);
  edges.forEach((list, r) => (edgeStart[r + 1] = edgeStart[r]! + list.length));
  const flat = edges.flat();
  const slotStart = new Int32Array(kept.length + 1);
  kept.forEach(
    (v, number) => (slotStart[number + 1] = slotStart[number]! + plain.slots[v]!.length),
  );
  return {
    requestCount: edges.length,
    volunteerCount: kept.length,
    priority: Uint8Array.from(plain.priority),
    edgeStart,
    edgeVolunteer: Int32Array.from(flat, (edge) => numberOf.get(edge.volunteer)!),
    edgeValue: Float64Array.from(flat, (edge) => edge.value),
    slotStart,
    slotValue: Float64Array.from(kept.flatMap((v) => plain.slots[v]!)),
    valueCeiling: VALUE_CEILING,
  };
}

/** [assigned at priority 4, 3, 2, 1, total value]: compared left to right. */
type Objective = number[];

function objectiveOf(plain: Plain, choice: readonly number[]): Objective | undefined {
  const used = plain.slots.map(() => 0);
  const objective = [0, 0, 0, 0, 0];
  for (let r = 0; r < choice.length; r += 1) {
    const volunteer = choice[r]!;
    if (volunteer === -1) continue;
    const edge = plain.edges[r]!.find((candidate) => candidate.volunteer === volunteer);
    if (edge === undefined) return undefined;
    if (used[volunteer] === plain.slots[volunteer]!.length) return undefined;
    objective[PRIORITIES - plain.priority[r]!]! += 1;
    objective[4]! += edge.value + plain.slots[volunteer]![used[volunteer]!]!;
    used[volunteer]! += 1;
  }
  return objective;
}

function compare(a: Objective, b: Objective): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Every assignment (each request: no volunteer or one of its edges), the best objective. */
function bruteForce(plain: Plain): Objective {
  let best: Objective = [0, 0, 0, 0, 0];
  const choice: number[] = [];
  const visit = (r: number): void => {
    if (r === plain.edges.length) {
      const objective = objectiveOf(plain, choice);
      if (objective !== undefined && compare(objective, best) > 0) best = objective;
      return;
    }
    for (const volunteer of [-1, ...plain.edges[r]!.map((edge) => edge.volunteer)]) {
      choice[r] = volunteer;
      visit(r + 1);
    }
  };
  visit(0);
  return best;
}

/** The flow's assignment in the plain problem's volunteer numbers. */
function choiceOf(flow: AssignmentFlow, kept: readonly number[]): number[] {
  return [...flow.solution().volunteerOf].map((number) => (number === -1 ? -1 : kept[number]!));
}

const INSTANCES = 300;
const everyVolunteer = (plain: Plain): number[] => plain.slots.map((_, v) => v);

describe('assignment flow against brute force', () => {
  it('reaches the lexicographic optimum on small random problems', () => {
    const random = seededRandom(0x5eed_f10e);
    for (let i = 0; i < INSTANCES; i += 1) {
      const plain = randomPlain(random);
      const kept = everyVolunteer(plain);
      const flow = AssignmentFlow.solve(toProblem(plain, kept));
      expect(objectiveOf(plain, choiceOf(flow, kept)), `instance ${i}`).toEqual(bruteForce(plain));
    }
  });

  it('reaches the optimum of a grown problem without solving it again', () => {
    const random = seededRandom(0x6a0f);
    let grewWithChange = 0;
    for (let i = 0; i < INSTANCES; i += 1) {
      const plain = randomPlain(random);
      // First about half the edges, over the volunteers they reach; then every edge.
      const firstEdges = plain.edges.map((list) => new Set(list.filter(() => random() < 0.5)));
      const reached = [...new Set(firstEdges.flatMap((set) => [...set].map((e) => e.volunteer)))];
      reached.sort((a, b) => a - b);
      const small = AssignmentFlow.solve(
        toProblem(plain, reached, (r, e) => firstEdges[r]!.has(e)),
      );
      const before = objectiveOf(plain, choiceOf(small, reached))!;
      const all = everyVolunteer(plain);
      const grown = small.grow(toProblem(plain, all), Int32Array.from(reached));
      const best = bruteForce(plain);
      expect(objectiveOf(plain, choiceOf(grown, all)), `instance ${i}`).toEqual(best);
      if (compare(best, before) > 0) grewWithChange += 1;
    }
    // The test means something only if growing often had to change the assignment.
    expect(grewWithChange).toBeGreaterThan(INSTANCES / 4);
  });

  it('grows again and again, to the optimum each time', () => {
    const random = seededRandom(0x6a10);
    for (let i = 0; i < INSTANCES; i += 1) {
      const plain = randomPlain(random);
      // Edges arrive in three steps; each grown flow must be the optimum of what it has.
      const step = plain.edges.map((list) => list.map(() => Math.floor(random() * 3)));
      let flow: AssignmentFlow | undefined;
      let kept: number[] = [];
      for (let upTo = 0; upTo < 3; upTo += 1) {
        const part: Plain = {
          ...plain,
          edges: plain.edges.map((list, r) => list.filter((_, j) => step[r]![j]! <= upTo)),
        };
        const reached = [...new Set(part.edges.flat().map((e) => e.volunteer))].sort(
          (a, b) => a - b,
        );
        const problem = toProblem(part, reached);
        const numberOf = Int32Array.from(kept, (v) => reached.indexOf(v));
        flow = flow === undefined ? AssignmentFlow.solve(problem) : flow.grow(problem, numberOf);
        kept = reached;
        expect(objectiveOf(part, choiceOf(flow, reached)), `instance ${i}, step ${upTo}`).toEqual(
          bruteForce(part),
        );
      }
    }
  });

  it('clears a left-out edge only when adding it cannot improve the optimum', () => {
    const random = seededRandom(0xadd1);
    let cleared = 0;
    let refused = 0;
    for (let i = 0; i < INSTANCES; i += 1) {
      const plain = randomPlain(random);
      const all = everyVolunteer(plain);
      const firstEdges = plain.edges.map((list) => new Set(list.filter(() => random() < 0.6)));
      const partial: Plain = {
        ...plain,
        edges: plain.edges.map((list, r) => list.filter((e) => firstEdges[r]!.has(e))),
      };
      const { admission } = AssignmentFlow.solve(toProblem(partial, all)).solution();
      const partialBest = bruteForce(partial);
      let allCleared = true;
      plain.edges.forEach((list, r) => {
        for (const edge of list) {
          if (firstEdges[r]!.has(edge)) continue;
          const withEdge: Plain = {
            ...partial,
            edges: partial.edges.map((kept, q) => (q === r ? [...kept, edge] : kept)),
          };
          if (edge.value + plain.slots[edge.volunteer]![0]! <= admission[r]!) {
            cleared += 1;
            expect(bruteForce(withEdge), `instance ${i}`).toEqual(partialBest);
          } else {
            refused += 1;
            allCleared = false;
          }
        }
      });
      // Every left-out edge cleared: the partial optimum is the full one.
      if (allCleared) expect(bruteForce(plain), `instance ${i}`).toEqual(partialBest);
    }
    expect(cleared).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
