// Counts socket events being handled, so shutdown can stop taking new ones and wait for
// the acks of those already started.
export class InFlight {
  #count = 0;
  #draining = false;
  #waiters: (() => void)[] = [];

  get draining(): boolean {
    return this.#draining;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#count += 1;
    try {
      return await work();
    } finally {
      this.#count -= 1;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  /** Refuses new work from now on; resolves when in-flight work is done or `timeoutMs` passes. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    if (this.#count === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
