// An exact solver for the batch assignment (assignment-problem.ts) as a min-cost circulation:
// source s → request r (capacity 1, cost −priority·W), r → volunteer v (cost −edge value),
// v → sink t (one arc per slot, cost −slot value), t → s (free). Costs are the lexicographic
// objective folded into one number: W exceeds any value sum along a simple cycle, so a cycle's
// sign is decided by the priorities it trades first, then by value (docs/matching.md).
//
// Requests join one at a time. A circulation that is optimal without request r's source arc is
// improved, if at all, by one cycle through that arc: the shortest path from r back to s in the
// residual graph (ending through t — a free slot — or through a request it drops). Dijkstra with
// potentials finds it; the potentials stay feasible (no negative reduced cost) on every residual
// arc the searches use, which also certifies the edges the caller left out (see #admission).
//
// A solved flow can grow: the same requests with more edges. Each request that gains edges leaves
// the flow — optimally, by the cheapest cycle through its drop arc (#leave) — and joins again with
// all of them; two searches per such request instead of a new solve.
// The residual arc s → t is never used: a simple cycle through it drops a request without adding
// one, which costs a priority weight, so it is never negative.
import type { AssignmentProblem, AssignmentSolution } from './assignment-problem.js';
import { MAGNITUDE_LIMIT, priorityWeight } from './assignment-problem.js';
import { IndexedSet } from './indexed-set.js';
import { KeyedHeap } from './keyed-heap.js';
import { MinHeap } from './min-heap.js';

export class AssignmentFlow {
  readonly #p: AssignmentProblem;
  readonly #weight: number;
  readonly #requests: number;
  readonly #sink: number;
  readonly #source: number;
  readonly #potential: Float64Array;
  /** Per edge: 1 once it is part of the network the searches see. */
  readonly #active: Uint8Array;
  readonly #joined: Uint8Array;
  readonly #volunteerOf: Int32Array;
  readonly #edgeOf: Int32Array;
  /** Slots in use per volunteer. */
  readonly #used: Int32Array;
  /** Each volunteer's requests as a doubly linked list over request numbers. */
  readonly #head: Int32Array;
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  /**
   * Volunteers with a slot in use (the sink's reverse arcs), keyed by the reduced cost of freeing
   * their last slot less the sink's potential: slot value − the volunteer's potential.
   */
  readonly #busy: KeyedHeap;
  /** Joined requests without a volunteer (the source's arcs). */
  readonly #waiting: IndexedSet;
  // Dijkstra's state, reused: a node is reached / settled in the current search when its stamp is.
  readonly #distance: Float64Array;
  readonly #reached: Int32Array;
  readonly #settled: Int32Array;
  readonly #parent: Int32Array;
  readonly #parentEdge: Int32Array;
  readonly #settledList: Int32Array;
  #settledCount = 0;
  #search = 0;
  readonly #heap = new MinHeap();
  /** Per volunteer, the requests with an edge to it and the edge: the arcs into it (built once). */
  #incoming: { start: Int32Array; request: Int32Array; edge: Int32Array } | undefined;

  private constructor(problem: AssignmentProblem) {
    this.#p = problem;
    this.#weight = priorityWeight(problem);
    const requests = problem.requestCount;
    const volunteers = problem.volunteerCount;
    const nodes = requests + volunteers + 2;
    this.#requests = requests;
    this.#sink = requests + volunteers;
    this.#source = requests + volunteers + 1;
    this.#potential = new Float64Array(nodes);
    // With nothing assigned, a volunteer's potential makes its first slot arc tight.
    for (let v = 0; v < volunteers; v += 1) {
      this.#potential[requests + v] = problem.slotValue[problem.slotStart[v]!]!;
    }
    this.#active = new Uint8Array(problem.edgeVolunteer.length);
    this.#joined = new Uint8Array(requests);
    this.#volunteerOf = new Int32Array(requests).fill(-1);
    this.#edgeOf = new Int32Array(requests).fill(-1);
    this.#used = new Int32Array(volunteers);
    this.#head = new Int32Array(volunteers).fill(-1);
    this.#next = new Int32Array(requests).fill(-1);
    this.#prev = new Int32Array(requests).fill(-1);
    this.#busy = new KeyedHeap(volunteers);
    this.#waiting = new IndexedSet(requests);
    this.#distance = new Float64Array(nodes);
    this.#reached = new Int32Array(nodes);
    this.#settled = new Int32Array(nodes);
    this.#parent = new Int32Array(nodes);
    this.#parentEdge = new Int32Array(nodes);
    this.#settledList = new Int32Array(nodes);
  }

