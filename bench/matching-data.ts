// Seeded, realistic data for the matching benchmarks and tests: skewed the way Kolokol's users
// are. Most requests ask for military law, asylum and criminal defence and come from central and
// northwest Russia in Russian; most volunteers live in Europe, Georgia, Armenia or Turkey, speak
// Russian and English, offer relocation, translation, psychological and digital help more often
// than law, and are mostly busy (a backlog exists because free slots are scarce).
import { SKILLS, type RegionCode, type SkillCode } from '@kolokol/shared';
import type {
  MatchOffer,
  MatchRequest,
  MatchUrgency,
  PairHistory,
  VettingTier,
} from '../server/src/domain/matching/index.js';

export interface MatchingData {
  readonly requests: MatchRequest[];
  readonly offers: MatchOffer[];
  readonly history: PairHistory;
  readonly now: number;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; the same seed gives the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Weighted<T> = readonly (readonly [T, number])[];

function chooser<T>(random: () => number, table: Weighted<T>): () => T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  return () => {
    let point = random() * total;
    for (const [value, weight] of table) {
      point -= weight;
      if (point < 0) return value;
    }
    return table[table.length - 1]![0];
  };
}

/** `count` distinct values drawn by weight. */
function distinct<T>(choose: () => T, count: number): T[] {
  const chosen = new Set<T>();
  for (let tries = 0; chosen.size < count && tries < 100; tries += 1) chosen.add(choose());
  return [...chosen];
}

const REQUEST_SKILLS: Weighted<SkillCode> = [
  ['legal.military-law', 24],
  ['migration.asylum', 16],
  ['legal.criminal-defence', 13],
  ['legal.administrative', 10],
  ['military.leaving-service', 7],
  ['leaving.evacuation', 6],
  ['care.psychological', 6],
  ['leaving.relocation', 5],
  ['safety.digital', 4],
  ['care.political-prisoners', 3],
  ['care.financial', 2],
  ['words.translation', 1.5],
  ['care.medical', 1.5],
  ['words.documentation', 0.5],
  ['leaving.work-study', 0.5],
];
const OFFER_SKILLS: Weighted<SkillCode> = [
  ['leaving.relocation', 12],
  ['legal.military-law', 10],
  ['safety.digital', 10],
  ['care.psychological', 10],
  ['words.translation', 10],
  ['migration.asylum', 9],
  ['legal.criminal-defence', 6],
  ['legal.administrative', 6],
  ['leaving.work-study', 6],
  ['care.medical', 5],
  ['words.documentation', 5],
  ['leaving.evacuation', 4],
  ['care.political-prisoners', 4],
  ['military.leaving-service', 3],
  ['care.financial', 3],
];
const REQUEST_LANGUAGES: Weighted<readonly string[]> = [
  [['ru'], 80],
  [['ru', 'en'], 8],
  [['uk', 'ru'], 3],
  [['uk'], 1.5],
  [['ru', 'kk'], 1.5],
  [['ru', 'tt'], 1],
  [['ru', 'be'], 1],
  [['ru', 'hy'], 1],
  [['ru', 'ka'], 0.5],
  [['ru', 'ba'], 0.5],
  [['en'], 0.5],
];
const OFFER_LANGUAGES: Weighted<readonly string[]> = [
  [['ru', 'en'], 60],
  [['ru'], 12],
  [['ru', 'en', 'de'], 6],
  [['ru', 'uk', 'en'], 5],
  [['ru', 'uk'], 4],
  [['en'], 2],
  [['ru', 'en', 'fr'], 2],
  [['ru', 'kk'], 2],
  [['ru', 'hy'], 1.5],
  [['ru', 'ka'], 1.5],
  [['ru', 'he', 'en'], 1.5],
  [['ru', 'tr'], 1],
  [['ru', 'en', 'es'], 1],
  [['ru', 'be'], 1],
  [['ru', 'pl'], 0.5],
  [['ru', 'tt'], 0.5],
];
const REQUEST_REGIONS: Weighted<RegionCode> = [
  ['ru.central', 34],
  ['ru.northwest', 18],
  ['ru.volga', 11],
  ['ru.south', 7],
  ['ru.urals', 6],
  ['ru.siberia', 6],
  ['ru.far-east', 3],
  ['ru.north-caucasus', 3],
  ['abroad.caucasus', 4],
  ['abroad.central-asia', 3],
  ['abroad.turkey', 2],
  ['abroad.europe', 2],
  ['abroad.elsewhere', 1],
];
const OFFER_REGIONS: Weighted<RegionCode> = [
  ['ru.central', 20],
  ['ru.northwest', 14],
  ['ru.volga', 8],
  ['ru.south', 6],
  ['ru.urals', 5],
  ['ru.siberia', 5],
  ['ru.far-east', 3],
  ['ru.north-caucasus', 3],
  ['abroad.caucasus', 10],
  ['abroad.central-asia', 6],
  ['abroad.turkey', 6],
  ['abroad.europe', 12],
  ['abroad.elsewhere', 2],
];
/** Where volunteers live, as UTC offsets in minutes. */
const OFFER_OFFSETS: Weighted<number> = [
  [60, 40],
  [120, 15],
  [240, 15],
  [180, 15],
  [300, 5],
  [-300, 5],
  [-480, 2],
  [420, 3],
];
const URGENCIES: Weighted<MatchUrgency> = [
  ['critical', 7],
  ['high', 20],
  ['normal', 50],
  ['low', 23],
];
const VETTING: Weighted<VettingTier> = [
  ['high', 15],
  ['standard', 65],
  ['none', 20],
];
const CAPACITIES: Weighted<number> = [
  [1, 20],
  [2, 35],
  [3, 25],
  [5, 15],
  [10, 5],
];

