/**
 * How long one purchase of a product lasts: the catalog says so when the store knows, else it is
 * learned from the store's repeat purchases — the days between a customer's consecutive orders of
 * the product, over customers, once enough such pairs exist. The median resists the odd customer
 * who stocked up or forgot. Each product keeps its latest gaps only, so its item stays small and
 * the interval follows a change of pack size.
 */

export interface RepeatGaps {
  productId: string;
  /** Days between consecutive orders of the product by one customer, oldest first. */
  gapsDays: number[];
}

/** Gaps kept per product. */
export const MAX_GAPS = 101;
/** Gaps needed before an interval is learned. */
export const MIN_GAPS = 5;
/** Gaps shorter than this are a second order to fix the first (a forgotten item), not a reorder. */
export const MIN_GAP_DAYS = 3;
const MAX_INTERVAL_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The gap a new order of the product makes, given when the same customer last ordered it before:
 * whole days, or undefined when it is no reorder (first order, same-week fix-up, or out of range).
 */
export function repeatGapDays(previousOrderAt: string | undefined, orderAt: string): number | undefined {
  if (previousOrderAt === undefined) return undefined;
  const days = Math.round((Date.parse(orderAt) - Date.parse(previousOrderAt)) / DAY_MS);
  if (!Number.isFinite(days) || days < MIN_GAP_DAYS || days > MAX_INTERVAL_DAYS) return undefined;
  return days;
}

export function withGap(gaps: RepeatGaps, days: number): RepeatGaps {
  return { ...gaps, gapsDays: [...gaps.gapsDays, days].slice(-MAX_GAPS) };
}

/** The median gap in whole days, once MIN_GAPS are known. */
export function learnedIntervalDays(gaps: RepeatGaps | undefined): number | undefined {
  if (gaps === undefined || gaps.gapsDays.length < MIN_GAPS) return undefined;
  const sorted = [...gaps.gapsDays].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(median);
}

/** The store's own interval wins; else the learned one; else the product is not replenishable. */
export function reorderIntervalDays(
  catalogIntervalDays: number | undefined,
  gaps: RepeatGaps | undefined,
): number | undefined {
  return catalogIntervalDays ?? learnedIntervalDays(gaps);
}
