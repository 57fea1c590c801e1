/**
 * A store's product as the catalog keeps it: what Shopify's product webhooks, a Merchant Center feed
 * and our own `product.updated` event all say, in one shape. A product has one or more variants
 * (sizes, colours, pack sizes), each with its own exact price and stock; the product's price and
 * stock are derived from them (the lowest price, in stock when any variant is).
 */
import * as z from 'zod';
import { toMinorUnits } from '#events/money.ts';
import { moneySchema, timestampSchema, webUrlSchema } from '#events/schemas.ts';

const id = z.string().trim().min(1).max(128);
const text = z.string().trim().min(1).max(2048);

export const variantSchema = z
  .object({
    variantId: id,
    sku: text.optional(),
    /** e.g. "1 kg" or "Blue / M"; the product's title says the rest. */
    title: text.optional(),
    price: moneySchema,
    /** The "was" price of a sale: more than `price` when the variant is reduced. */
    compareAtPrice: moneySchema.optional(),
    /** Units on hand when the source counts them; a source that only says in or out of stock leaves it out. */
    inventory: z.number().int().min(-1_000_000).max(1_000_000_000).optional(),
    inStock: z.boolean(),
    /** Shopify's inventory item, which its `inventory_levels/update` webhook names instead of the variant. */
    inventoryItemId: id.optional(),
  })
  .refine(
    (variant) =>
      variant.compareAtPrice === undefined || variant.compareAtPrice.currency === variant.price.currency,
    {
      message: 'compareAtPrice must be in the currency of price',
      path: ['compareAtPrice'],
    },
  );
export type Variant = z.infer<typeof variantSchema>;

export const catalogProductSchema = z
  .object({
    productId: id,
    title: text,
    url: webUrlSchema.optional(),
    imageUrl: webUrlSchema.optional(),
    brand: text.max(256).optional(),
    /** Most specific last, e.g. ["Home", "Kitchen", "Tea"]; compared case-insensitively. */
    categories: z.array(text.max(256)).max(20).default([]),
    /** Days one purchase lasts, when the store knows it (replenishment); else learned from repeat orders. */
    reorderIntervalDays: z.number().int().min(1).max(365).optional(),
    variants: z.array(variantSchema).min(1).max(250),
  })
  .superRefine((product, ctx) => {
    const currencies = new Set(product.variants.map((variant) => variant.price.currency));
    if (currencies.size > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: `variants are priced in ${[...currencies].join(' and ')}; a product has one currency`,
      });
    }
    const ids = new Set<string>();
    product.variants.forEach((variant, index) => {
      if (ids.has(variant.variantId)) {
        ctx.addIssue({ code: 'custom', path: ['variants', index, 'variantId'], message: 'is not unique' });
      }
      ids.add(variant.variantId);
    });
  });
export type CatalogProduct = z.infer<typeof catalogProductSchema>;

/**
 * The catalog's events, on the bus next to the storefront's: they name no customer, so they are not
 * canonical storefront events and never reach a profile.
 */
export const catalogEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('product.updated'),
    version: z.literal(1),
    /** Stable across retries of the same change: the de-duplication key. */
    id,
    storeId: id,
    occurredAt: timestampSchema,
    origin: z.enum(['api', 'shopify', 'feed']),
    product: catalogProductSchema,
  }),
  z.object({
    type: z.literal('product.deleted'),
    version: z.literal(1),
    id,
    storeId: id,
    occurredAt: timestampSchema,
    origin: z.enum(['api', 'shopify', 'feed']),
    productId: id,
  }),
]);
export type CatalogEvent = z.infer<typeof catalogEventSchema>;

/** The product's price: its lowest variant price, in minor units, with the currency. */
export function lowestPrice(product: CatalogProduct): { minor: bigint; amount: string; currency: string } {
  let lowest: { minor: bigint; amount: string; currency: string } | undefined;
  for (const { price } of product.variants) {
    const minor = toMinorUnits(price.amount, price.currency);
    if (lowest === undefined || minor < lowest.minor) lowest = { minor, ...price };
  }
  // The schema asks for at least one variant.
  if (lowest === undefined) throw new Error(`product ${product.productId} has no variants`);
  return lowest;
}

/** In stock when any variant is. */
export function isInStock(product: CatalogProduct): boolean {
  return product.variants.some((variant) => variant.inStock);
}
