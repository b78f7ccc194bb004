// Events per key in fixed windows, counted synchronously: the router's per-session and
// per-account limits. The same rule as rate-limiter-flexible's RateLimiterMemory, which the
// router used before — a window opens at a key's first event and lasts `windowMs`, every event in
// it counts (refused ones too), and more than `limit` are refused — without its promise, result
// object and timer per key on every event of the relay's hot path (docs/relay.md).

interface Window {
  count: number;
  readonly endsAt: number;
}

export class EventWindows {
  readonly #windows = new Map<string, Window>();
  #sweepAt: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Wall-clock milliseconds, as RateLimiterMemory read them. */
    private readonly now: () => number = Date.now,
  ) {
    this.#sweepAt = now() + windowMs;
  }

  /** Keys held now (open windows, and ended ones not yet swept). */
  get size(): number {
    return this.#windows.size;
  }

  /** Counts one event for `key`; false when it is more than `limit` in the key's window. */
  take(key: string): boolean {
    const now = this.now();
    if (now >= this.#sweepAt) this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  /** Once a window, forgets the ended ones: memory stays bounded by the keys active in one. */
  #sweep(now: number): void {
    this.#sweepAt = now + this.windowMs;
    for (const [key, window] of this.#windows) {
      if (window.endsAt <= now) this.#windows.delete(key);
    }
  }
}
