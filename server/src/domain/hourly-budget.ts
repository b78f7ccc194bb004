// A per-key allowance that refills continuously over an hour (a token bucket), kept in memory
// and driven by the injected clock; another window may be given (conversations use a minute). Unlike a fixed window it allows no double burst at a window
// edge: over any span of t hours at most perHour × (1 + t) units are taken.
import type { Clock } from './clock.js';

const HOUR_MS = 3600 * 1000;

interface Bucket {
  readonly units: number;
  readonly at: number;
}

export class HourlyBudget {
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt: number;

  constructor(
    private readonly perHour: number,
    private readonly clock: Clock,
    /** The refill window; `perHour` units refill over it. An hour unless told. */
    private readonly windowMs: number = HOUR_MS,
  ) {
    this.#sweptAt = clock.now();
  }

  /** Takes one unit for `key` and says true, or says false and takes nothing. */
  tryTake(key: string): boolean {
    const now = this.clock.now();
    this.#sweep(now);
    const units = this.#unitsLeft(key, now);
    if (units < 1) return false;
    this.#buckets.set(key, { units: units - 1, at: now });
    return true;
  }

  /** Returns a unit that was taken for nothing. */
  giveBack(key: string): void {
    const now = this.clock.now();
    this.#buckets.set(key, {
      units: Math.min(this.perHour, this.#unitsLeft(key, now) + 1),
      at: now,
    });
  }

  #unitsLeft(key: string, now: number): number {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) return this.perHour;
    // A clock that steps back refills nothing rather than draining.
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(this.perHour, bucket.units + (elapsed * this.perHour) / this.windowMs);
  }

  /** Once an hour, forgets keys whose bucket is full again: memory stays bounded by recent use. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < this.windowMs) return;
    this.#sweptAt = now;
    for (const key of [...this.#buckets.keys()]) {
      if (this.#unitsLeft(key, now) >= this.perHour) this.#buckets.delete(key);
    }
  }
}
