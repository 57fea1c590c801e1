import { type Line, productSchema } from '#events/schemas.ts';
import { checkField } from '../mapping-result.ts';
import { moneyOf, parseCurrency } from '../source-money.ts';
import type { ShopifyLineItem } from './shopify-payload-schema.ts';

export function currencyOf(
  value: string | null | undefined,
  path: string,
  problems: string[],
): string | undefined {
  if (value == null || value === '') {
    problems.push(`${path}: required (an ISO 4217 currency code)`);
    return undefined;
  }
  return parseCurrency(value, path, problems);
}

/**
 * Every line item, so the order's lines account for its whole total: catalogue products, and custom
 * items without a product_id (shipping protection, a gift card, a tip, a service), which keep their
 * title, sku, variant, price and quantity. The name is the item's title (a product's, not its
 * variant's: the variant is `variantId`).
 */
export function linesOf(
  items: readonly ShopifyLineItem[],
  currency: string,
  problems: string[],
): Line[] | undefined {
  const before = problems.length;
  const lines = items.flatMap((item, index): Line[] => {
    const path = `line_items[${index}]`;
    const price = moneyOf(item.price, currency, `${path}.price`, problems);
    const sku = optionalText(item.sku, `${path}.sku`, problems);
    const name = optionalText(
      item.title ?? item.name,
      `${path}.${item.title != null ? 'title' : 'name'}`,
      problems,
    );
    if (price === undefined) return [];
    if (item.product_id == null && name === undefined && sku === undefined) {
      problems.push(`${path}: needs a product_id, a title or a sku`);
      return [];
    }
    return [
      {
        ...(item.product_id != null && { productId: item.product_id }),
        ...(item.variant_id != null && { variantId: item.variant_id }),
        ...(sku !== undefined && { sku }),
        ...(name !== undefined && { name }),
        price,
        quantity: item.quantity,
      },
    ];
  });
  return problems.length > before ? undefined : lines;
}

/** Shopify sends "" for an unset SKU; that is no SKU. */
function optionalText(
  value: string | null | undefined,
  path: string,
  problems: string[],
): string | undefined {
  if (value == null || value.trim() === '') return undefined;
  return checkField(productSchema.shape.name, value, path, problems);
}
