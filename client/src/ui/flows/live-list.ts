// A list read from the server and kept fresh: loaded now, again on every push that says it
// changed, and again on every reconnect (a push missed while offline is never waited for). The
// screens render `items`; `problem` holds the last failure to load, cleared by the next success.
import { Observable, type KolokolClient, type Unsubscribe } from '@kolokol/client/core';

type PushName = Parameters<KolokolClient['connection']['onPush']>[0];

export class LiveList<T> {
  readonly items = new Observable<readonly T[] | undefined>(undefined);
  readonly problem = new Observable<unknown>(undefined);
  readonly #stops: Unsubscribe[] = [];
  #loading: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly client: KolokolClient,
    private readonly load: () => Promise<readonly T[]>,
    pushes: readonly PushName[],
  ) {
    for (const push of pushes) {
      this.#stops.push(client.connection.onPush(push, () => void this.refresh()));
    }
    this.#stops.push(client.connection.connected.on(() => void this.refresh()));
  }

  /**
   * Loads the list again; concurrent calls share one load, and a call during a load starts one
   * more after it (so the newest change is never missed). Never throws: see `problem`.
   */
  refresh(): Promise<void> {
    if (this.#loading !== undefined) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = this.#run().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /** Stops listening (the screen closed). */
  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      if (this.client.connection.state.value !== 'connected') return; // the reconnect reloads
      try {
        this.items.set(await this.load());
        this.problem.set(undefined);
      } catch (error) {
        this.problem.set(error);
      }
    } while (this.#again);
  }
}
