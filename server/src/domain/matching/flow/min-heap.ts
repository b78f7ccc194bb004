// A binary min-heap of (key, node) pairs over typed arrays, for Dijkstra with lazy deletion: a
// node may be pushed again with a smaller key and its stale entries skipped when popped. Equal
// keys pop the smaller node first, so a search is reproducible.

function precedes(key: number, node: number, otherKey: number, otherNode: number): boolean {
  return key < otherKey || (key === otherKey && node < otherNode);
}

export class MinHeap {
  #keys = new Float64Array(1024);
  #nodes = new Int32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(key: number, node: number): void {
    if (this.#size === this.#keys.length) this.#grow();
    let at = this.#size;
    this.#size += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!precedes(key, node, this.#keys[parent]!, this.#nodes[parent]!)) break;
      this.#keys[at] = this.#keys[parent]!;
      this.#nodes[at] = this.#nodes[parent]!;
      at = parent;
    }
    this.#keys[at] = key;
    this.#nodes[at] = node;
  }

  /** The smallest key (the heap must not be empty). */
  peekKey(): number {
    return this.#keys[0]!;
  }

  /** Removes the top entry and returns its node (the heap must not be empty). */
  pop(): number {
    const keys = this.#keys;
    const nodes = this.#nodes;
    const top = nodes[0]!;
    this.#size -= 1;
    const size = this.#size;
    if (size > 0) {
      const key = keys[size]!;
      const node = nodes[size]!;
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        const right = child + 1;
        if (right < size && precedes(keys[right]!, nodes[right]!, keys[child]!, nodes[child]!)) {
          child = right;
        }
        if (!precedes(keys[child]!, nodes[child]!, key, node)) break;
        keys[at] = keys[child]!;
        nodes[at] = nodes[child]!;
        at = child;
      }
      keys[at] = key;
      nodes[at] = node;
    }
    return top;
  }

  #grow(): void {
    const keys = new Float64Array(this.#keys.length * 2);
    keys.set(this.#keys);
    this.#keys = keys;
    const nodes = new Int32Array(this.#nodes.length * 2);
    nodes.set(this.#nodes);
    this.#nodes = nodes;
  }
}
