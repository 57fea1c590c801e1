/**
 * "Customers who bought this also bought": item-to-item similarity as Amazon describes it
 * (Linden, Smith and York, 2003), kept incrementally and bounded. Each product holds how many
 * baskets (orders, or viewing sessions) contained it and counters for the products that shared a
 * basket with it. The counters are a Space-Saving summary (Metwally, Agrawal and El Abbadi, 2005):
 * at most `capacity` of them, and a product new to a full summary takes the place of the smallest
 * counter, inheriting its count as a known over-estimate (`error`). The products that truly share
 * the most baskets stay in the summary, so a product's item stays small however large the catalog.
 *
 * Similarity is the cosine of the two products' basket vectors: shared baskets ÷ √(baskets of A ×
 * baskets of B). Each counter records B's basket count when the pair last shared a basket, so a
 * ranking without a read of B is possible, if B has since sold a lot without A.
 */

export interface NeighbourCounter {
  productId: string;
  /** Baskets shared with the product, an over-estimate by at most `error`. */
  count: number;
  /** The count this counter inherited when it replaced a smaller one (0 when it never did). */
  error: number;
  /** The neighbour's own basket count when the pair last shared a basket. */
  neighbourBaskets: number;
}

export interface NeighbourSummary {
  productId: string;
  /** Baskets that contained the product. */
  baskets: number;
  counters: NeighbourCounter[];
}

export interface Neighbour {
  productId: string;
  /** Cosine similarity, 0..1. */
  score: number;
}

/** Products of a basket beyond this many are left out: a huge basket says little about any pair. */
export const MAX_BASKET_PRODUCTS = 25;

/** The distinct products of a basket, at most MAX_BASKET_PRODUCTS of them, in their first order. */
export function basketOf(productIds: Iterable<string>): string[] {
  return [...new Set(productIds)].slice(0, MAX_BASKET_PRODUCTS);
}

/**
 * Each product of a basket counts one basket more, and one shared basket with each other product
 * of it. `summaries` holds the current summary of each basket product that has one; the result is
 * the new summary of every basket product (a one-product basket only counts the basket).
 */
export function withBasket(
  basket: string[],
  summaries: ReadonlyMap<string, NeighbourSummary>,
  capacity: number,
): NeighbourSummary[] {
  const products = basketOf(basket);
  const baskets = new Map(
    products.map((productId) => [productId, (summaries.get(productId)?.baskets ?? 0) + 1]),
  );
  return products.map((productId) => {
    let counters = [...(summaries.get(productId)?.counters ?? [])];
    for (const other of products) {
      if (other === productId) continue;
      counters = counted(counters, other, baskets.get(other) ?? 1, capacity);
    }
    return { productId, baskets: baskets.get(productId) ?? 1, counters };
  });
}

function counted(
  counters: NeighbourCounter[],
  productId: string,
  neighbourBaskets: number,
  capacity: number,
): NeighbourCounter[] {
  const index = counters.findIndex((counter) => counter.productId === productId);
  if (index >= 0) {
    const counter = counters[index] as NeighbourCounter;
    return counters.with(index, { ...counter, count: counter.count + 1, neighbourBaskets });
  }
  if (counters.length < capacity) return [...counters, { productId, count: 1, error: 0, neighbourBaskets }];
  // Full: the smallest counter (the oldest of equals, for a stable result) makes room.
  let smallest = 0;
  counters.forEach((counter, at) => {
    if (counter.count < (counters[smallest] as NeighbourCounter).count) smallest = at;
  });
  const replaced = counters[smallest] as NeighbourCounter;
  return counters.with(smallest, {
    productId,
    count: replaced.count + 1,
    error: replaced.count,
    neighbourBaskets,
  });
}

/**
 * The `limit` most similar products, best first. A counter is scored by what it surely counted
 * (`count - error`), so a newcomer that only inherited a count does not outrank a true neighbour;
 * pairs that shared fewer than `minShared` baskets are noise and left out. A neighbour's basket
 * count grows without this product, so the snapshot in its counter ages: `basketsOf` gives the
 * current counts the caller read (e.g. with the neighbours' catalog entries), and the snapshot
 * stands in for those it did not.
 */
export function topNeighbours(
  summary: NeighbourSummary,
  limit: number,
  options: { minShared?: number; basketsOf?: (productId: string) => number | undefined } = {},
): Neighbour[] {
  const { minShared = 1, basketsOf = () => undefined } = options;
  return summary.counters
    .map((counter) => ({ counter, shared: counter.count - counter.error }))
    .filter(({ shared }) => shared >= minShared)
    .map(({ counter, shared }) => {
      const neighbourBaskets = basketsOf(counter.productId) ?? counter.neighbourBaskets;
      return {
        productId: counter.productId,
        score: shared / Math.sqrt(summary.baskets * Math.max(neighbourBaskets, shared)),
      };
    })
    .sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId))
    .slice(0, limit);
}
