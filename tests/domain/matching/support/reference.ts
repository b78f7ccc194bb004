// The matching engine's rules restated from docs/matching.md, written apart from the engine and
// simply: who may be proposed to whom, what a pair scores, the tie-break points, the objective the
// batch maximises, and a brute force over every assignment. Tests compare the engine with these;
// nothing here imports engine code but its types.
import { REGIONS, skillDefinition, type RegionCode, type SkillCode } from '@kolokol/shared';
import type {
  MatchOffer,
  MatchRequest,
  MatchUrgency,
  PairHistory,
} from '../../../../server/src/domain/matching/index.js';

export const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 60 * 60 * 1000;

// --- Builders -----------------------------------------------------------------------------------

let serial = 0;
/** A fresh id for a test fixture (engine ids are server-issued random strings). */
export function testId(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial.toString(36)}`;
}

/** 21 bytes with the given UTC hours of the week set (hour h: bit h % 8 of byte h / 8). */
export function hoursMask(hours: Iterable<number>): Uint8Array {
  const mask = new Uint8Array(21);
  for (const hour of hours) mask[hour >> 3]! |= 1 << (hour & 7);
  return mask;
}

export function offer(overrides: Partial<MatchOffer> = {}): MatchOffer {
  return {
    volunteerId: testId('v'),
    skills: [{ code: 'legal.military-law', level: 2 }],
    languages: ['ru'],
    regions: ['ru.central'],
    utcOffsetMinutes: 180,
    availability: new Uint8Array(21),
    capacity: 3,
    activeLoad: 0,
    paused: false,
    vetting: 'standard',
    ...overrides,
  };
}

export function request(overrides: Partial<MatchRequest> = {}): MatchRequest {
  return {
    id: testId('r'),
    contactId: testId('c'),
    skills: ['legal.military-law'],
    urgency: 'normal',
    languages: ['ru'],
    region: 'ru.central',
    createdAt: NOW,
    ...overrides,
  };
}

// --- Hard constraints ---------------------------------------------------------------------------

const TIER = { none: 0, standard: 1, high: 2 } as const;

export function eligible(r: MatchRequest, o: MatchOffer, history: PairHistory): boolean {
  const needsHigh = r.skills.some((code) => skillDefinition(code).risk === 'high');
  return (
    o.volunteerId !== r.contactId &&
    !o.paused &&
    o.vetting !== 'none' &&
    TIER[o.vetting] >= (needsHigh ? 2 : 1) &&
    o.activeLoad < o.capacity &&
    o.skills.some((skill) => r.skills.includes(skill.code)) &&
    o.languages.some((language) => r.languages.includes(language)) &&
    !history.barred.some((b) => b.contactId === r.contactId && b.volunteerId === o.volunteerId) &&
    !history.proposed.some((p) => p.requestId === r.id && p.volunteerId === o.volunteerId)
  );
}

// --- Score --------------------------------------------------------------------------------------

const LEVEL_POINTS = { 1: 18, 2: 30, 3: 42 } as const;
const URGENCY_POINTS: Record<MatchUrgency, number> = { low: 0, normal: 5, high: 10, critical: 16 };

/** UTC hours of the week (0 = Monday 00:00 UTC) whose start is 08:00–21:59 at `offsetMinutes`. */
export function wakingHours(offsetMinutes: number): Set<number> {
  const hours = new Set<number>();
  for (let hour = 0; hour < 168; hour += 1) {
    const localMinute = (((hour * 60 + offsetMinutes) % 1440) + 1440) % 1440;
    if (localMinute >= 8 * 60 && localMinute < 22 * 60) hours.add(hour);
  }
  return hours;
}

function maskHours(mask: Uint8Array): Set<number> {
  const hours = new Set<number>();
  for (let hour = 0; hour < 168; hour += 1)
    if ((mask[hour >> 3]! >> (hour & 7)) & 1) hours.add(hour);
  return hours;
}

export function overlap(o: MatchOffer, region: RegionCode): number {
  const offset = REGIONS.find((entry) => entry.code === region)!.utcOffsetMinutes;
  const contact = wakingHours(offset);
  const named = maskHours(o.availability);
  const volunteer = named.size > 0 ? named : wakingHours(o.utcOffsetMinutes);
  return [...volunteer].filter((hour) => contact.has(hour)).length;
}

export interface ReferenceFactors {
  readonly skill: number;
  readonly load: number;
  readonly urgency: number;
  readonly waiting: number;
  readonly region: number;
  readonly timezone: number;
}

/** Each factor's points when the volunteer carries `load` cases. */
export function factors(r: MatchRequest, o: MatchOffer, load: number): ReferenceFactors {
  let skill = 0;
  for (const code of r.skills) {
    const offered = o.skills.find((s) => s.code === code);
    if (offered !== undefined) skill += LEVEL_POINTS[offered.level] / r.skills.length;
  }
  const hours = Math.max(0, Math.floor((NOW - r.createdAt) / HOUR));
  return {
    skill,
    load: load >= o.capacity ? 0 : Math.floor((12 * (o.capacity - load)) / o.capacity),
    urgency: URGENCY_POINTS[r.urgency],
    waiting: Math.min(10, Math.floor(hours / 12)),
    region: o.regions.includes(r.region) ? 8 : 0,
    timezone: Math.floor((12 * Math.min(overlap(o, r.region), 21)) / 21),
  };
}

export function score(r: MatchRequest, o: MatchOffer, load = o.activeLoad): number {
  const f = factors(r, o, load);
  return f.skill + f.load + f.urgency + f.waiting + f.region + f.timezone;
}

// --- Tie-break ----------------------------------------------------------------------------------

function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function fnv(id: string): number {
  let h = 0x811c9dc5;
  for (const unit of Array.from({ length: id.length }, (_, i) => id.charCodeAt(i))) {
    h = Math.imul(h ^ unit, 0x01000193);
  }
  return mix(h);
}

/** The pair's tie-break points, 0–1023 (docs/matching.md, "Ties"). */
export function noise(requestId: string, volunteerId: string, seed = 0): number {
  const requestHash = (fnv(requestId) ^ mix(seed)) >>> 0;
  const key = mix(requestHash ^ mix((fnv(volunteerId) + 0x9e3779b9) >>> 0));
  return 1023 - (key >>> 22);
}

// --- The objective and brute force --------------------------------------------------------------

/** [assigned critical, high, normal, low, total score, total tie-break points]: compared in order. */
export type Objective = readonly number[];

const URGENCY_ORDER: readonly MatchUrgency[] = ['critical', 'high', 'normal', 'low'];

export function compareObjectives(a: Objective, b: Objective): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The objective of an assignment (request id → volunteer id), or undefined if it breaks a hard
 * constraint or a capacity. A volunteer's k-th new case scores at load activeLoad + k; the order
 * among one volunteer's cases does not change the total.
 */
export function objectiveOf(
  requests: readonly MatchRequest[],
  offers: readonly MatchOffer[],
  history: PairHistory,
  assignment: ReadonlyMap<string, string>,
  seed = 0,
): Objective | undefined {
  const byId = new Map(offers.map((o) => [o.volunteerId, o]));
  const taken = new Map<string, number>();
  const objective = [0, 0, 0, 0, 0, 0];
  for (const r of requests) {
    const volunteerId = assignment.get(r.id);
    if (volunteerId === undefined) continue;
    const o = byId.get(volunteerId);
    if (o === undefined || !eligible(r, o, history)) return undefined;
    const k = taken.get(volunteerId) ?? 0;
    if (o.activeLoad + k >= o.capacity) return undefined;
    taken.set(volunteerId, k + 1);
    objective[URGENCY_ORDER.indexOf(r.urgency)]! += 1;
    objective[4]! += score(r, o, o.activeLoad + k);
    objective[5]! += noise(r.id, volunteerId, seed);
  }
  return objective;
}

/**
 * The best objective over every assignment that respects the hard constraints and capacities:
 * each request in turn takes no volunteer or any eligible one with a slot left.
 */
export function bruteForce(
  requests: readonly MatchRequest[],
  offers: readonly MatchOffer[],
  history: PairHistory,
  seed = 0,
): Objective {
  // scores[i][o][k]: request i with offer o as that volunteer's k-th new case.
  const free = offers.map((o) => Math.max(0, o.capacity - o.activeLoad));
  const options = requests.map((r) =>
    offers.flatMap((o, index) => (eligible(r, o, history) ? [index] : [])),
  );
  const scores = requests.map((r) =>
    offers.map((o, index) =>
      Array.from({ length: free[index]! }, (_, k) => score(r, o, o.activeLoad + k)),
    ),
  );
  const noises = requests.map((r) => offers.map((o) => noise(r.id, o.volunteerId, seed)));
  const urgency = requests.map((r) => URGENCY_ORDER.indexOf(r.urgency));
  const taken = offers.map(() => 0);
  const current = [0, 0, 0, 0, 0, 0];
  let best: Objective = [...current];
  const visit = (i: number): void => {
    if (i === requests.length) {
      if (compareObjectives(current, best) > 0) best = [...current];
      return;
    }
    visit(i + 1);
    for (const o of options[i]!) {
      const k = taken[o]!;
      if (k >= free[o]!) continue;
      taken[o] = k + 1;
      current[urgency[i]!]! += 1;
      current[4]! += scores[i]![o]![k]!;
      current[5]! += noises[i]![o]!;
      visit(i + 1);
      taken[o] = k;
      current[urgency[i]!]! -= 1;
      current[4]! -= scores[i]![o]![k]!;
      current[5]! -= noises[i]![o]!;
    }
  };
  visit(0);
  return best;
}

export function skillCodes(): readonly SkillCode[] {
  return ['legal.military-law', 'legal.criminal-defence', 'migration.asylum', 'care.psychological'];
}
