// Open sockets per account, counted so that checking the count and taking a slot are one step:
// two handshakes of one account can never both see "room for one more". The port is async so a
// shared store (Redis, for several server processes) can implement it with one atomic command.
export interface SocketSlots {
  /** Takes a slot for the account if it holds fewer than `max`; undefined when it is full. */
  claim(accountId: string, max: number): Promise<SlotClaim | undefined>;
}

export interface SlotClaim {
  /** Gives the slot back; later calls do nothing. */
  release(): void;
}

/** The single-process registry: a map of counts, checked and incremented in the same tick. */
export class InProcessSocketSlots implements SocketSlots {
  readonly #open = new Map<string, number>();

  claim(accountId: string, max: number): Promise<SlotClaim | undefined> {
    return Promise.resolve(this.claimNow(accountId, max));
  }

  /** The synchronous claim behind `claim`: nothing can run between the check and the increment. */
  claimNow(accountId: string, max: number): SlotClaim | undefined {
    const open = this.#open.get(accountId) ?? 0;
    if (open >= max) return undefined;
    this.#open.set(accountId, open + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#open.get(accountId) ?? 1) - 1;
        if (left > 0) this.#open.set(accountId, left);
        else this.#open.delete(accountId);
      },
    };
  }

  /** Slots the account holds now. */
  count(accountId: string): number {
    return this.#open.get(accountId) ?? 0;
  }
}
