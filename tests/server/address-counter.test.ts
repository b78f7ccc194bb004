// The per-address counter behind the soft per-address signal: fixed windows per address, IPv6
// counted per /64, and bounded memory — past the cap, new addresses share one overflow count.
import { describe, expect, it } from 'vitest';
import { AddressCounter, addressBlock } from '../../server/src/http/address-counter.js';

describe('address counter', () => {
  it('counts per address within its window, then starts again', () => {
    let now = 0;
    const counter = new AddressCounter(1_000, 10, () => now);
    expect(counter.record('a')).toBe(1);
    expect(counter.record('a')).toBe(2);
    expect(counter.record('b')).toBe(1);
    expect(counter.read('a')).toBe(2);
    now = 1_000;
    expect(counter.read('a')).toBe(0);
    expect(counter.record('a')).toBe(1);
  });

  it('holds at most its cap of addresses; the rest share one overflow count until windows end', () => {
    let now = 0;
    const counter = new AddressCounter(1_000, 3, () => now);
    for (const address of ['a', 'b', 'c']) counter.record(address);
    expect(counter.record('d')).toBe(1);
    expect(counter.record('e')).toBe(2); // shares the overflow count with d
    expect(counter.read('f')).toBe(2);
    expect(counter.record('a')).toBe(2); // tracked addresses keep their own
    now = 1_000; // every window over: room again
    expect(counter.record('f')).toBe(1);
    expect(counter.record('g')).toBe(1);
  });

  it('counts an IPv6 subscriber block as one address, and leaves IPv4 as it is', () => {
    expect(addressBlock('2001:db8:1:2:aaaa::1')).toBe(
      addressBlock('2001:db8:1:2:bbbb:cccc:dddd:eeee'),
    );
    expect(addressBlock('2001:db8:1:2::1')).not.toBe(addressBlock('2001:db8:1:3::1'));
    expect(addressBlock('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBlock('::1')).toBe('0:0:0:0::/64');
    expect(addressBlock('127.0.0.1')).toBe('127.0.0.1');
    expect(addressBlock('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
  });
});
