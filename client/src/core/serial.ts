// One thing at a time: every change to this device's state (sending, receiving, prekeys) runs
// through one queue, so two writers never seal the same record from different moments and
// writes reach storage in the order they were made.

export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it; its result or error is the caller's. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
