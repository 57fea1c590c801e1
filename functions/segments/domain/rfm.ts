/**
 * RFM scores: recency (days since the last order), frequency (orders) and monetary value (total
 * spent) each scored 1 to 5 by the store's own quintiles, 5 best (most recent, most orders, most
 * spent). The quintile limits are computed daily from the store's customers who ordered; a
 * customer is scored against the limits of the day. Customers who never ordered get no score.
 */

export interface RfmInput {
  lastOrderAt: string;
  orders: number;
  /** In the store's currency, as minor units. */
  spentMinor: bigint;
}

/** The four inner limits of each measure's five bands (ascending). */
export interface RfmLimits {
  recencyDays: number[];
  orders: number[];
  spentMinor: bigint[];
}

export interface RfmScore {
  recency: number;
  frequency: number;
  monetary: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function recencyDays(lastOrderAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(lastOrderAt)) / DAY_MS));
}

/** The quintile limits of the store's customers who ordered, as of `now`. */
export function rfmLimits(customers: readonly RfmInput[], now: Date): RfmLimits {
  return {
    recencyDays: quintileLimits(
      customers.map((customer) => recencyDays(customer.lastOrderAt, now)),
      (a, b) => a - b,
    ),
    orders: quintileLimits(
      customers.map((customer) => customer.orders),
      (a, b) => a - b,
    ),
    spentMinor: quintileLimits(
      customers.map((customer) => customer.spentMinor),
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    ),
  };
}

export function rfmScore(customer: RfmInput, limits: RfmLimits, now: Date): RfmScore {
  return {
    // Fewer days since the last order is better.
    recency: 6 - band(recencyDays(customer.lastOrderAt, now), limits.recencyDays, (a, b) => a - b),
    frequency: band(customer.orders, limits.orders, (a, b) => a - b),
    monetary: band(customer.spentMinor, limits.spentMinor, (a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

/** The values at the 20th, 40th, 60th and 80th percentiles (nearest rank); none without customers. */
function quintileLimits<T>(values: T[], order: (a: T, b: T) => number): T[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort(order);
  return [0.2, 0.4, 0.6, 0.8].map((share) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] as T);
}

/** 1 to 5: one more than the number of limits the value is above. */
function band<T>(value: T, limits: readonly T[], order: (a: T, b: T) => number): number {
  if (limits.length === 0) return 3;
  return 1 + limits.filter((limit) => order(value, limit) > 0).length;
}
