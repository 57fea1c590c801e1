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
 * Lines for the catalogue products among the line items. Custom items (no product_id: a tip, a
 * gift-wrap fee) are left out: no journey can show or recommend them, and the order total still
 * counts them. The name is the product title, since a canonical line is a product, not a variant;
 * variant_id has no canonical field yet and is dropped.
 */
export function linesOf(
  items: readonly ShopifyLineItem[],
  currency: string,
  problems: string[],
): Line[] | undefined {
  const before = problems.length;
  const lines = items.flatMap((item, index): Line[] => {
    if (item.product_id == null) return [];
    const path = `line_items[${index}]`;
    const price = moneyOf(item.price, currency, `${path}.price`, problems);
    const sku = optionalText(item.sku, `${path}.sku`, problems);
    const name = optionalText(
      item.title ?? item.name,
      `${path}.${item.title != null ? 'title' : 'name'}`,
      problems,
    );
    if (price === undefined) return [];
    return [
      {
        productId: item.product_id,
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
