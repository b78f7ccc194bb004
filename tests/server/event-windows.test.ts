// The router's per-session and per-account event limits (EventWindows): RateLimiterMemory's rule,
// counted synchronously. The socket-limits tests check the same limits through the real server.
import { describe, expect, it } from 'vitest';
import { EventWindows } from '../../server/src/realtime/event-windows.js';

describe('EventWindows', () => {
  it('allows `limit` events per key in a window opened by its first event, refused ones counting', () => {
    let now = 10_000;
    const windows = new EventWindows(3, 1000, () => now);
    expect([1, 2, 3, 4].map(() => windows.take('a'))).toEqual([true, true, true, false]);
    // Another key has its own window.
    expect(windows.take('b')).toBe(true);
    now += 999;
    // Still the first window: the refused event counted too.
    expect(windows.take('a')).toBe(false);
    now += 1;
    expect([1, 2, 3, 4].map(() => windows.take('a'))).toEqual([true, true, true, false]);
  });

  it('forgets ended windows, so memory is bounded by the keys active in one window', () => {
    let now = 0;
    const windows = new EventWindows(1, 1000, () => now);
    for (let i = 0; i < 1000; i += 1) windows.take(`key-${i}`);
    expect(windows.size).toBe(1000);
    now += 2000;
    windows.take('late');
    expect(windows.size).toBe(1);
    // An old key starts afresh, as if never seen.
    expect(windows.take('key-1')).toBe(true);
    expect(windows.take('key-1')).toBe(false);
  });
});
