// What each request takes from its profile's list: its top k by (rank score, its own tie-break
// points), or a spread of rows its tie-break prefers. What a request leaves out is bounded exactly
// (leftOut), so the batch can prove that leaving it out changed nothing.
import type { OfferPool } from '../offer-pool.js';
import { NOISE_SPAN, noiseOf, pairTieKey } from '../tie-break.js';
import type { CandidateList } from './candidate-list.js';

/** The edges one request keeps, and the best it leaves out (score −1: nothing left out). */
export interface RequestEdges {
  /** Pool rows, and each one's rank score. */
  readonly rows: number[];
  readonly scores: number[];
  readonly leftOutScore: number;
  readonly leftOutNoise: number;
}

interface Ranked {
  readonly row: number;
  readonly noise: number;
  readonly key: number;
}

function ahead(a: Ranked, b: Ranked): boolean {
  if (a.noise !== b.noise) return a.noise > b.noise;
  if (a.key !== b.key) return a.key < b.key;
  return a.row < b.row;
}

/**
 * A request's top `k` rows of its profile's list by (rank score, tie-break points), skipping its
 * excluded rows; and the best (score, points) among
 * the eligible rows it does not keep — exact inside the list, bounded by (beyond, NOISE_SPAN − 1)
 * past it.
 */
export function pickEdges(
  pool: OfferPool,
  list: CandidateList,
  excluded: ReadonlySet<number>,
  requestHash: number,
  k: number,
): RequestEdges {
  const { rows: listed, scores } = list;
  const rows: number[] = [];
  const kept: number[] = [];
  const hashes = pool.volunteerHash;
  let i = 0;
  while (i < listed.length) {
    const score = scores[i]!;
    let end = i;
    while (end < listed.length && scores[end] === score) end += 1;
    const room = k - rows.length;
    const members: number[] = [];
    for (let j = i; j < end; j += 1) if (!excluded.has(listed[j]!)) members.push(listed[j]!);
    if (members.length <= room) {
      for (const row of members) {
        rows.push(row);
        kept.push(score);
      }
    } else {
      // The group's best room + 1 members by tie-break points (then tie key, then row).
      const size = Math.max(0, room);
      const best: Ranked[] = [];
      for (const row of members) {
        const key = pairTieKey(requestHash, hashes[row]!);
        const entry = { row, noise: noiseOf(key), key };
        if (best.length === size + 1 && !ahead(entry, best[size]!)) continue;
        let at = best.length;
        while (at > 0 && ahead(entry, best[at - 1]!)) at -= 1;
        best.splice(at, 0, entry);
        if (best.length > size + 1) best.pop();
      }
      for (const entry of best.slice(0, size)) {
        rows.push(entry.row);
        kept.push(score);
      }
      return { rows, scores: kept, leftOutScore: score, leftOutNoise: best[size]!.noise };
    }
    i = end;
  }
  return list.beyond >= 0
    ? { rows, scores: kept, leftOutScore: list.beyond, leftOutNoise: NOISE_SPAN - 1 }
    : { rows, scores: kept, leftOutScore: -1, leftOutNoise: 0 };
}

/**
 * `count` rows of the list a request also links to so that a profile's requests, which share one
 * ranking, do not all compete for the same few volunteers: the rows this request's tie-break
 * prefers (highest tie-break points), skipping `skip`. Spread this way, the requests of a profile
 * reach between them most of the volunteers the list holds.
 */
export function spreadEdges(
  pool: OfferPool,
  list: CandidateList,
  skip: ReadonlySet<number>,
  requestHash: number,
  count: number,
): { readonly rows: number[]; readonly scores: number[] } {
  const best: (Ranked & { readonly score: number })[] = [];
  if (count <= 0) return { rows: [], scores: [] };
  const hashes = pool.volunteerHash;
  for (let j = 0; j < list.rows.length; j += 1) {
    const row = list.rows[j]!;
    if (skip.has(row)) continue;
    const key = pairTieKey(requestHash, hashes[row]!);
    const entry = { row, noise: noiseOf(key), key, score: list.scores[j]! };
    if (best.length === count && !ahead(entry, best[count - 1]!)) continue;
    let at = best.length;
    while (at > 0 && ahead(entry, best[at - 1]!)) at -= 1;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return { rows: best.map((entry) => entry.row), scores: best.map((entry) => entry.score) };
}