const DAY_MS = 24 * 60 * 60 * 1000;

function hexId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 4; i += 1)
    id += Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return id;
}

/** Evenings most weekdays, a weekend block, sometimes office hours: local hours turned to UTC. */
function availability(random: () => number, offsetMinutes: number): Uint8Array {
  const mask = new Uint8Array(21);
  const set = (day: number, localHour: number): void => {
    const hour = (((day * 24 + localHour - offsetMinutes / 60) % 168) + 168) % 168;
    mask[hour >> 3]! |= 1 << (hour & 7);
  };
  const officeHours = random() < 0.2;
  for (let day = 0; day < 7; day += 1) {
    const weekend = day >= 5;
    if (!weekend && random() < 0.7) for (let h = 19; h < 23; h += 1) set(day, h);
    if (!weekend && officeHours) for (let h = 10; h < 17; h += 1) set(day, h);
    if (weekend && random() < 0.5) for (let h = 11; h < 19; h += 1) set(day, h);
  }
  if (mask.every((byte) => byte === 0)) set(0, 20);
  return mask;
}

export function generateMatchingData(options: {
  readonly seed: number;
  readonly requests: number;
  readonly offers: number;
}): MatchingData {
  const random = seededRandom(options.seed);
  const now = Date.UTC(2026, 0, 15, 12);
  const offerSkill = chooser(random, OFFER_SKILLS);
  const requestSkill = chooser(random, REQUEST_SKILLS);
  const offerCount = chooser(random, [
    [1, 35],
    [2, 35],
    [3, 20],
    [4, 10],
  ] as Weighted<number>);
  const level = chooser(random, [
    [1, 50],
    [2, 35],
    [3, 15],
  ] as Weighted<1 | 2 | 3>);
  const offerRegion = chooser(random, OFFER_REGIONS);
  const offers: MatchOffer[] = [];
  for (let i = 0; i < options.offers; i += 1) {
    const capacity = chooser(random, CAPACITIES)();
    const offset = chooser(random, OFFER_OFFSETS)();
    const busy = random() < 0.75;
    offers.push({
      volunteerId: hexId(random),
      skills: distinct(offerSkill, offerCount()).map((code) => ({ code, level: level() })),
      languages: [...chooser(random, OFFER_LANGUAGES)()],
      regions: distinct(offerRegion, 1 + Math.floor(random() * 4)),
      utcOffsetMinutes: offset,
      availability: availability(random, offset),
      capacity,
      activeLoad: busy ? capacity : Math.floor(random() * capacity),
      paused: random() < 0.08,
      vetting: chooser(random, VETTING)(),
    });
  }
  const requestCount = chooser(random, [
    [1, 60],
    [2, 30],
    [3, 10],
  ] as Weighted<number>);
  const contacts = Array.from({ length: Math.max(1, Math.ceil(options.requests * 0.7)) }, () =>
    hexId(random),
  );
  const requests: MatchRequest[] = [];
  for (let i = 0; i < options.requests; i += 1) {
    requests.push({
      id: hexId(random),
      contactId: contacts[Math.floor(random() * contacts.length)]!,
      skills: distinct(requestSkill, requestCount()),
      urgency: chooser(random, URGENCIES)(),
      languages: [...chooser(random, REQUEST_LANGUAGES)()],
      region: chooser(random, REQUEST_REGIONS)(),
      createdAt: now - Math.min(30 * DAY_MS, Math.floor(-Math.log(1 - random()) * 3 * DAY_MS)),
    });
  }
  const anyOffer = (): string => offers[Math.floor(random() * offers.length)]!.volunteerId;
  const reasons = chooser(random, [
    ['declined', 5],
    ['rejected', 3],
    ['blocked', 1],
  ] as const);
  const barred: {
    contactId: string;
    volunteerId: string;
    reason: 'declined' | 'rejected' | 'blocked';
  }[] = [];
  const proposed: { requestId: string; volunteerId: string }[] = [];
  if (offers.length > 0) {
    for (const request of requests) {
      if (random() < 0.05)
        barred.push({ contactId: request.contactId, volunteerId: anyOffer(), reason: reasons() });
      if (random() < 0.05) proposed.push({ requestId: request.id, volunteerId: anyOffer() });
    }
  }
  return { requests, offers, history: { barred, proposed }, now };
}

/** Every taxonomy code appears in the tables above (a new code must be given a weight). */
export const WEIGHTED_SKILLS = new Set([...REQUEST_SKILLS, ...OFFER_SKILLS].map(([code]) => code));
export const ALL_SKILLS_WEIGHTED = SKILLS.every((skill) => WEIGHTED_SKILLS.has(skill.code));
