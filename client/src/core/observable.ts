// A value that changes over time and tells whoever listens: the connection state and message
// lists an app renders. Framework-free, so a Preact signal, a test or a bot can each wrap it.

export type Unsubscribe = () => void;

export class Observable<T> {
  #value: T;
  readonly #listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  get value(): T {
    return this.#value;
  }

  /** Calls `listener` with every new value (not the current one); returns how to stop. */
  subscribe(listener: (value: T) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first value (the current one included) that `accept` accepts. */
  when(accept: (value: T) => boolean): Promise<T> {
    if (accept(this.#value)) return Promise.resolve(this.#value);
    return new Promise((resolve) => {
      const stop = this.subscribe((value) => {
        if (!accept(value)) return;
        stop();
        resolve(value);
      });
    });
  }

  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const listener of [...this.#listeners]) listener(value);
  }
}

/** A stream of events of one kind, for those that are not a state (a message arrived). */
export class Emitter<T> {
  readonly #listeners = new Set<(event: T) => void>();

  on(listener: (event: T) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: T): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
