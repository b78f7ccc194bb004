// The pressure meter reads how many requests arrived over the last window: the current bucket,
// plus the previous one weighted by how much of it still lies in the window.
import { expect, it } from 'vitest';
import { PressureMeter } from '../../server/src/http/pressure-meter.js';

it('counts within a window, lets the previous window fade out, and forgets older ones', () => {
  let now = 1_000_000;
  const meter = new PressureMeter(60_000, () => now);
  expect(meter.read()).toBe(0);
  for (let i = 0; i < 30; i += 1) meter.record();
  expect(meter.read()).toBe(30);
  now += 60_000; // a new bucket: all 30 still lie in the sliding window
  expect(meter.read()).toBeCloseTo(30);
  now += 15_000; // a quarter of the way in: three quarters of them remain
  expect(meter.record()).toBeCloseTo(1 + 22.5);
  now += 45_000; // the next bucket: the 30 are out, the one is still in
  expect(meter.read()).toBeCloseTo(1);
  now += 120_000; // two windows on: nothing
  expect(meter.read()).toBe(0);
});
