import { describe, expect, it } from 'vitest';
import {
  basketOf,
  MAX_BASKET_PRODUCTS,
  type NeighbourSummary,
  topNeighbours,
  withBasket,
} from '#recommendations/domain/neighbours.ts';

/** Runs baskets through the summaries as the catalog function would, one basket at a time. */
function summariesAfter(baskets: string[][], capacity = 10): Map<string, NeighbourSummary> {
  const summaries = new Map<string, NeighbourSummary>();
  for (const basket of baskets) {
    for (const summary of withBasket(basket, summaries, capacity)) summaries.set(summary.productId, summary);
  }
  return summaries;
}

describe('Function: withBasket', () => {
  it('counts a basket for each product and a shared basket for each pair', () => {
    const summaries = summariesAfter([['tea', 'pot'], ['tea', 'pot', 'cups'], ['tea']]);

    expect(summaries.get('tea')).toEqual({
      productId: 'tea',
      baskets: 3,
      counters: [
        { productId: 'pot', count: 2, error: 0, neighbourBaskets: 2 },
        { productId: 'cups', count: 1, error: 0, neighbourBaskets: 1 },
      ],
    });
    expect(summaries.get('cups')?.counters.map((counter) => [counter.productId, counter.count])).toEqual([
      ['tea', 1],
      ['pot', 1],
    ]);
  });

  it('counts a product once however many lines of it a basket has', () => {
    const summaries = summariesAfter([['tea', 'tea', 'pot']]);

    expect(summaries.get('tea')?.baskets).toBe(1);
    expect(summaries.get('pot')?.counters).toEqual([
      { productId: 'tea', count: 1, error: 0, neighbourBaskets: 1 },
    ]);
  });

  it('keeps at most `capacity` counters, and the true frequent neighbours among them', () => {
    // "pot" shares every other basket with "tea"; forty other products share one each.
    const baskets = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? ['tea', 'pot'] : ['tea', `rare-${i}`],
    );

    const tea = summariesAfter(baskets, 4).get('tea');

    expect(tea?.counters).toHaveLength(4);
    expect(tea?.counters.find((counter) => counter.productId === 'pot')).toMatchObject({
      count: 20,
      error: 0,
    });
    expect(topNeighbours(tea as NeighbourSummary, 1)[0]?.productId).toBe('pot');
  });

  it('leaves products beyond the basket bound out', () => {
    const huge = Array.from({ length: MAX_BASKET_PRODUCTS + 5 }, (_, i) => `p${i}`);

    expect(basketOf(huge)).toHaveLength(MAX_BASKET_PRODUCTS);
    expect(summariesAfter([huge], 100).size).toBe(MAX_BASKET_PRODUCTS);
  });
});

describe('Function: topNeighbours', () => {
  it('ranks by cosine similarity, so a product in every basket does not win by volume', () => {
    // "bag" is in every basket; "pot" goes with tea only.
    const summaries = summariesAfter([
      ['tea', 'pot', 'bag'],
      ['tea', 'pot', 'bag'],
      ['tea', 'bag'],
      ['coffee', 'bag'],
      ['coffee', 'bag'],
      ['shoes', 'bag'],
      ['shoes', 'bag'],
    ]);

    const basketsOf = (productId: string) => summaries.get(productId)?.baskets;

    const forTea = topNeighbours(summaries.get('tea') as NeighbourSummary, 5, { basketsOf });

    // pot: 2 / √(3 × 2) = 0.816; bag: 3 / √(3 × 7) = 0.655.
    expect(forTea.map((neighbour) => neighbour.productId)).toEqual(['pot', 'bag']);
    expect(forTea[0]?.score).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(forTea[1]?.score).toBeCloseTo(3 / Math.sqrt(21), 6);
  });

  it('falls back to the basket count seen when the pair last met, for neighbours it was not given', () => {
    const summaries = summariesAfter([
      ['tea', 'bag'],
      ['coffee', 'bag'],
    ]);

    // bag had 1 basket when it last met tea: 1 / √(1 × 1).
    expect(topNeighbours(summaries.get('tea') as NeighbourSummary, 5)).toEqual([
      { productId: 'bag', score: 1 },
    ]);
  });

  it('scores by what a counter surely counted and leaves out pairs below the minimum', () => {
    const summary: NeighbourSummary = {
      productId: 'tea',
      baskets: 10,
      counters: [
        { productId: 'pot', count: 4, error: 0, neighbourBaskets: 4 },
        { productId: 'newcomer', count: 5, error: 4, neighbourBaskets: 1 },
        { productId: 'once', count: 1, error: 0, neighbourBaskets: 9 },
      ],
    };

    expect(topNeighbours(summary, 5, { minShared: 2 }).map((neighbour) => neighbour.productId)).toEqual([
      'pot',
    ]);
    expect(topNeighbours(summary, 5).map((neighbour) => neighbour.productId)).toEqual([
      'pot',
      'newcomer',
      'once',
    ]);
  });
});
