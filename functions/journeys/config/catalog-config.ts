/**
 * What the journeys need to know about the store's products. Reorder intervals say how long one purchase
 * lasts; only products that have one can start a replenishment journey.
 */
import * as z from 'zod';

const intervalDays = z.number().int().min(1).max(365);

export const catalogConfigSchema = z.strictObject({
  reorderIntervalDays: z.strictObject({
    /** Wins over the category: a 1 kg bag lasts longer than the category's usual pack. */
    byProductId: z.record(z.string().min(1), intervalDays),
    /** Keys are lower case; event categories are compared case-insensitively. */
    byCategory: z.record(
      z
        .string()
        .min(1)
        .refine((key) => key === key.toLowerCase(), { message: 'must be lower case' }),
      intervalDays,
    ),
  }),
});
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

export const CATALOG: CatalogConfig = catalogConfigSchema.parse({
  reorderIntervalDays: {
    byProductId: { 'coffee-beans-1kg': 42 },
    byCategory: { tea: 30, coffee: 21 },
  },
});

/** Days one purchase of this product lasts, or undefined when it is not replenishable. */
export function reorderIntervalDays(
  catalog: CatalogConfig,
  product: { productId: string; category?: string | undefined },
): number | undefined {
  const { byProductId, byCategory } = catalog.reorderIntervalDays;
  if (Object.hasOwn(byProductId, product.productId)) return byProductId[product.productId];
  const category = product.category?.toLowerCase();
  if (category !== undefined && Object.hasOwn(byCategory, category)) return byCategory[category];
  return undefined;
}
