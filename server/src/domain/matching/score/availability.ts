// Time-zone overlap: how many of the hours a volunteer can usually answer fall in the waking hours
// of the contact's region. Regions carry one typical UTC offset (REGIONS[].utcOffsetMinutes).
import { REGIONS, type RegionCode } from '@kolokol/shared';

export const HOURS_PER_WEEK = 7 * 24;
export const AVAILABILITY_BYTES = HOURS_PER_WEEK / 8;
/** A contact is taken to be awake from 08:00 to 22:00 local time. */
export const WAKING_FROM_HOUR = 8;
export const WAKING_UNTIL_HOUR = 22;

const MINUTES_PER_DAY = 24 * 60;

/**
 * The 168-bit mask (availability's layout: hour h is bit h mod 8 of byte ⌊h / 8⌋) of the UTC
 * hours of the week whose start falls in the waking hours of a place at `utcOffsetMinutes`.
 */
export function wakingMask(utcOffsetMinutes: number): Uint8Array {
  const mask = new Uint8Array(AVAILABILITY_BYTES);
  for (let hour = 0; hour < HOURS_PER_WEEK; hour += 1) {
    const local =
      (((hour * 60 + utcOffsetMinutes) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (local >= WAKING_FROM_HOUR * 60 && local < WAKING_UNTIL_HOUR * 60) {
      mask[hour >> 3]! |= 1 << (hour & 7);
    }
  }
  return mask;
}

/** Set bits in each byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let bits = byte; bits !== 0; bits &= bits - 1) count += 1;
  return count;
});

/** Hours set in both masks. A mask of the wrong length counts as no hours. */
export function overlapHours(availability: Uint8Array, waking: Uint8Array): number {
  if (availability.length !== AVAILABILITY_BYTES) return 0;
  let hours = 0;
  for (let i = 0; i < AVAILABILITY_BYTES; i += 1) {
    hours += POPCOUNT[availability[i]! & waking[i]!]!;
  }
  return hours;
}

/** Whether a mask names at least one hour (a malformed one names none). */
export function namesAnyHour(availability: Uint8Array): boolean {
  return availability.length === AVAILABILITY_BYTES && availability.some((byte) => byte !== 0);
}

/** Each region's waking mask, in REGIONS order, computed once. */
export const REGION_WAKING: ReadonlyMap<RegionCode, Uint8Array> = new Map(
  REGIONS.map((region) => [region.code, wakingMask(region.utcOffsetMinutes)]),
);

export function regionWaking(region: RegionCode): Uint8Array {
  const mask = REGION_WAKING.get(region);
  if (mask === undefined) throw new RangeError('unknown region code');
  return mask;
}

/**
 * Hours of the week the volunteer can answer while the contact's region is awake. An offer that
 * names no hour is taken to answer in its own waking hours (from its UTC offset): `assumed`.
 */
export function timezoneOverlap(
  offer: { readonly availability: Uint8Array; readonly utcOffsetMinutes: number },
  region: RegionCode,
): { readonly hours: number; readonly assumed: boolean } {
  const waking = regionWaking(region);
  if (namesAnyHour(offer.availability)) {
    return { hours: overlapHours(offer.availability, waking), assumed: false };
  }
  return { hours: overlapHours(wakingMask(offer.utcOffsetMinutes), waking), assumed: true };
}
