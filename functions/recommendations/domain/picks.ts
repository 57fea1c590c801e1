/**
 * Recommendations for a mail or a storefront page, from what the catalog and the shoppers' baskets
 * say: products bought or viewed together with given ones, personal picks from a shopper's recent
 * views, purchases and category affinity, and bestsellers. Every strategy ends in the same filters
 * (in the catalog, in stock, with an image, not already bought, not the items the mail is about)
 * and the same fallback chain, so a new store or a new customer still gets real products:
 * the strategy's own picks → bestsellers of the categories in play → the store's bestsellers.
 * Pure: the caller loads the summaries it needs.
 */

import { type CatalogProduct, isInStock, lowestPrice } from '#catalog/schemas.ts';
import type { Money } from '#events/schemas.ts';
import type { Bestseller } from './bestsellers.ts';
import type { Neighbour } from './neighbours.ts';

export const STRATEGIES = ['bought-together', 'viewed-together', 'for-you', 'bestsellers'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Where a pick came from: the strategy's own signal, or a step of the fallback chain. */
export type PickSource =
  | 'bought-together'
  | 'viewed-together'
  | 'personal'
  | 'category-bestsellers'
  | 'bestsellers';

/** A product as templates show it (the template data's product shape), and why it was picked. */
export interface Pick {
  productId: string;
  name: string;
  price: Money;
  compareAtPrice?: Money;
  url?: string;
  imageUrl?: string;
  category?: string;
  source: PickSource;
}

export interface Shopper {
  /** Most recent first. */
  recentViews: ReadonlyArray<{ productId: string }>;
  /** Products the shopper bought, most recent first. */
  bought: readonly string[];
  /** Weight per category (lower case), higher is stronger. */
  categoryAffinity: Readonly<Record<string, number>>;
}

export interface PickInputs {
  catalog: ReadonlyMap<string, CatalogProduct>;
  boughtTogether: ReadonlyMap<string, readonly Neighbour[]>;
  viewedTogether: ReadonlyMap<string, readonly Neighbour[]>;
  storeBestsellers: readonly Bestseller[];
  /** Keyed by lower-case category. */
  categoryBestsellers: ReadonlyMap<string, readonly Bestseller[]>;
}

export interface PickRequest {
  strategy: Strategy;
  /** The products the picks relate to (bought-together, viewed-together); for-you uses the shopper's. */
  productIds?: readonly string[];
  shopper?: Shopper;
  /** Never picked: the items the mail or page is about. */
  exclude?: readonly string[];
  limit: number;
}

/** Recent views and purchases weigh less the further back they are: the n-th counts RECENCY^n. */
const RECENCY = 0.8;
/** Seeds considered for personal picks. */
const MAX_SEEDS = 10;
/** Categories of the shopper's affinity whose bestsellers fill in. */
const MAX_AFFINITY_CATEGORIES = 3;

export function recommend(request: PickRequest, inputs: PickInputs): Pick[] {
  const excluded = new Set([...(request.exclude ?? []), ...(request.shopper?.bought ?? [])]);
  const picks: Pick[] = [];
  const taken = new Set<string>();
  const add = (ranked: Iterable<string>, source: PickSource) => {
    for (const productId of ranked) {
      if (picks.length >= request.limit) return;
      if (taken.has(productId) || excluded.has(productId)) continue;
      const product = inputs.catalog.get(productId);
      if (product === undefined || !isInStock(product) || product.imageUrl === undefined) continue;
      taken.add(productId);
      picks.push(pickOf(product, source));
    }
  };
  const seeds = request.productIds ?? [];
  switch (request.strategy) {
    case 'bought-together':
      add(ranked(weightedSeeds(seeds), inputs.boughtTogether), 'bought-together');
      add(ranked(weightedSeeds(seeds), inputs.viewedTogether), 'viewed-together');
      break;
    case 'viewed-together':
      add(ranked(weightedSeeds(seeds), inputs.viewedTogether), 'viewed-together');
      add(ranked(weightedSeeds(seeds), inputs.boughtTogether), 'bought-together');
      break;
    case 'for-you':
      add(personal(request.shopper, inputs), 'personal');
      break;
    case 'bestsellers':
      break;
  }
  add(categoryBestsellers(categoriesInPlay(request, inputs), inputs), 'category-bestsellers');
  add(
    inputs.storeBestsellers.map((seller) => seller.productId),
    'bestsellers',
  );
  return picks;
}

function pickOf(product: CatalogProduct, source: PickSource): Pick {
  const { amount, currency } = lowestPrice(product);
  const cheapest = product.variants.find(
    (variant) => variant.price.amount === amount && variant.price.currency === currency,
  );
  const category = product.categories.at(-1);
  return {
    productId: product.productId,
    name: product.title,
    price: { amount, currency },
    ...(cheapest?.compareAtPrice !== undefined && { compareAtPrice: cheapest.compareAtPrice }),
    ...(product.url !== undefined && { url: product.url }),
    ...(product.imageUrl !== undefined && { imageUrl: product.imageUrl }),
    ...(category !== undefined && { category }),
    source,
  };
}

/** Seeds with their recency weight, the first strongest. */
function weightedSeeds(productIds: readonly string[]): Array<[string, number]> {
  return [...new Set(productIds)]
    .slice(0, MAX_SEEDS)
    .map((productId, index) => [productId, RECENCY ** index]);
}

/** Candidates by the sum, over the seeds, of seed weight × similarity; best first, ties by id. */
function ranked(
  seeds: Array<[string, number]>,
  neighbours: ReadonlyMap<string, readonly Neighbour[]>,
): string[] {
  const scores = new Map<string, number>();
  for (const [seed, weight] of seeds) {
    for (const neighbour of neighbours.get(seed) ?? []) {
      scores.set(neighbour.productId, (scores.get(neighbour.productId) ?? 0) + weight * neighbour.score);
    }
  }
  return [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([productId]) => productId);
}

/**
 * Personal picks: products viewed together with what the shopper viewed lately and bought together
 * with what they bought, the recent ones weighing more; the two rankings are merged by reciprocal
 * rank. What they viewed or bought themselves is the seed, not a pick.
 */
function personal(shopper: Shopper | undefined, inputs: PickInputs): string[] {
  if (shopper === undefined) return [];
  const viewed = weightedSeeds(shopper.recentViews.map((view) => view.productId));
  const bought = weightedSeeds(shopper.bought);
  const seeds = new Set([...viewed, ...bought].map(([productId]) => productId));
  const scores = new Map<string, number>();
  for (const [productIds, neighbours] of [
    [viewed, inputs.viewedTogether],
    [bought, inputs.boughtTogether],
  ] as const) {
    const related = ranked(productIds, neighbours).filter((productId) => !seeds.has(productId));
    related.forEach((productId, rank) => {
      scores.set(productId, (scores.get(productId) ?? 0) + 1 / (rank + 1));
    });
  }
  return [...scores].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([productId]) => productId);
}

/**
 * The categories in play, strongest first: the shopper's affinity, then the categories of the
 * products the request is about.
 */
function categoriesInPlay(request: PickRequest, inputs: PickInputs): string[] {
  const affinity = Object.entries(request.shopper?.categoryAffinity ?? {})
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_AFFINITY_CATEGORIES)
    .map(([category]) => category.toLowerCase());
  const ofProducts = (request.productIds ?? []).flatMap((productId) => {
    const category = inputs.catalog.get(productId)?.categories.at(-1);
    return category === undefined ? [] : [category.toLowerCase()];
  });
  return [...new Set([...ofProducts, ...affinity])];
}

/** Round-robin over the categories' bestseller lists, so one category does not take every slot. */
function categoryBestsellers(categories: string[], inputs: PickInputs): string[] {
  const lists = categories.map((category) => inputs.categoryBestsellers.get(category) ?? []);
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const merged: string[] = [];
  for (let rank = 0; rank < longest; rank++) {
    for (const list of lists) {
      const seller = list[rank];
      if (seller !== undefined) merged.push(seller.productId);
    }
  }
  return merged;
}
