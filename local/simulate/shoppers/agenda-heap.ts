/**
 * A min-heap of (time, shopper number): which shopper acts next. Entries may go stale when a shopper's
 * agenda changes; the reader checks each against the shopper's agenda and skips the stale ones.
 */
export interface HeapEntry {
  at: number;
  shopper: number;
}

export class AgendaHeap {
  private readonly entries: HeapEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  peek(): HeapEntry | undefined {
    return this.entries[0];
  }

  push(entry: HeapEntry): void {
    const { entries } = this;
    entries.push(entry);
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >>> 1;
      if (!before(entry, entries[parent] as HeapEntry)) break;
      entries[index] = entries[parent] as HeapEntry;
      index = parent;
    }
    entries[index] = entry;
  }

  pop(): HeapEntry | undefined {
    const { entries } = this;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= entries.length) break;
      const right = left + 1;
      const child =
        right < entries.length && before(entries[right] as HeapEntry, entries[left] as HeapEntry)
          ? right
          : left;
      if (!before(entries[child] as HeapEntry, last)) break;
      entries[index] = entries[child] as HeapEntry;
      index = child;
    }
    entries[index] = last;
    return top;
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.at !== b.at ? a.at < b.at : a.shopper < b.shopper;
}
