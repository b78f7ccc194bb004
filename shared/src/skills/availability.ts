// A volunteer's weekly availability: the hours of the week (UTC) they can usually answer, as 168
// bits. Hour h of the week is day × 24 + hour in UTC, day 0 being Monday; it is bit (h mod 8),
// least significant first, of byte ⌊h / 8⌋. On the wire the 21 bytes travel as base64url.

export const HOURS_PER_WEEK = 7 * 24;
export const AVAILABILITY_BYTES = HOURS_PER_WEEK / 8;

/** The hour of the week (0..167, Monday 00:00 UTC = 0) that the instant `ms` falls in. */
export function hourOfWeek(ms: number): number {
  const date = new Date(ms);
  // getUTCDay: Sunday = 0; the week here starts on Monday.
  const day = (date.getUTCDay() + 6) % 7;
  return day * 24 + date.getUTCHours();
}

/** A mask with exactly these hours of the week set (each 0..167). */
export function availabilityMask(hours: Iterable<number>): Uint8Array {
  const mask = new Uint8Array(AVAILABILITY_BYTES);
  for (const hour of hours) {
    if (!Number.isInteger(hour) || hour < 0 || hour >= HOURS_PER_WEEK) {
      throw new RangeError('an hour of the week is an integer in 0..167');
    }
    mask[hour >> 3]! |= 1 << (hour & 7);
  }
  return mask;
}

/** Whether hour `hour` of the week (0..167) is set in a 21-byte mask. */
export function isAvailableAt(mask: Uint8Array, hour: number): boolean {
  if (mask.length !== AVAILABILITY_BYTES) throw new RangeError('an availability mask is 21 bytes');
  return ((mask[hour >> 3] ?? 0) & (1 << (hour & 7))) !== 0;
}

/** The hours of the week set in a 21-byte mask, ascending. */
export function availableHours(mask: Uint8Array): number[] {
  const hours: number[] = [];
  for (let hour = 0; hour < HOURS_PER_WEEK; hour += 1) {
    if (isAvailableAt(mask, hour)) hours.push(hour);
  }
  return hours;
}
