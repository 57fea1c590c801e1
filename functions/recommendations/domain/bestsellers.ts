/**
 * Bestsellers over a rolling window: units sold per product, kept per day (for the whole store and
 * per category), so the window moves by dropping whole days and nothing is ever subtracted. Each day
 * keeps at most `capacity` products; when a day is full, a new product takes the place of the one
 * with the fewest units (Space-Saving, as the neighbour summaries), so a day's item stays small.
 */

export interface DaySales {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Units sold per product that day (over-estimated by at most the day's smallest count when it was full). */
  units: Record<string, number>;
}

export interface Bestseller {
  productId: string;
  units: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The days of a window of `days` days ending with the day of `now`, newest first. */
export function windowDays(now: Date, days: number): string[] {
  return Array.from({ length: days }, (_, back) => dayOf(new Date(now.getTime() - back * DAY_MS)));
}

/** The day's sales after `units` more of a product. */
export function withSale(day: DaySales, productId: string, units: number, capacity: number): DaySales {
  const current = day.units[productId];
  if (current !== undefined || Object.keys(day.units).length < capacity) {
    return { ...day, units: { ...day.units, [productId]: (current ?? 0) + units } };
  }
  let smallest: [string, number] | undefined;
  for (const entry of Object.entries(day.units)) {
    if (
      smallest === undefined ||
      entry[1] < smallest[1] ||
      (entry[1] === smallest[1] && entry[0] < smallest[0])
    ) {
      smallest = entry;
    }
  }
  const { [smallest?.[0] ?? '']: _, ...rest } = day.units;
  return { ...day, units: { ...rest, [productId]: (smallest?.[1] ?? 0) + units } };
}

/** The `limit` products with the most units over the given days, most first (ties by id). */
export function bestsellers(days: readonly DaySales[], limit: number): Bestseller[] {
  const total = new Map<string, number>();
  for (const day of days) {
    for (const [productId, units] of Object.entries(day.units))
      total.set(productId, (total.get(productId) ?? 0) + units);
  }
  return [...total]
    .map(([productId, units]) => ({ productId, units }))
    .sort((a, b) => b.units - a.units || a.productId.localeCompare(b.productId))
    .slice(0, limit);
}