  /** The optimum of `problem`: every request with edges joins in turn. */
  static solve(problem: AssignmentProblem): AssignmentFlow {
    const flow = new AssignmentFlow(problem);
    flow.#active.fill(1);
    flow.#joinAll();
    return flow;
  }

  /**
   * The optimum of `problem`, a grown copy of this flow's: the same requests, every old edge
   * still there (new ones added anywhere), every old volunteer still there with the same slots.
   * `numberOf[v]` is old volunteer v's number in `problem`. This flow is not used afterwards.
   */
  grow(problem: AssignmentProblem, numberOf: Int32Array): AssignmentFlow {
    const old = this.#p;
    const grown = new AssignmentFlow(problem);
    if (problem.requestCount !== old.requestCount || numberOf.length !== old.volunteerCount) {
      throw new RangeError('assignment flow: a grown problem keeps its requests and volunteers');
    }
    if (grown.#weight !== this.#weight) {
      throw new RangeError('assignment flow: a grown problem keeps its priority weight');
    }
    const requests = this.#requests;
    const potential = grown.#potential;
    // A volunteer new to the network has no flow: its first slot arc is made tight.
    const sinkShift = this.#potential[this.#sink]!;
    for (let v = 0; v < problem.volunteerCount; v += 1) {
      potential[requests + v] = sinkShift + problem.slotValue[problem.slotStart[v]!]!;
    }
    for (let v = 0; v < old.volunteerCount; v += 1) {
      const number = numberOf[v]!;
      const slots = old.slotStart[v + 1]! - old.slotStart[v]!;
      if (problem.slotStart[number + 1]! - problem.slotStart[number]! !== slots) {
        throw new RangeError('assignment flow: a grown problem keeps every volunteer’s slots');
      }
      potential[requests + number] = this.#potential[requests + v]!;
      grown.#used[number] = this.#used[v]!;
    }
    potential[grown.#sink] = this.#potential[this.#sink]!;
    potential[grown.#source] = this.#potential[this.#source]!;
    for (let v = 0; v < problem.volunteerCount; v += 1) grown.#rekey(v);
    for (let r = 0; r < requests; r += 1) {
      potential[r] = this.#potential[r]!;
      grown.#joined[r] = this.#joined[r]!;
      const held = new Set<number>();
      for (let e = old.edgeStart[r]!; e < old.edgeStart[r + 1]!; e += 1) {
        held.add(numberOf[old.edgeVolunteer[e]!]!);
      }
      for (let e = problem.edgeStart[r]!; e < problem.edgeStart[r + 1]!; e += 1) {
        if (held.delete(problem.edgeVolunteer[e]!)) grown.#active[e] = 1;
      }
      if (held.size > 0) throw new RangeError('assignment flow: a grown problem keeps every edge');
      const volunteer = this.#volunteerOf[r]!;
      if (volunteer !== -1) {
        const number = numberOf[volunteer]!;
        let edge = problem.edgeStart[r]!;
        while (problem.edgeVolunteer[edge] !== number) edge += 1;
        grown.#assign(r, number, edge);
      } else if (this.#joined[r] === 1) {
        grown.#waiting.add(r);
      }
    }
    // Every request that gains edges leaves the flow (optimally), then joins again with them.
    const rejoining: number[] = [];
    for (let r = 0; r < requests; r += 1) {
      let added = false;
      for (let e = problem.edgeStart[r]!; e < problem.edgeStart[r + 1]!; e += 1) {
        if (grown.#active[e] === 0) added = true;
      }
      if (added && grown.#joined[r] === 1) rejoining.push(r);
    }
    for (const r of rejoining) grown.#leave(r);
    grown.#active.fill(1);
    grown.#joinAll();
    return grown;
  }

  solution(): AssignmentSolution {
    return {
      volunteerOf: Int32Array.from(this.#volunteerOf),
      edgeOf: Int32Array.from(this.#edgeOf),
      admission: this.#admission(),
    };
  }

  /**
   * Takes request r's source arc away, leaving the flow optimal without it. A waiting request's
   * arc carries nothing: it simply goes. An assigned request's unit goes back around the cheapest
   * cycle through its drop arc: r → s, then the shortest residual path from s back to r — most
   * often s → t → its volunteer → r (a slot freed, one request fewer), or through a waiting
   * request that takes its place. That path is searched backwards, from r, so the search stays
   * near r; s → t (the residual of t → s) is never longer than any other way from s to t, so the
   * sink needs no arc but that one.
   */
  #leave(r: number): void {
    this.#joined[r] = 0;
    if (this.#volunteerOf[r] === -1) {
      this.#waiting.delete(r);
      return;
    }
    const source = this.#source;
    const sink = this.#sink;
    this.#search += 1;
    this.#settledCount = 0;
    const search = this.#search;
    const heap = this.#heap;
    const distance = this.#distance;
    heap.clear();
    this.#reach(r, 0, -1, -1);
    // s → t as a reduced cost: ≤ 0, since t → s is feasible.
    const viaSink = this.#potential[source]! - this.#potential[sink]!;
    for (;;) {
      if (heap.size === 0) throw new Error('assignment flow: an assigned request cannot leave');
      const key = heap.peekKey();
      const node = heap.pop();
      if (this.#settled[node] === search || key > distance[node]!) continue;
      // Anything still to come reaches s at key or later, or key + viaSink through t.
      const soonest = key + (this.#settled[sink] === search ? 0 : Math.min(0, viaSink));
      if (this.#reached[source] === search && distance[source]! <= soonest) break;
      if (node === source) continue;
      this.#settled[node] = search;
      this.#settledList[this.#settledCount] = node;
      this.#settledCount += 1;
      this.#expandBackwards(node, key, viaSink);
    }
    const found = distance[source]!;
    const potential = this.#potential;
    for (let i = 0; i < this.#settledCount; i += 1) {
      const node = this.#settledList[i]!;
      potential[node] = potential[node]! + found - distance[node]!;
      if (node >= this.#requests && node < sink) this.#rekey(node - this.#requests);
    }
    const path: number[] = [];
    for (let node = source; node !== -1; node = this.#parent[node]!) path.push(node);
    if (path[path.length - 1] !== r) throw new Error('assignment flow: broken path');
    this.#push(path, (from) => this.#parentEdge[from]!);
  }

  /**
   * Relaxes the residual arcs into `node` (a backwards search: distances run to the target, and a
   * node's parent is the next node toward it).
   */
  #expandBackwards(node: number, at: number, viaSink: number): void {
    const p = this.#p;
    const requests = this.#requests;
    const potential = this.#potential;
    const source = this.#source;
    if (node < requests) {
      const volunteer = this.#volunteerOf[node]!;
      if (volunteer !== -1) {
        // Its volunteer lets it go.
        const from = requests + volunteer;
        const cost = p.edgeValue[this.#edgeOf[node]!]!;
        this.#relaxBackwards(from, at + cost + potential[from]! - potential[node]!, node, -1);
      } else if (this.#waiting.has(node)) {
        const cost = -p.priority[node]! * this.#weight;
        this.#relaxBackwards(source, at + cost + potential[source]! - potential[node]!, node, -1);
      }
    } else if (node < this.#sink) {
      const volunteer = node - requests;
      if (this.#used[volunteer]! > 0) {
        // The sink frees its last slot.
        const last = p.slotStart[volunteer]! + this.#used[volunteer]! - 1;
        const cost = p.slotValue[last]!;
        const sink = this.#sink;
        this.#relaxBackwards(sink, at + cost + potential[sink]! - potential[node]!, node, -1);
      }
      const incoming = this.#incomingArcs();
      for (let i = incoming.start[volunteer]!; i < incoming.start[volunteer + 1]!; i += 1) {
        const e = incoming.edge[i]!;
        const from = incoming.request[i]!;
        if (this.#active[e] !== 1 || this.#volunteerOf[from] === volunteer) continue;
        const cost = -p.edgeValue[e]!;
        this.#relaxBackwards(from, at + cost + potential[from]! - potential[node]!, node, e);
      }
    } else if (node === this.#sink) {
      this.#relaxBackwards(source, at + viaSink, node, -1);
    }
  }

  #relaxBackwards(to: number, candidate: number, next: number, edge: number): void {
    if (this.#settled[to] === this.#search) return;
    if (this.#reached[to] !== this.#search || candidate < this.#distance[to]!) {
      this.#reach(to, candidate, next, edge);
    }
  }

  #incomingArcs(): { start: Int32Array; request: Int32Array; edge: Int32Array } {
    if (this.#incoming !== undefined) return this.#incoming;
    const { edgeStart, edgeVolunteer, volunteerCount, requestCount } = this.#p;
    const start = new Int32Array(volunteerCount + 1);
    for (const volunteer of edgeVolunteer) start[volunteer + 1] = start[volunteer + 1]! + 1;
    for (let v = 0; v < volunteerCount; v += 1) start[v + 1] = start[v + 1]! + start[v]!;
    const fill = start.slice(0, volunteerCount);
    const request = new Int32Array(edgeVolunteer.length);
    const edge = new Int32Array(edgeVolunteer.length);
    for (let r = 0; r < requestCount; r += 1) {
      for (let e = edgeStart[r]!; e < edgeStart[r + 1]!; e += 1) {
        const at = fill[edgeVolunteer[e]!]!;
        fill[edgeVolunteer[e]!] = at + 1;
        request[at] = r;
        edge[at] = e;
      }
    }
    this.#incoming = { start, request, edge };
    return this.#incoming;
  }

  #joinAll(): void {
    const { edgeStart } = this.#p;
    for (let r = 0; r < this.#requests; r += 1) {
      if (this.#joined[r] === 0 && edgeStart[r + 1]! > edgeStart[r]!) this.#join(r);
    }
  }

  /** Adds request r's source arc and cancels the one negative cycle it may close. */
  #join(r: number): void {
    const { edgeStart, edgeVolunteer, edgeValue } = this.#p;
    const potential = this.#potential;
    let highest = -Infinity;
    for (let e = edgeStart[r]!; e < edgeStart[r + 1]!; e += 1) {
      this.#tighten(edgeVolunteer[e]!);
      highest = Math.max(highest, potential[this.#requests + edgeVolunteer[e]!]! + edgeValue[e]!);
    }
    potential[r] = highest;
    this.#joined[r] = 1;
    const reached = this.#shortestPath(r, this.#source);
    if (!reached) throw new Error('assignment flow: the source is unreachable from a request');
    const found = this.#distance[this.#source]!;
    // The cycle's true cost: the source arc, then the path (reduced + potential difference).
    const cycleCost =
      -this.#p.priority[r]! * this.#weight + found + potential[this.#source]! - highest;
    this.#shiftSettled(found);
    if (cycleCost < 0) this.#augment(r, this.#source);
    else this.#waiting.add(r);
  }

  /**
   * Lowers an unused volunteer's potential to the least its slot arc allows (the sink's plus its
   * first slot's value). Always feasible — no arc but that one leaves an unused volunteer, and
   * lowering a node only adds slack to the arcs into it — and it keeps new edges to volunteers
   * the searches have not touched for a while from looking far better than they are.
   */
  #tighten(volunteer: number): void {
    if (this.#used[volunteer] !== 0) return;
    const node = this.#requests + volunteer;
    const least = this.#potential[this.#sink]! + this.#p.slotValue[this.#p.slotStart[volunteer]!]!;
    if (least < this.#potential[node]!) this.#potential[node] = least;
  }

  /** Settled nodes' potentials += distance − `bound` (bound ≥ every settled distance, ≤ the rest). */
  #shiftSettled(bound: number): void {
    const potential = this.#potential;
    for (let i = 0; i < this.#settledCount; i += 1) {
      const node = this.#settledList[i]!;
      const shifted = potential[node]! + this.#distance[node]! - bound;
      // Far inside what a double holds exactly; past it something is wrong, so say so.
      if (Math.abs(shifted) > MAGNITUDE_LIMIT / 8) {
        throw new RangeError('assignment flow: a potential outgrew exact arithmetic');
      }
      potential[node] = shifted;
      if (node >= this.#requests && node < this.#sink) this.#rekey(node - this.#requests);
    }
  }

  /** Files volunteer v in the busy heap under its current last slot and potential, or removes it. */
  #rekey(volunteer: number): void {
    const used = this.#used[volunteer]!;
    if (used === 0) {
      this.#busy.delete(volunteer);
      return;
    }
    const last = this.#p.slotStart[volunteer]! + used - 1;
    this.#busy.set(
      volunteer,
      this.#p.slotValue[last]! - this.#potential[this.#requests + volunteer]!,
    );
  }

  /**
   * Dijkstra from `start` over reduced costs until no unsettled node is nearer than `target`
   * (which is left unsettled); whether it was reached. Distances are reduced ones.
   */
  #shortestPath(start: number, target: number): boolean {
    this.#search += 1;
    this.#settledCount = 0;
    this.#heap.clear();
    this.#reach(start, 0, -1, -1);
    return this.#searchTo(target);
  }

  /** The Dijkstra loop of #shortestPath, over whatever the heap was seeded with. */
  #searchTo(target: number): boolean {
    const search = this.#search;
    const heap = this.#heap;
    const distance = this.#distance;
    while (heap.size > 0) {
      const key = heap.peekKey();
      const node = heap.pop();
      if (this.#settled[node] === search || key > distance[node]!) continue;
      if (this.#reached[target] === search && distance[target]! <= key) return true;
      this.#settled[node] = search;
      this.#settledList[this.#settledCount] = node;
      this.#settledCount += 1;
      this.#expand(node, key, target);
    }
    return this.#reached[target] === search;
  }

  #expand(node: number, at: number, target: number): void {
    const p = this.#p;
    const requests = this.#requests;
    const search = this.#search;
    const potential = this.#potential;
    const settled = this.#settled;
    const reached = this.#reached;
    const distance = this.#distance;
    // Nothing reached at or past the target's distance can be settled before it: not pushed.
    const limit = target !== -1 && reached[target] === search ? distance[target]! : Infinity;
    if (node < requests) {
      const { edgeStart, edgeVolunteer, edgeValue } = p;
      const active = this.#active;
      const current = this.#volunteerOf[node]!;
      const base = at + potential[node]!;
      for (let e = edgeStart[node]!; e < edgeStart[node + 1]!; e += 1) {
        const volunteer = edgeVolunteer[e]!;
        if (volunteer === current || active[e] !== 1) continue;
        const to = requests + volunteer;
        if (settled[to] === search) continue;
        const candidate = base - edgeValue[e]! - potential[to]!;
        if (candidate >= limit) continue;
        if (reached[to] !== search || candidate < distance[to]!)
          this.#reach(to, candidate, node, e);
      }
      // Dropping an assigned request gives back its priority.
      if (current !== -1) this.#relax(node, this.#source, p.priority[node]! * this.#weight, at, -1);
    } else if (node < this.#sink) {
      const volunteer = node - requests;
      const base = at + potential[node]!;
      for (let held = this.#head[volunteer]!; held !== -1; held = this.#next[held]!) {
        if (settled[held] === search) continue;
        const candidate = base + p.edgeValue[this.#edgeOf[held]!]! - potential[held]!;
        if (candidate >= limit) continue;
        if (reached[held] !== search || candidate < distance[held]!) {
          this.#reach(held, candidate, node, -1);
        }
      }
      const used = this.#used[volunteer]!;
      if (p.slotStart[volunteer]! + used < p.slotStart[volunteer + 1]!) {
        this.#relax(node, this.#sink, -p.slotValue[p.slotStart[volunteer]! + used]!, at, -1);
      }
    } else if (node === this.#sink) {
      this.#relax(node, this.#source, 0, at, -1);
      // Freeing a busy volunteer's last slot gives back its value; only those that could still
      // be reached nearer than the target are worth relaxing.
      const best =
        target !== -1 && this.#reached[target] === this.#search
          ? this.#distance[target]!
          : Infinity;
      const sinkPotential = this.#potential[node]!;
      this.#busy.forEachBelow(best - at - sinkPotential, (volunteer, key) => {
        this.#relaxTo(requests + volunteer, at + key + sinkPotential, node);
      });
    } else {
      // The source: a waiting request joins.
      for (let i = 0; i < this.#waiting.size; i += 1) {
        const r = this.#waiting.at(i);
        this.#relax(node, r, -p.priority[r]! * this.#weight, at, -1);
      }
    }
  }

  #relax(from: number, to: number, cost: number, at: number, edge: number): void {
    if (this.#settled[to] === this.#search) return;
    const candidate = at + cost + this.#potential[from]! - this.#potential[to]!;
    if (this.#reached[to] !== this.#search || candidate < this.#distance[to]!) {
      this.#reach(to, candidate, from, edge);
    }
  }

  /** Relaxes a sink → volunteer arc whose candidate distance the busy heap already knows. */
  #relaxTo(to: number, candidate: number, from: number): void {
    if (this.#settled[to] === this.#search) return;
    if (this.#reached[to] !== this.#search || candidate < this.#distance[to]!) {
      this.#reach(to, candidate, from, -1);
    }
  }

  #reach(node: number, distance: number, parent: number, edge: number): void {
    this.#reached[node] = this.#search;
    this.#distance[node] = distance;
    this.#parent[node] = parent;
    this.#parentEdge[node] = edge;
    this.#heap.push(distance, node);
  }

  /** Pushes one unit along the path the last search found from `start` to `target`. */
  #augment(start: number, target: number): void {
    const path: number[] = [];
    for (let node = target; node !== -1; node = this.#parent[node]!) path.push(node);
    path.reverse();
    if (path[0] !== start) throw new Error('assignment flow: broken path');
    // A forward search keeps the edge of a request → volunteer step on the volunteer.
    this.#push(path, (_, to) => this.#parentEdge[to]!);
  }

  /** Pushes one unit along `path`; `edgeOf(from, to)` is the edge of a request → volunteer step. */
  #push(path: readonly number[], edgeOf: (from: number, to: number) => number): void {
    const requests = this.#requests;
    const sink = this.#sink;
    const source = this.#source;
    for (let i = 0; i + 1 < path.length; i += 1) {
      const from = path[i]!;
      const to = path[i + 1]!;
      if (from < requests) {
        // A request takes a volunteer, or is dropped (its volunteer already let it go).
        if (to === source) this.#waiting.add(from);
        else this.#assign(from, to - requests, edgeOf(from, to));
      } else if (from < sink) {
        if (to === sink) this.#changeUsed(from - requests, 1);
        else this.#unassign(to);
      } else if (from === sink) {
        if (to !== source) this.#changeUsed(to - requests, -1);
      } else if (to !== sink) {
        // A waiting request joins (from the source to the sink: one request fewer assigned).
        this.#waiting.delete(to);
      }
    }
  }

  #assign(request: number, volunteer: number, edge: number): void {
    this.#waiting.delete(request);
    this.#volunteerOf[request] = volunteer;
    this.#edgeOf[request] = edge;
    const first = this.#head[volunteer]!;
    this.#next[request] = first;
    this.#prev[request] = -1;
    if (first !== -1) this.#prev[first] = request;
    this.#head[volunteer] = request;
  }

  #unassign(request: number): void {
    const volunteer = this.#volunteerOf[request]!;
    const before = this.#prev[request]!;
    const after = this.#next[request]!;
    if (before === -1) this.#head[volunteer] = after;
    else this.#next[before] = after;
    if (after !== -1) this.#prev[after] = before;
    this.#volunteerOf[request] = -1;
    this.#edgeOf[request] = -1;
  }

  #changeUsed(volunteer: number, by: 1 | -1): void {
    this.#used[volunteer] = this.#used[volunteer]! + by;
    this.#rekey(volunteer);
  }

  /** Dijkstra over the whole residual network from the sink (reduced distances). */
  #distancesFromSink(): void {
    this.#search += 1;
    this.#settledCount = 0;
    const search = this.#search;
    const heap = this.#heap;
    const distance = this.#distance;
    heap.clear();
    this.#reach(this.#sink, 0, -1, -1);
    while (heap.size > 0) {
      const key = heap.peekKey();
      const node = heap.pop();
      if (this.#settled[node] === search || key > distance[node]!) continue;
      this.#settled[node] = search;
      this.#expand(node, key, -1);
    }
  }

  /**
   * Per request, the true length D(t → r) of the shortest residual path from the sink, or
   * +Infinity if none. Shortest distances from t are the largest feasible potentials relative to
   * t (π(r) − π(t) ≤ D(t → r) for any feasible π), and every volunteer can be given a potential
   * ≤ π(t) + its first slot's value (a used one already has one, through its freed-slot arc; an
   * unused one has no other constraint pushing it up). So an edge (r, v) left out keeps every
   * reduced cost ≥ 0 — the circulation optimal with it — when value + firstSlot(v) ≤ D(t → r).
   */
  #admission(): Float64Array {
    const requests = this.#requests;
    const sink = this.#sink;
    const potential = this.#potential;
    this.#distancesFromSink();
    const search = this.#search;
    const distance = this.#distance;
    const p = this.#p;
    const admission = new Float64Array(requests).fill(-Infinity);
    for (let r = 0; r < requests; r += 1) {
      if (p.edgeStart[r + 1]! === p.edgeStart[r]!) continue;
      admission[r] =
        this.#reached[r] === search
          ? distance[r]! + potential[r]! - potential[sink]!
          : Number.POSITIVE_INFINITY;
    }
    return admission;
  }
}
