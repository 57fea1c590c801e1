import { MinHeap } from '../../min-heap.ts';

/**
 * A min-heap of (time, shopper number): which shopper acts next. Entries may go stale when a shopper's
 * agenda changes; the reader checks each against the shopper's agenda and skips the stale ones.
 */
export interface HeapEntry {
  at: number;
  shopper: number;
}

export function agendaHeap(): MinHeap<HeapEntry> {
  return new MinHeap<HeapEntry>((a, b) => (a.at !== b.at ? a.at < b.at : a.shopper < b.shopper));
}
