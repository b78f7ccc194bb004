// Counts requests per client address for the soft per-address signal, in bounded memory. Each
// address gets a fixed window from its first request; at most `maxTracked` addresses are held,
// and once that many are live, further new addresses share one overflow counter — so many
// addresses (an IPv6 block, a botnet) cannot grow the table, and they simply pay proof of work
// sooner. IPv6 addresses are counted per /64, the block one subscriber usually holds.
import { isIPv6 } from 'node:net';

const OVERFLOW = 'overflow';

interface Count {
  count: number;
  readonly resetAt: number;
}

/** The /64 prefix of an IPv6 address (IPv4-mapped ones stay as they are); others unchanged. */
export function addressBlock(address: string): string {
  if (!isIPv6(address) || address.toLowerCase().startsWith('::ffff:')) return address;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
        ...tailGroups,
      ]
    : address.split(':');
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

export class AddressCounter {
  /** Insertion order is expiry order: a key whose window ends is deleted before it restarts. */
  readonly #counts = new Map<string, Count>();

  constructor(
    private readonly windowMs: number,
    private readonly maxTracked: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request under this key and returns the count in its window. */
  record(key: string): number {
    const now = this.now();
    const tracked = this.#live(key, now) ?? this.#start(key, now);
    tracked.count += 1;
    return tracked.count;
  }

  /** The count in this key's window, without counting. */
  read(key: string): number {
    const now = this.now();
    const own = this.#live(key, now);
    if (own !== undefined) return own.count;
    // A new address would share the overflow counter only while the table is full.
    return this.#counts.size >= this.maxTracked ? (this.#live(OVERFLOW, now)?.count ?? 0) : 0;
  }

  #live(key: string, now: number): Count | undefined {
    const count = this.#counts.get(key);
    if (count === undefined || count.resetAt > now) return count;
    this.#counts.delete(key);
    return undefined;
  }

  #start(key: string, now: number): Count {
    // Forget expired windows from the oldest on; each is visited once, so this is O(1) amortised.
    for (const [oldKey, oldCount] of this.#counts) {
      if (oldCount.resetAt > now) break;
      this.#counts.delete(oldKey);
    }
    if (this.#counts.size >= this.maxTracked) {
      return this.#live(OVERFLOW, now) ?? this.#insert(OVERFLOW, now);
    }
    return this.#insert(key, now);
  }

  #insert(key: string, now: number): Count {
    const count = { count: 0, resetAt: now + this.windowMs };
    this.#counts.set(key, count);
    return count;
  }
}
