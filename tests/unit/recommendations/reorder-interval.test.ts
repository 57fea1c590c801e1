import { describe, expect, it } from 'vitest';
import {
  learnedIntervalDays,
  MAX_GAPS,
  MIN_GAPS,
  type RepeatGaps,
  reorderIntervalDays,
  repeatGapDays,
  withGap,
} from '#recommendations/domain/reorder-interval.ts';

const gapsOf = (gapsDays: number[]): RepeatGaps => ({ productId: 'sencha', gapsDays });

describe('Function: repeatGapDays', () => {
  it('gives the whole days between a customer’s consecutive orders of a product', () => {
    expect(repeatGapDays('2026-03-01T10:00:00Z', '2026-03-31T09:00:00Z')).toBe(30);
  });

  it('counts no gap for a first order, a fix-up order within days, or one more than a year later', () => {
    expect(repeatGapDays(undefined, '2026-03-31T09:00:00Z')).toBeUndefined();
    expect(repeatGapDays('2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z')).toBeUndefined();
    expect(repeatGapDays('2025-01-01T10:00:00Z', '2026-03-02T10:00:00Z')).toBeUndefined();
  });
});

describe('Function: learnedIntervalDays', () => {
  it('learns nothing before enough gaps are known', () => {
    expect(learnedIntervalDays(undefined)).toBeUndefined();
    expect(learnedIntervalDays(gapsOf(Array.from({ length: MIN_GAPS - 1 }, () => 30)))).toBeUndefined();
  });

  it('takes the median, which the odd stock-up or forgetful customer does not move', () => {
    expect(learnedIntervalDays(gapsOf([28, 30, 31, 29, 200]))).toBe(30);
    expect(learnedIntervalDays(gapsOf([20, 22, 30, 31, 90, 4]))).toBe(26);
  });

  it('keeps the latest gaps only, so the interval follows a new pack size', () => {
    let gaps = gapsOf([]);
    for (let i = 0; i < MAX_GAPS; i++) gaps = withGap(gaps, 30);
    for (let i = 0; i < MAX_GAPS; i++) gaps = withGap(gaps, 60);

    expect(gaps.gapsDays).toHaveLength(MAX_GAPS);
    expect(learnedIntervalDays(gaps)).toBe(60);
  });
});

describe('Function: reorderIntervalDays', () => {
  it('prefers the store’s interval, else the learned one', () => {
    const learned = gapsOf([30, 30, 30, 30, 30]);

    expect(reorderIntervalDays(42, learned)).toBe(42);
    expect(reorderIntervalDays(undefined, learned)).toBe(30);
    expect(reorderIntervalDays(undefined, undefined)).toBeUndefined();
  });
});
