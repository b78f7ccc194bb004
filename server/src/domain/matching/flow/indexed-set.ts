// A set of the whole numbers 0 … n − 1 that can be walked by position: the flow keeps its waiting
// requests in one, so the source's arcs are visited without scanning every request.
/** A set of small whole numbers with O(1) add, delete and iteration by position. */
export class IndexedSet {
  readonly #items: Int32Array;
  readonly #at: Int32Array;
  #size = 0;

  constructor(universe: number) {
    this.#items = new Int32Array(universe);
    this.#at = new Int32Array(universe).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  has(item: number): boolean {
    return this.#at[item] !== -1;
  }

  at(index: number): number {
    return this.#items[index]!;
  }

  add(item: number): void {
    if (this.#at[item] !== -1) return;
    this.#at[item] = this.#size;
    this.#items[this.#size] = item;
    this.#size += 1;
  }

  delete(item: number): void {
    const at = this.#at[item]!;
    if (at === -1) return;
    const last = this.#items[this.#size - 1]!;
    this.#items[at] = last;
    this.#at[last] = at;
    this.#size -= 1;
    this.#at[item] = -1;
  }
}
