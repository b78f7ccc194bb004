// An indexed binary min-heap over the items 0 … n − 1, each present at most once with a key that
// can change, which lists every item below a limit in time proportional to how many there are.
// The flow keeps its busy volunteers here, keyed by what freeing their last slot costs, so that
// a search through the sink visits only the volunteers it can still use, not every busy one.

export class KeyedHeap {
  readonly #keys: Float64Array;
  readonly #items: Int32Array;
  /** Each item's place in the heap, or −1. */
  readonly #at: Int32Array;
  #size = 0;

  constructor(universe: number) {
    this.#keys = new Float64Array(universe);
    this.#items = new Int32Array(universe);
    this.#at = new Int32Array(universe).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  has(item: number): boolean {
    return this.#at[item] !== -1;
  }

  /** Adds the item, or moves it to its new key. */
  set(item: number, key: number): void {
    let at = this.#at[item]!;
    if (at === -1) {
      at = this.#size;
      this.#size += 1;
      this.#place(at, item, key);
      this.#up(at);
      return;
    }
    const old = this.#keys[at]!;
    this.#keys[at] = key;
    if (key < old) this.#up(at);
    else this.#down(at);
  }

  delete(item: number): void {
    const at = this.#at[item]!;
    if (at === -1) return;
    this.#at[item] = -1;
    this.#size -= 1;
    if (at === this.#size) return;
    const lastItem = this.#items[this.#size]!;
    const lastKey = this.#keys[this.#size]!;
    this.#place(at, lastItem, lastKey);
    this.#up(at);
    this.#down(this.#at[lastItem]!);
  }

  /** Calls `visit(item, key)` for every item whose key is below `limit`, in no set order. */
  forEachBelow(limit: number, visit: (item: number, key: number) => void): void {
    if (this.#size === 0 || !(this.#keys[0]! < limit)) return;
    const stack = [0];
    while (stack.length > 0) {
      const at = stack.pop()!;
      visit(this.#items[at]!, this.#keys[at]!);
      const left = 2 * at + 1;
      if (left < this.#size && this.#keys[left]! < limit) stack.push(left);
      if (left + 1 < this.#size && this.#keys[left + 1]! < limit) stack.push(left + 1);
    }
  }

  #place(at: number, item: number, key: number): void {
    this.#items[at] = item;
    this.#keys[at] = key;
    this.#at[item] = at;
  }

  #up(start: number): void {
    let at = start;
    const item = this.#items[at]!;
    const key = this.#keys[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.#keys[parent]! <= key) break;
      this.#place(at, this.#items[parent]!, this.#keys[parent]!);
      at = parent;
    }
    this.#place(at, item, key);
  }

  #down(start: number): void {
    let at = start;
    const item = this.#items[at]!;
    const key = this.#keys[at]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.#size) break;
      if (child + 1 < this.#size && this.#keys[child + 1]! < this.#keys[child]!) child += 1;
      if (this.#keys[child]! >= key) break;
      this.#place(at, this.#items[child]!, this.#keys[child]!);
      at = child;
    }
    this.#place(at, item, key);
  }
}
