// A volunteer's availability as they think of it — days and parts of the day in their own time —
// and the 168 UTC hours the protocol stores (shared/src/skills/availability.ts). The grid is 7 days
// by 6 blocks of 4 hours: on a phone screen a 168-cell grid is unusable, and matching only needs
// a rough overlap. A block is on when any of its hours is on, so reading a finer mask back shows it
// coarser, never emptier.
import { HOURS_PER_WEEK, availabilityMask, availableHours } from '@kolokol/shared';

/** Hours in one block of the grid. */
export const BLOCK_HOURS = 4;
export const BLOCKS_PER_DAY = 24 / BLOCK_HOURS;
export const DAYS_PER_WEEK = 7;

/** A grid cell: day 0 is Monday, block 0 is 00:00–04:00, both in the volunteer's own time. */
export interface WeekBlock {
  readonly day: number;
  readonly block: number;
}

/** The cell's index in a flat list of DAYS_PER_WEEK × BLOCKS_PER_DAY booleans. */
export function blockIndex({ day, block }: WeekBlock): number {
  return day * BLOCKS_PER_DAY + block;
}

/** The whole hours of `utcOffsetMinutes`, rounded: a half-hour zone shifts the grid by the nearer hour. */
function offsetHours(utcOffsetMinutes: number): number {
  return Math.round(utcOffsetMinutes / 60);
}

function wrap(hour: number): number {
  return ((hour % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** The 21-byte UTC mask of the blocks switched on (a flat list, `blockIndex` order) in local time. */
export function maskFromBlocks(blocks: readonly boolean[], utcOffsetMinutes: number): Uint8Array {
  const shift = offsetHours(utcOffsetMinutes);
  const hours: number[] = [];
  blocks.forEach((on, index) => {
    if (!on) return;
    for (let hour = 0; hour < BLOCK_HOURS; hour += 1) {
      hours.push(wrap(index * BLOCK_HOURS + hour - shift));
    }
  });
  return availabilityMask(hours);
}

/** The blocks (flat, `blockIndex` order) in local time that hold any hour set in the UTC mask. */
export function blocksFromMask(mask: Uint8Array, utcOffsetMinutes: number): boolean[] {
  const shift = offsetHours(utcOffsetMinutes);
  const blocks = new Array<boolean>(DAYS_PER_WEEK * BLOCKS_PER_DAY).fill(false);
  for (const utcHour of availableHours(mask)) {
    blocks[Math.floor(wrap(utcHour + shift) / BLOCK_HOURS)] = true;
  }
  return blocks;
}

/** Weekdays 08:00–20:00 local: a reasonable first offer the volunteer then adjusts. */
export function workingWeek(): boolean[] {
  return Array.from({ length: DAYS_PER_WEEK * BLOCKS_PER_DAY }, (_, index) => {
    const day = Math.floor(index / BLOCKS_PER_DAY);
    const block = index % BLOCKS_PER_DAY;
    return day < 5 && block >= 2 && block < 5;
  });
}

/** This device's UTC offset in minutes, in the quarter hours the protocol takes (never −0). */
export function localUtcOffsetMinutes(now: Pick<Date, 'getTimezoneOffset'> = new Date()): number {
  return Math.round(-now.getTimezoneOffset() / 15) * 15 || 0;
}
