import { describe, expect, it } from 'vitest';
import {
  countKey,
  countWithin,
  type EventCounts,
  MAX_KEYS,
  withEvent,
} from '#segments/domain/event-counts.ts';

const teaViews = countKey('product.viewed', 'category', 'Tea');

describe('Function: withEvent and countWithin', () => {
  it('counts a customer’s events per day and totals a window, today included', () => {
    let counts: EventCounts = {};
    for (const at of [
      '2026-03-01T09:00:00Z',
      '2026-03-20T09:00:00Z',
      '2026-03-20T18:00:00Z',
      '2026-03-30T09:00:00Z',
    ]) {
      counts = withEvent(counts, teaViews, new Date(at));
    }

    expect(counts[teaViews]).toEqual({ '2026-03-01': 1, '2026-03-20': 2, '2026-03-30': 1 });
    expect(countWithin(counts, teaViews, 30, new Date('2026-03-30T23:00:00Z'))).toBe(4);
    expect(countWithin(counts, teaViews, 11, new Date('2026-03-30T23:00:00Z'))).toBe(3);
    expect(
      countWithin(
        counts,
        countKey('product.viewed', 'category', 'coffee'),
        30,
        new Date('2026-03-30T23:00:00Z'),
      ),
    ).toBe(0);
  });

  it('drops days beyond the kept window and, past the key bound, the keys counted least recently', () => {
    let counts: EventCounts = withEvent({}, teaViews, new Date('2026-01-01T00:00:00Z'), 30);
    counts = withEvent(counts, teaViews, new Date('2026-03-01T00:00:00Z'), 30);
    expect(counts[teaViews]).toEqual({ '2026-03-01': 1 });

    let many: EventCounts = {};
    for (let i = 0; i <= MAX_KEYS; i++) {
      many = withEvent(
        many,
        countKey('product.viewed', 'product', `p${i}`),
        new Date(Date.UTC(2026, 2, 1) + i * 60_000),
      );
    }
    many = withEvent(many, countKey('product.viewed', 'product', 'p0'), new Date('2026-03-02T00:00:00Z'));

    expect(Object.keys(many)).toHaveLength(MAX_KEYS);
    expect(many[countKey('product.viewed', 'product', 'p0')]).toBeDefined();
  });
});
