// The pressure meter: about how many anonymous auth requests arrived over the last window, all
// clients together. Two fixed buckets, the previous one weighted by how much of it still lies
// inside a sliding window, so the reading neither drops to zero at a bucket boundary nor needs a
// timestamp per request. Memory: three numbers, whatever the load.
export class PressureMeter {
  #bucketStart: number;
  #current = 0;
  #previous = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#bucketStart = now();
  }

  /** Counts one request and returns the reading including it. */
  record(): number {
    this.#roll();
    this.#current += 1;
    return this.#reading();
  }

  /** The reading now, without counting anything. */
  read(): number {
    this.#roll();
    return this.#reading();
  }

  #roll(): void {
    const now = this.now();
    const elapsed = now - this.#bucketStart;
    if (elapsed < this.windowMs) return;
    // One window on: the current bucket becomes the previous one; two or more: both are stale.
    this.#previous = elapsed < 2 * this.windowMs ? this.#current : 0;
    this.#current = 0;
    this.#bucketStart += elapsed - (elapsed % this.windowMs);
  }

  #reading(): number {
    const intoBucket = (this.now() - this.#bucketStart) / this.windowMs;
    return this.#current + this.#previous * (1 - intoBucket);
  }
}
