// The weekly grid in the volunteer's own time and the 168 UTC hours the protocol stores: a
// round trip keeps every block, time zones shift hours across midnight and the week's end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableHours, isAvailableAt } from '@kolokol/shared';
import {
  BLOCKS_PER_DAY,
  DAYS_PER_WEEK,
  blockIndex,
  blocksFromMask,
  localUtcOffsetMinutes,
  maskFromBlocks,
} from '../../client/src/ui/volunteer/weekly-hours.js';

const CELLS = DAYS_PER_WEEK * BLOCKS_PER_DAY;

describe('the weekly availability grid', () => {
  it('puts Monday 00:00–04:00 in Moscow (UTC+3) on Sunday 21:00 to Monday 01:00 UTC', () => {
    const blocks = new Array<boolean>(CELLS).fill(false);
    blocks[blockIndex({ day: 0, block: 0 })] = true;
    const mask = maskFromBlocks(blocks, 180);
    expect(availableHours(mask)).toEqual([0, 165, 166, 167]);
    expect(blocksFromMask(mask, 180)).toEqual(blocks);
  });

  it('round-trips any grid in any whole-hour zone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: CELLS, maxLength: CELLS }),
        fc.integer({ min: -12, max: 14 }),
        (blocks, hours) => {
          const offset = hours * 60;
          expect(blocksFromMask(maskFromBlocks(blocks, offset), offset)).toEqual(blocks);
        },
      ),
    );
  });

  it('shows a finer mask coarser, never emptier', () => {
    const mask = maskFromBlocks(new Array<boolean>(CELLS).fill(false), 0);
    mask[1] = 0b0000_0100; // hour 10 UTC on Monday only
    const blocks = blocksFromMask(mask, 0);
    expect(blocks.filter(Boolean)).toHaveLength(1);
    expect(blocks[blockIndex({ day: 0, block: 2 })]).toBe(true);
    expect(isAvailableAt(maskFromBlocks(blocks, 0), 10)).toBe(true);
  });

  it('reads a device’s offset east of UTC positive, in quarter hours, and UTC as 0 (not −0)', () => {
    const zone = (minutes: number) => ({ getTimezoneOffset: () => minutes });
    expect(localUtcOffsetMinutes(zone(-180))).toBe(180); // Moscow
    expect(localUtcOffsetMinutes(zone(-345))).toBe(345); // Kathmandu
    expect(localUtcOffsetMinutes(zone(300))).toBe(-300); // New York in winter
    expect(Object.is(localUtcOffsetMinutes(zone(0)), 0)).toBe(true);
  });
});
