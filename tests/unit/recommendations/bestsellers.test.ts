import { describe, expect, it } from 'vitest';
import { bestsellers, type DaySales, windowDays, withSale } from '#recommendations/domain/bestsellers.ts';

describe('Function: withSale', () => {
  it('adds units to a product of the day', () => {
    let day: DaySales = { day: '2026-03-02', units: {} };
    day = withSale(day, 'tea', 2, 10);
    day = withSale(day, 'tea', 1, 10);
    day = withSale(day, 'pot', 1, 10);

    expect(day).toEqual({ day: '2026-03-02', units: { tea: 3, pot: 1 } });
  });

  it('keeps at most `capacity` products: a newcomer replaces the fewest units and inherits them', () => {
    const day = withSale({ day: '2026-03-02', units: { tea: 5, pot: 1, cups: 2 } }, 'kettle', 1, 3);

    expect(day.units).toEqual({ tea: 5, cups: 2, kettle: 2 });
  });
});

describe('Function: bestsellers', () => {
  it('sums the window’s days and ranks by units, ties by id', () => {
    const days: DaySales[] = [
      { day: '2026-03-02', units: { tea: 3, pot: 1 } },
      { day: '2026-03-01', units: { pot: 2, cups: 3 } },
    ];

    expect(bestsellers(days, 2)).toEqual([
      { productId: 'cups', units: 3 },
      { productId: 'pot', units: 3 },
    ]);
  });
});

describe('Function: windowDays', () => {
  it('names the window’s UTC days, newest first', () => {
    expect(windowDays(new Date('2026-03-02T23:30:00Z'), 3)).toEqual([
      '2026-03-02',
      '2026-03-01',
      '2026-02-28',
    ]);
  });
});
