// Where help is needed and where a volunteer can help: coarse on purpose. A request names one
// region (the server must not learn a city); an offer names the regions it serves. Inside Russia
// the unit is the federal district; abroad it is a few broad areas a relocating person moves to.
// Each region has a typical UTC offset, which is all matching needs to weigh time-zone overlap.
import { z } from 'zod';
import type { Text } from './taxonomy.js';

export interface RegionDefinition {
  readonly code: string;
  readonly label: Text;
  /** A typical UTC offset of the region, in minutes (a district spans several zones). */
  readonly utcOffsetMinutes: number;
}

export const REGIONS = [
  {
    code: 'ru.central',
    label: { ru: 'Центральный ФО', en: 'Central Russia' },
    utcOffsetMinutes: 180,
  },
  {
    code: 'ru.northwest',
    label: { ru: 'Северо-Западный ФО', en: 'Northwest Russia' },
    utcOffsetMinutes: 180,
  },
  { code: 'ru.south', label: { ru: 'Южный ФО', en: 'Southern Russia' }, utcOffsetMinutes: 180 },
  {
    code: 'ru.north-caucasus',
    label: { ru: 'Северо-Кавказский ФО', en: 'North Caucasus' },
    utcOffsetMinutes: 180,
  },
  { code: 'ru.volga', label: { ru: 'Приволжский ФО', en: 'Volga' }, utcOffsetMinutes: 240 },
  { code: 'ru.urals', label: { ru: 'Уральский ФО', en: 'Urals' }, utcOffsetMinutes: 300 },
  { code: 'ru.siberia', label: { ru: 'Сибирский ФО', en: 'Siberia' }, utcOffsetMinutes: 420 },
  {
    code: 'ru.far-east',
    label: { ru: 'Дальневосточный ФО', en: 'Far East' },
    utcOffsetMinutes: 600,
  },
  {
    code: 'abroad.caucasus',
    label: { ru: 'Грузия, Армения, Азербайджан', en: 'Georgia, Armenia, Azerbaijan' },
    utcOffsetMinutes: 240,
  },
  {
    code: 'abroad.central-asia',
    label: { ru: 'Центральная Азия', en: 'Central Asia' },
    utcOffsetMinutes: 300,
  },
  { code: 'abroad.turkey', label: { ru: 'Турция', en: 'Turkey' }, utcOffsetMinutes: 180 },
  { code: 'abroad.europe', label: { ru: 'Европа', en: 'Europe' }, utcOffsetMinutes: 60 },
  {
    code: 'abroad.elsewhere',
    label: { ru: 'Другие страны', en: 'Elsewhere' },
    utcOffsetMinutes: 0,
  },
] as const satisfies readonly RegionDefinition[];

export type RegionCode = (typeof REGIONS)[number]['code'];

export const REGION_CODES = REGIONS.map((region) => region.code) as [RegionCode, ...RegionCode[]];

export const regionCodeSchema = z.enum(REGION_CODES);

/** A language as an ISO 639-1 code ("ru", "en", "uk", …): what contact and volunteer share. */
export const languageCodeSchema = z.string().regex(/^[a-z]{2}$/, 'not an ISO 639-1 language code');

const BY_CODE: ReadonlyMap<string, RegionDefinition> = new Map(REGIONS.map((r) => [r.code, r]));

export function regionDefinition(code: RegionCode): RegionDefinition {
  const found = BY_CODE.get(code);
  if (found === undefined) throw new Error('unknown region code');
  return found;
}
