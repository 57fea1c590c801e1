import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '#local/min-heap.ts';

describe('Class: MinHeap', () => {
  it('pops any mix of pushes in order, and keeps order after retaining some', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 500 }), (values) => {
        // Prepare
        const heap = new MinHeap<number>((a, b) => a < b);
        for (const value of values) heap.push(value);

        // Act
        heap.retain((value) => value % 3 !== 0);
        const popped: number[] = [];
        for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);

        // Assess
        expect(popped).toEqual(values.filter((value) => value % 3 !== 0).sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
    );
  });
});
