/**
 * The simulated store's catalog: a tea and coffee shop. Product ids and categories line up with the
 * journeys' `CATALOG`, so tea (30 days), coffee (21 days) and the 1 kg bag of beans (42 days) start
 * replenishment journeys, while mugs, teapots, brewing gear and gifts never do.
 */
import type { Product } from '#events/schemas.ts';
import { CATALOG, reorderIntervalDays } from '#journeys/config/catalog-config.ts';
import type { Random } from './random.ts';

export const STORE_CURRENCY = 'USD';
export const STORE_URL = 'https://shop.simulated.example';

export const CATEGORIES = ['tea', 'coffee', 'mugs', 'teapots', 'brewing', 'gifts'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface SyntheticProduct {
  productId: string;
  category: Category;
  name: string;
  /** Integer cents: every sum in the simulation is exact. */
  priceCents: number;
  /** Relative share of views and purchases within the store. */
  popularity: number;
  /** Days one purchase lasts according to the journeys' catalog, or undefined when not replenishable. */
  reorderIntervalDays: number | undefined;
  /** The product as the canonical events carry it. */
  event: Product;
}

/** [productId, category, name, price in cents, popularity] */
const PRODUCTS: readonly (readonly [string, Category, string, number, number])[] = [
  ['tea-sencha-100g', 'tea', 'Sencha green tea, 100 g', 1250, 9],
  ['tea-earl-grey-100g', 'tea', 'Earl Grey, 100 g', 990, 10],
  ['tea-assam-250g', 'tea', 'Assam breakfast tea, 250 g', 1400, 7],
  ['tea-darjeeling-100g', 'tea', 'Darjeeling first flush, 100 g', 1650, 5],
  ['tea-jasmine-pearls-50g', 'tea', 'Jasmine pearls, 50 g', 1890, 4],
  ['tea-chamomile-50g', 'tea', 'Chamomile flowers, 50 g', 750, 5],
  ['tea-rooibos-100g', 'tea', 'Rooibos vanilla, 100 g', 890, 5],
  ['tea-matcha-30g', 'tea', 'Ceremonial matcha, 30 g', 2400, 4],
  ['tea-oolong-100g', 'tea', 'Milk oolong, 100 g', 1590, 3],
  ['tea-chai-200g', 'tea', 'Masala chai blend, 200 g', 1150, 5],
  ['tea-peppermint-50g', 'tea', 'Peppermint leaves, 50 g', 690, 4],
  ['coffee-beans-250g', 'coffee', 'House blend beans, 250 g', 1290, 10],
  ['coffee-beans-1kg', 'coffee', 'House blend beans, 1 kg', 3900, 6],
  ['coffee-espresso-500g', 'coffee', 'Espresso roast, 500 g', 1950, 7],
  ['coffee-decaf-250g', 'coffee', 'Swiss water decaf, 250 g', 1350, 3],
  ['coffee-filter-ground-500g', 'coffee', 'Filter grind, 500 g', 1600, 5],
  ['coffee-ethiopia-250g', 'coffee', 'Ethiopia Yirgacheffe, 250 g', 1590, 4],
  ['coffee-cold-brew-pack', 'coffee', 'Cold brew packs, 8 ×', 1450, 3],
  ['mug-stoneware', 'mugs', 'Stoneware mug', 1800, 5],
  ['mug-glass-double-wall', 'mugs', 'Double-wall glass mug', 2400, 3],
  ['mug-travel', 'mugs', 'Insulated travel mug', 2900, 3],
  ['teapot-cast-iron', 'teapots', 'Cast-iron teapot, 0.8 l', 6900, 2],
  ['teapot-glass-1l', 'teapots', 'Glass teapot, 1 l', 3900, 2],
  ['brewing-tea-infuser', 'brewing', 'Stainless tea infuser', 950, 4],
  ['brewing-french-press', 'brewing', 'French press, 1 l', 3400, 3],
  ['brewing-pour-over-set', 'brewing', 'Pour-over set', 4500, 2],
  ['brewing-hand-grinder', 'brewing', 'Hand grinder', 5900, 2],
  ['gift-card-25', 'gifts', 'Gift card, $25', 2500, 2],
  ['gift-tea-sampler', 'gifts', 'Tea sampler box', 3200, 3],
  ['gift-coffee-lovers-box', 'gifts', "Coffee lover's box", 5400, 2],
];

export const SYNTHETIC_CATALOG: readonly SyntheticProduct[] = PRODUCTS.map(
  ([productId, category, name, priceCents, popularity]) => ({
    productId,
    category,
    name,
    priceCents,
    popularity,
    reorderIntervalDays: reorderIntervalDays(CATALOG, { productId, category }),
    event: Object.freeze({
      productId,
      sku: productId.toUpperCase(),
      name,
      category,
      price: Object.freeze({ amount: formatCents(priceCents), currency: STORE_CURRENCY }),
      url: `${STORE_URL}/products/${productId}`,
      imageUrl: `${STORE_URL}/images/${productId}.jpg`,
    }),
  }),
);

const BY_ID = new Map(SYNTHETIC_CATALOG.map((product) => [product.productId, product]));

export function productById(productId: string): SyntheticProduct | undefined {
  return BY_ID.get(productId);
}

/** Cents as the decimal string the canonical events carry ("12.50"). */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  // `fromMinorUnits` asks Intl for the currency's digits on every call: too slow for every event.
  const sign = cents < 0 ? '-' : '';
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The exact cents of a USD decimal string ("12.5" → 1250). */
export function parseCents(amount: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (match === null) throw new RangeError(`not a USD amount: ${amount}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

export const REPLENISHABLE_PRODUCTS = SYNTHETIC_CATALOG.filter(
  (product) => product.reorderIntervalDays !== undefined,
);

interface Shelf {
  products: readonly SyntheticProduct[];
  popularity: readonly number[];
}

const shelf = (products: readonly SyntheticProduct[]): Shelf => ({
  products,
  popularity: products.map((product) => product.popularity),
});
const WHOLE_STORE = shelf(SYNTHETIC_CATALOG);
const SHELVES = new Map(
  CATEGORIES.map((category) => [
    category,
    shelf(SYNTHETIC_CATALOG.filter((product) => product.category === category)),
  ]),
);

/** A product by popularity, from one category or from the whole store. */
export function pickProduct(random: Random, category?: Category): SyntheticProduct {
  const { products, popularity } = (category !== undefined && SHELVES.get(category)) || WHOLE_STORE;
  return random.weighted(products, popularity);
}

export function pickByPopularity(random: Random, products: readonly SyntheticProduct[]): SyntheticProduct {
  return random.weighted(
    products,
    products.map((product) => product.popularity),
  );
}
