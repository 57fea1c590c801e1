/**
 * Shopify's product and inventory webhooks (body parsed by `parseShopifyJson`) to catalog changes.
 * Shopify writes product prices without a currency (they are in the shop's currency, the store's
 * default) and names stock by inventory item and location, not by variant: an inventory change is
 * handed to the catalog, which knows which variant holds that item.
 */
import * as z from 'zod';
import { type CatalogProduct, catalogProductSchema } from '#catalog/schemas.ts';
import { toMinorUnits } from '#events/money.ts';
import { describeIssues } from '../mapping-result.ts';
import { shopifyAmount, shopifyId } from './shopify-payload-schema.ts';

export const SHOPIFY_CATALOG_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/update',
] as const;
export type ShopifyCatalogTopic = (typeof SHOPIFY_CATALOG_TOPICS)[number];

export function isShopifyCatalogTopic(topic: string): topic is ShopifyCatalogTopic {
  return (SHOPIFY_CATALOG_TOPICS as readonly string[]).includes(topic);
}

export type ShopifyCatalogChange =
  | { kind: 'product'; product: CatalogProduct }
  | { kind: 'deleted'; productId: string }
  /** Units available at one location; `undefined` when Shopify does not track the item's stock. */
  | { kind: 'inventory'; inventoryItemId: string; locationId: string; available: number | undefined };

export type ShopifyCatalogResult = { change: ShopifyCatalogChange } | { invalid: string };

export interface ShopifyCatalogOptions {
  /** The shop's currency: Shopify's product prices are in it. */
  defaultCurrency: string;
  /** The storefront's address, for product links (`<storeUrl>/products/<handle>`). */
  storeUrl?: string;
}

const text = z.string().nullish();

const variantSchema = z.looseObject({
  id: shopifyId,
  title: text,
  sku: text,
  price: shopifyAmount,
  compare_at_price: shopifyAmount.nullish(),
  inventory_quantity: z.number().int().nullish(),
  /** "continue" sells when out of stock. */
  inventory_policy: text,
  inventory_item_id: shopifyId.nullish(),
});

const productSchema = z.looseObject({
  id: shopifyId,
  title: z.string(),
  handle: text,
  vendor: text,
  product_type: text,
  /** "active", "draft" or "archived": only an active product is for sale. */
  status: text,
  image: z.looseObject({ src: z.string() }).nullish(),
  images: z.array(z.looseObject({ src: z.string() })).nullish(),
  category: z.looseObject({ name: text, full_name: text }).nullish(),
  variants: z.array(variantSchema).min(1),
});

const deletedSchema = z.looseObject({ id: shopifyId });

const inventoryLevelSchema = z.looseObject({
  inventory_item_id: shopifyId,
  location_id: shopifyId,
  available: z.number().int().nullish(),
});

/** Shopify's name for the only variant of a product without options. */
const DEFAULT_VARIANT_TITLE = 'Default Title';

export function mapShopifyCatalogWebhook(
  topic: ShopifyCatalogTopic,
  payload: unknown,
  options: ShopifyCatalogOptions,
): ShopifyCatalogResult {
  switch (topic) {
    case 'products/create':
    case 'products/update':
      return productChangeOf(payload, options);
    case 'products/delete': {
      const deleted = deletedSchema.safeParse(payload);
      if (!deleted.success) return { invalid: issuesOf(deleted.error, payload) };
      return { change: { kind: 'deleted', productId: deleted.data.id } };
    }
    case 'inventory_levels/update': {
      const level = inventoryLevelSchema.safeParse(payload);
      if (!level.success) return { invalid: issuesOf(level.error, payload) };
      return {
        change: {
          kind: 'inventory',
          inventoryItemId: level.data.inventory_item_id,
          locationId: level.data.location_id,
          available: level.data.available ?? undefined,
        },
      };
    }
  }
}

function productChangeOf(payload: unknown, options: ShopifyCatalogOptions): ShopifyCatalogResult {
  const parsed = productSchema.safeParse(payload);
  if (!parsed.success) return { invalid: issuesOf(parsed.error, payload) };
  const shopify = parsed.data;
  const currency = options.defaultCurrency;
  // A draft or archived product cannot be bought: it stays in the catalog, out of stock.
  const forSale = shopify.status === undefined || shopify.status === null || shopify.status === 'active';
  const imageUrl = shopify.image?.src ?? shopify.images?.[0]?.src;
  const categories = (shopify.category?.full_name ?? shopify.product_type ?? '')
    .split('>')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const candidate = {
    productId: shopify.id,
    title: shopify.title,
    ...(options.storeUrl !== undefined &&
      shopify.handle && {
        url: `${options.storeUrl.replace(/\/+$/, '')}/products/${encodeURIComponent(shopify.handle)}`,
      }),
    ...(imageUrl !== undefined && { imageUrl }),
    ...(shopify.vendor && { brand: shopify.vendor }),
    categories,
    variants: shopify.variants.map((variant) => {
      const price = { amount: String(variant.price), currency };
      const compareAt =
        variant.compare_at_price === undefined || variant.compare_at_price === null
          ? undefined
          : { amount: String(variant.compare_at_price), currency };
      const inventory = variant.inventory_quantity ?? undefined;
      return {
        variantId: variant.id,
        ...(variant.sku && { sku: variant.sku }),
        ...(variant.title && variant.title !== DEFAULT_VARIANT_TITLE && { title: variant.title }),
        price,
        ...(compareAt !== undefined &&
          isAbove(compareAt.amount, price.amount, currency) && { compareAtPrice: compareAt }),
        ...(inventory !== undefined && { inventory }),
        // Untracked stock, or a variant that sells on when out, can always be bought.
        inStock:
          forSale && (inventory === undefined || inventory > 0 || variant.inventory_policy === 'continue'),
        ...(variant.inventory_item_id && { inventoryItemId: variant.inventory_item_id }),
      };
    }),
  };
  const product = catalogProductSchema.safeParse(candidate);
  if (!product.success) return { invalid: `the product ${issuesOf(product.error, candidate)}` };
  return { change: { kind: 'product', product: product.data } };
}

/** Shopify keeps a compare-at price equal to (or below) the price on products that are not on sale. */
function isAbove(amount: string, than: string, currency: string): boolean {
  try {
    return toMinorUnits(amount, currency) > toMinorUnits(than, currency);
  } catch {
    // An amount with too many decimals for the currency: the product schema names it.
    return true;
  }
}

function issuesOf(error: z.ZodError, input: unknown): string {
  return describeIssues(error.issues, input).join('; ');
}
