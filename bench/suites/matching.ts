// The matching engine on seeded, skewed data (bench/matching-data.ts): 100 000 offers and 10 000
// waiting requests. `match.rank_100k` ranks one request against every offer, against a plain scan
// that only applies the same hard constraints to the same offers in the same run (samples
// interleaved, medians reported); `match.batch_10k` assigns all the requests at once; and
// `match.batch_quality` is the batch's total score over the greedy assignment's on the same data.
import { skillDefinition } from '@kolokol/shared';
import {
  PairHistoryIndex,
  assignBatch,
  assignGreedily,
  rankOffers,
  type MatchOffer,
  type MatchRequest,
} from '../../server/src/domain/matching/index.js';
import { generateMatchingData } from '../matching-data.js';
import type { BenchResult } from '../measure.js';

const SEED = 1;
const OFFERS = 100_000;
const REQUESTS = 10_000;
/** Requests ranked, each once per sample round, alternating with the baseline scan. */
const RANKED = 25;
const BATCH_RUNS = 3;
const RANK_TARGET_MS = 50;
const BATCH_TARGET_MS = 10_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(operation: () => unknown): number {
  const start = performance.now();
  operation();
  return performance.now() - start;
}

const TIER = { none: 0, standard: 1, high: 2 } as const;

/** The baseline: one pass that only filters the offers by the hard constraints, scoring nothing. */
function plainScan(
  request: MatchRequest,
  offers: readonly MatchOffer[],
  history: PairHistoryIndex,
): number {
  const needsHigh = request.skills.some((code) => skillDefinition(code).risk === 'high');
  const excluded = history.excludedFor(request);
  let eligible = 0;
  for (const offer of offers) {
    if (offer.paused || offer.activeLoad >= offer.capacity) continue;
    if (TIER[offer.vetting] < (needsHigh ? 2 : 1)) continue;
    if (!offer.skills.some((skill) => request.skills.includes(skill.code))) continue;
    if (!offer.languages.some((language) => request.languages.includes(language))) continue;
    if (offer.volunteerId === request.contactId || excluded.has(offer.volunteerId)) continue;
    eligible += 1;
  }
  return eligible;
}

export async function run(): Promise<BenchResult[]> {
  const data = generateMatchingData({ seed: SEED, requests: REQUESTS, offers: OFFERS });
  const history = new PairHistoryIndex(data.history);
  const ranked = data.requests.slice(0, RANKED);

  // Warm up both, and check they agree on who is eligible.
  for (const request of ranked) {
    if (
      rankOffers(request, data.offers, history, data.now).eligible !==
      plainScan(request, data.offers, history)
    ) {
      throw new Error('ranking and the plain scan disagree on the eligible offers');
    }
  }
  const rankSamples: number[] = [];
  const scanSamples: number[] = [];
  for (const request of ranked) {
    scanSamples.push(timeMs(() => plainScan(request, data.offers, history)));
    rankSamples.push(timeMs(() => rankOffers(request, data.offers, history, data.now)));
    await Promise.resolve();
  }
  const rankMs = median(rankSamples);
  const scanMs = median(scanSamples);

  const greedy = assignGreedily(data.requests, data.offers, history, data.now);
  const batchSamples: number[] = [];
  let batch = assignBatch(data.requests, data.offers, history, data.now);
  for (let i = 0; i < BATCH_RUNS; i += 1) {
    const cpu = process.cpuUsage();
    batchSamples.push(
      timeMs(() => (batch = assignBatch(data.requests, data.offers, history, data.now))),
    );
    const used = process.cpuUsage(cpu);
    console.log(
      `  match.batch_10k run ${i + 1}: ${batchSamples[i]!.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
    );
    await Promise.resolve();
  }
  console.log(
    `  batch: ${batch.proposals.length} proposed of ${REQUESTS}, rounds ${batch.stats.rounds}, ` +
      `${batch.stats.edges} edges, ${batch.stats.volunteers} volunteers, ` +
      `${batch.stats.uncertified} uncertified; greedy: ${greedy.assignments.length} assigned`,
  );
  console.log(
    `  assigned by urgency: batch ${JSON.stringify(batch.assignedByUrgency)}, greedy ${JSON.stringify(greedy.assignedByUrgency)}`,
  );

  return [
    { name: 'match.rank_100k_baseline_scan', value: scanMs, unit: 'ms', better: 'lower' },
    {
      name: 'match.rank_100k',
      value: rankMs,
      unit: 'ms',
      better: 'lower',
      baseline: 'match.rank_100k_baseline_scan',
      ratio: rankMs / scanMs,
      target: RANK_TARGET_MS,
    },
    {
      name: 'match.batch_10k',
      value: median(batchSamples),
      unit: 'ms',
      better: 'lower',
      target: BATCH_TARGET_MS,
    },
    {
      name: 'match.batch_quality',
      value: batch.totalScore / greedy.totalScore,
      unit: 'ratio',
      better: 'higher',
      target: 1,
    },
  ];
}
