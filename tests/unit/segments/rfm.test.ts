import { describe, expect, it } from 'vitest';
import { type RfmInput, rfmLimits, rfmScore } from '#segments/domain/rfm.ts';

const now = new Date('2026-04-01T00:00:00Z');
const customer = (daysAgo: number, orders: number, spent: number): RfmInput => ({
  lastOrderAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
  orders,
  spentMinor: BigInt(spent),
});

describe('Function: rfmScore', () => {
  // Ten customers: recency 1..10 days ago, 1..10 orders, 100..1000 spent.
  const store = Array.from({ length: 10 }, (_, i) => customer(i + 1, i + 1, (i + 1) * 100));
  const limits = rfmLimits(store, now);

  it('scores against the store’s own quintiles, 5 best on each measure', () => {
    expect(limits).toEqual({
      recencyDays: [2, 4, 6, 8],
      orders: [2, 4, 6, 8],
      spentMinor: [200n, 400n, 600n, 800n],
    });
    expect(rfmScore(customer(1, 10, 1000), limits, now)).toEqual({ recency: 5, frequency: 5, monetary: 5 });
    expect(rfmScore(customer(10, 1, 100), limits, now)).toEqual({ recency: 1, frequency: 1, monetary: 1 });
    expect(rfmScore(customer(5, 5, 500), limits, now)).toEqual({ recency: 3, frequency: 3, monetary: 3 });
  });

  it('gives the middle band when the store has no customers who ordered yet', () => {
    expect(rfmScore(customer(5, 5, 500), rfmLimits([], now), now)).toEqual({
      recency: 3,
      frequency: 3,
      monetary: 3,
    });
  });
});
