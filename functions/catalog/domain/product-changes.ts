/**
 * What the catalog keeps of a product, and the changes marketers mail about: a price drop (by at
 * least a share the store sets) and a return to stock. Pure: the catalog function loads the entry,
 * applies the update and writes the result under a condition on the version it read.
 */
import type { Money } from '#events/schemas.ts';
import { type CatalogProduct, isInStock, lowestPrice } from '../schemas.ts';

export interface ChangeRules {
  /** A drop of the product's price by less than this share (0.1 = 10 %) is not worth a mail. */
  minPriceDropShare: number;
}

export const DEFAULT_CHANGE_RULES: ChangeRules = { minPriceDropShare: 0.1 };

export interface CatalogEntry {
  product: CatalogProduct;
  /** When the change this entry holds happened at the source; an older update is stale. */
  changedAt: string;
  /** The update that wrote it: its redelivery changes nothing. */
  updateId: string;
  lastPriceChange?: { from: Money; to: Money; at: string };
  lastStockChange?: { inStock: boolean; at: string };
  /** Shopify's stock per inventory item and location, which its inventory webhooks report one at a time. */
  inventoryLevels?: InventoryLevels;
}

/** Units per location of each inventory item; null where the location does not track it. */
export type InventoryLevels = Record<string, Record<string, number | null>>;

export type ProductChange =
  | {
      kind: 'price-dropped';
      productId: string;
      from: Money;
      to: Money;
      /** e.g. 0.25 for a quarter off. */
      dropShare: number;
    }
  | { kind: 'back-in-stock'; productId: string; variantIds: string[] };

export type UpdateOutcome =
  | { outcome: 'applied'; entry: CatalogEntry; changes: ProductChange[] }
  /** The same update again, or one older than what the entry holds: nothing to write. */
  | { outcome: 'unchanged'; reason: 'duplicate' | 'stale' };

/**
 * The entry after an update, and the changes it makes that marketers mail about. A price drop
 * counts only while the product is in stock (no mail for an item no one can buy) and in the same
 * currency; a product that was not in the catalog yet has no earlier price or stock to compare.
 */
export function applyProductUpdate(
  previous: CatalogEntry | undefined,
  update: { id: string; occurredAt: string; product: CatalogProduct },
  rules: ChangeRules = DEFAULT_CHANGE_RULES,
): UpdateOutcome {
  if (previous?.updateId === update.id) return { outcome: 'unchanged', reason: 'duplicate' };
  if (previous !== undefined && Date.parse(update.occurredAt) < Date.parse(previous.changedAt)) {
    return { outcome: 'unchanged', reason: 'stale' };
  }
  const { product } = update;
  const entry: CatalogEntry = {
    product,
    changedAt: update.occurredAt,
    updateId: update.id,
    ...(previous?.lastPriceChange !== undefined && { lastPriceChange: previous.lastPriceChange }),
    ...(previous?.lastStockChange !== undefined && { lastStockChange: previous.lastStockChange }),
  };
  if (previous === undefined) return { outcome: 'applied', entry, changes: [] };

  const changes: ProductChange[] = [];
  const before = lowestPrice(previous.product);
  const after = lowestPrice(product);
  const inStock = isInStock(product);
  if (before.currency === after.currency && after.minor !== before.minor) {
    const from = { amount: before.amount, currency: before.currency };
    const to = { amount: after.amount, currency: after.currency };
    entry.lastPriceChange = { from, to, at: update.occurredAt };
    const dropShare = before.minor > 0n ? Number(before.minor - after.minor) / Number(before.minor) : 0;
    if (inStock && dropShare >= rules.minPriceDropShare) {
      changes.push({ kind: 'price-dropped', productId: product.productId, from, to, dropShare });
    }
  }
  if (inStock !== isInStock(previous.product)) {
    entry.lastStockChange = { inStock, at: update.occurredAt };
    if (inStock) {
      const variantIds = product.variants
        .filter((variant) => variant.inStock)
        .map((variant) => variant.variantId);
      changes.push({ kind: 'back-in-stock', productId: product.productId, variantIds });
    }
  }
  return { outcome: 'applied', entry, changes };
}
