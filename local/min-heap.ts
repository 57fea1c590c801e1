/**
 * A binary min-heap ordered by `before`: the simulation's shoppers' agenda and the manual timers of
 * the runtime both ask "what comes next?" of tens of thousands of entries, many times a step.
 */
export class MinHeap<T> {
  #entries: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.#entries.length;
  }

  peek(): T | undefined {
    return this.#entries[0];
  }

  push(entry: T): void {
    const entries = this.#entries;
    entries.push(entry);
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >>> 1;
      if (!this.before(entry, entries[parent] as T)) break;
      entries[index] = entries[parent] as T;
      index = parent;
    }
    entries[index] = entry;
  }

  pop(): T | undefined {
    const entries = this.#entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= entries.length) break;
      const right = left + 1;
      const child =
        right < entries.length && this.before(entries[right] as T, entries[left] as T) ? right : left;
      if (!this.before(entries[child] as T, last)) break;
      entries[index] = entries[child] as T;
      index = child;
    }
    entries[index] = last;
    return top;
  }

  /** Every entry, in no particular order. */
  values(): readonly T[] {
    return this.#entries;
  }

  /** Keeps only the entries `keep` accepts, and restores the order. */
  retain(keep: (entry: T) => boolean): void {
    const kept = this.#entries.filter(keep);
    this.#entries = [];
    for (const entry of kept) this.push(entry);
  }
}
