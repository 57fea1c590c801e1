/**
 * E-commerce v2 products and money to canonical lines and exact Money. Segment sends amounts as
 * JSON numbers; they become decimal strings via `decimalFromNumber` and are summed as integer minor
 * units, so 3 × 0.1 is 0.30 and never 0.30000000000000004. Every amount is written with the
 * currency's minor digits ("27.50", JPY "1000") so equal amounts compare equal downstream.
 */
import { fromMinorUnits, toMinorUnits } from '#events/money.ts';
import { type Line, type Money, type Product, productSchema } from '#events/schemas.ts';
import { checkField } from '../mapping-result.ts';
import { moneyOf, parseCurrency } from '../source-money.ts';
import type { SegmentAmount, SegmentProduct } from './segment-message-schema.ts';

/** `properties.currency` in any case ("usd" in the spec's own Product Viewed example), else the store default. */
export function currencyOf(
  currency: string | null | undefined,
  defaultCurrency: string,
  problems: string[],
): string | undefined {
  const [value, path] =
    currency != null ? [currency, 'properties.currency'] : [defaultCurrency, 'defaultCurrency'];
  return parseCurrency(value, path, problems);
}

/**
 * The event's total: the first amount field given, in the order of the event's own definition,
 * else Σ price × quantity of its lines in minor units (every line then needs a price). `lines` is
 * undefined when a product had a problem: an explicit total is still checked, so all problems show.
 */
export function totalOf(
  fields: ReadonlyArray<readonly [field: string, value: SegmentAmount | null | undefined]>,
  lines: readonly Line[] | undefined,
  currency: string,
  problems: string[],
): Money | undefined {
  for (const [field, value] of fields) {
    if (value != null) return moneyOf(value, currency, `properties.${field}`, problems);
  }
  if (lines === undefined) return undefined;
  let minor = 0n;
  for (const [index, line] of lines.entries()) {
    if (line.price === undefined) {
      const given = fields.map(([field]) => `properties.${field}`).join(' / ');
      problems.push(
        `properties.products[${index}].price: required to compute the total when ${given} is absent`,
      );
      return undefined;
    }
    minor += toMinorUnits(line.price.amount, currency) * BigInt(line.quantity);
  }
  return { amount: fromMinorUnits(minor, currency), currency };
}

/** `path` is where the product sits: `properties` or `properties.products[2]`. */
export function productOf(
  product: SegmentProduct,
  path: string,
  currency: string,
  problems: string[],
): Product | undefined {
  const before = problems.length;
  const [idField, rawId] =
    product.product_id != null ? ['product_id', product.product_id] : ['id', product.id];
  let productId: string | undefined;
  if (rawId == null) problems.push(`${path}.product_id: required (or ${path}.id)`);
  else productId = checkField(productSchema.shape.productId, rawId, `${path}.${idField}`, problems);
  const sku = optionalText(product.sku, `${path}.sku`, problems);
  const name = optionalText(product.name, `${path}.name`, problems);
  const category = optionalText(product.category, `${path}.category`, problems);
  const price =
    product.price == null ? undefined : moneyOf(product.price, currency, `${path}.price`, problems);
  const linked = links(product, path, problems);
  if (productId === undefined || problems.length > before) return undefined;
  return {
    productId,
    ...(sku !== undefined && { sku }),
    ...(name !== undefined && { name }),
    ...(category !== undefined && { category }),
    ...(price !== undefined && { price }),
    ...linked,
  };
}

/** Quantity defaults to 1: the spec's Cart Viewed example lists products without one. */
export function lineOf(
  product: SegmentProduct,
  path: string,
  currency: string,
  problems: string[],
): Line | undefined {
  const found = productOf(product, path, currency, problems);
  return found && { ...found, quantity: product.quantity ?? 1 };
}

/** Lines for `properties.products`, or undefined when any product has a problem. */
export function linesOf(
  products: readonly SegmentProduct[] | null | undefined,
  currency: string,
  problems: string[],
): Line[] | undefined {
  const lines = (products ?? []).map((product, index) =>
    lineOf(product, `properties.products[${index}]`, currency, problems),
  );
  return lines.every((line) => line !== undefined) ? lines : undefined;
}

function optionalText(
  value: string | null | undefined,
  path: string,
  problems: string[],
): string | undefined {
  if (value == null || value.trim() === '') return undefined;
  // sku, name and category share the canonical free-text limit.
  return checkField(productSchema.shape.name, value, path, problems);
}

/**
 * Links are display hints: a relative or malformed `url` / `image_url` is dropped rather than
 * costing the whole event (an order must not be lost to a bad image link). A link that names
 * another scheme (`javascript:`, `data:`, `file:`…) is not sloppy but hostile, and is a problem.
 */
function links(product: SegmentProduct, path: string, problems: string[]): Pick<Product, 'url' | 'imageUrl'> {
  const url = link(product.url, `${path}.url`, problems);
  const imageUrl = link(product.image_url, `${path}.image_url`, problems);
  return {
    ...(url !== undefined && { url }),
    ...(imageUrl !== undefined && { imageUrl }),
  };
}

function link(value: string | null | undefined, path: string, problems: string[]): string | undefined {
  if (value == null) return undefined;
  const parsed = productSchema.shape.url.safeParse(value);
  if (parsed.success) return parsed.data;
  if (hasOtherScheme(value)) problems.push(`${path}: must be an http(s) URL`);
  return undefined;
}

/**
 * Whether a browser would read the value as an absolute URL of a scheme other than http(s). The
 * WHATWG parser finds the scheme as a browser does (`" java\tscript:"` is `javascript:`).
 * `shop.example:8080/a.png` parses too, with scheme `shop.example`, but a port and then a path
 * show a host written without its `https://`: sloppy, so it is dropped like any other bad link.
 */
function hasOtherScheme(value: string): boolean {
  const parsed = URL.parse(value);
  if (parsed === null || parsed.protocol === 'http:' || parsed.protocol === 'https:') return false;
  const afterScheme = value.slice(value.indexOf(':') + 1);
  return !/^\d+([/?#]|$)/.test(afterScheme);
}
