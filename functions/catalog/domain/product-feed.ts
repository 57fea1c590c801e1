/**
 * A product feed file, as stores keep one for Google Merchant Center, read into catalog products:
 * XML (RSS 2.0 or Atom 1.0 with the `g:` namespace), tab-separated text (Merchant Center's text
 * feed) or CSV, with Merchant Center's attribute names (`id`, `title`, `link`, `image_link`,
 * `price`, `sale_price`, `availability`, `brand`, `product_type`, `item_group_id`…). Rows that share
 * an `item_group_id` are the variants of one product. A malformed row is rejected with its row
 * number and the reason, and the rest of the file still counts.
 */
import { parse as parseDelimited } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { toMinorUnits } from '#events/money.ts';
import { type Money, moneySchema } from '#events/schemas.ts';
import { FeedFormatError } from '../errors.ts';
import { type CatalogProduct, catalogProductSchema } from '../schemas.ts';

export type FeedFormat = 'xml' | 'tsv' | 'csv';

export interface RejectedRow {
  /** 1-based: the line of a text feed (the header is line 1), the item of an XML feed. */
  row: number;
  /** The row's `id` when it had one. */
  id?: string;
  reason: string;
}

export interface ParsedFeed {
  products: CatalogProduct[];
  rejected: RejectedRow[];
  /** Rows (items) the file held, accepted or not. */
  rows: number;
}

/** Our one attribute beyond Merchant Center's: days one purchase lasts (replenishment). */
export const REORDER_INTERVAL_ATTRIBUTE = 'reorder_interval_days';

type Row = { row: number; attributes: Record<string, string> };

/** The format a file's name says, else what its first characters look like. */
export function feedFormatOf(fileName: string, text: string): FeedFormat {
  const extension = fileName.toLowerCase().split('.').pop();
  if (extension === 'xml') return 'xml';
  if (extension === 'tsv' || extension === 'txt') return 'tsv';
  if (extension === 'csv') return 'csv';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) return 'xml';
  const header = start.split(/\r?\n/, 1)[0] ?? '';
  return header.includes('\t') ? 'tsv' : 'csv';
}

export interface FeedOptions {
  format: FeedFormat;
  /** Decides whether a `sale_price` applies (its `sale_price_effective_date` interval must hold it). */
  now: Date;
  /**
   * For prices written without a currency ("12"), as Merchant Center allows when the feed's target
   * country says it; without it such a row is rejected.
   */
  defaultCurrency?: string;
}

/** Reads a feed into products, and the rows it could not use with the reason for each. */
export function parseProductFeed(text: string, options: FeedOptions): ParsedFeed {
  const { format } = options;
  const rows = format === 'xml' ? xmlRows(text) : delimitedRows(text, format === 'tsv' ? '\t' : ',');
  const rejected: RejectedRow[] = [];
  const groups = new Map<string, Array<{ row: Row; variant: VariantRow }>>();
  for (const row of rows) {
    const variant = variantOf(row, options);
    if (typeof variant === 'string') {
      rejected.push({ row: row.row, ...idOf(row), reason: variant });
      continue;
    }
    const group = groups.get(variant.productId) ?? [];
    group.push({ row, variant });
    groups.set(variant.productId, group);
  }
  const products: CatalogProduct[] = [];
  for (const [productId, members] of groups) {
    const [first] = members;
    if (first === undefined) continue;
    const parsed = catalogProductSchema.safeParse({
      productId,
      title: first.variant.productTitle,
      url: first.variant.url,
      imageUrl: first.variant.imageUrl,
      brand: first.variant.brand,
      categories: first.variant.categories,
      reorderIntervalDays: first.variant.reorderIntervalDays,
      variants: members.map(({ variant }) => variant.variant),
    });
    if (parsed.success) {
      products.push(parsed.data);
      continue;
    }
    const reason = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
      .join('; ');
    for (const { row } of members) rejected.push({ row: row.row, ...idOf(row), reason });
  }
  rejected.sort((a, b) => a.row - b.row);
  return { products, rejected, rows: rows.length };
}

interface VariantRow {
  productId: string;
  productTitle: string;
  url: string | undefined;
  imageUrl: string | undefined;
  brand: string | undefined;
  categories: string[];
  reorderIntervalDays: number | undefined;
  variant: CatalogProduct['variants'][number];
}

/** One row as a variant of its product, or why it cannot be one. */
function variantOf({ attributes }: Row, { now, defaultCurrency }: FeedOptions): VariantRow | string {
  const id = attributes.id;
  if (id === undefined) return 'id is missing';
  const title = attributes.title;
  if (title === undefined) return 'title is missing';
  if (attributes.price === undefined) return 'price is missing';
  const price = priceOf(attributes.price, defaultCurrency);
  if (typeof price === 'string') return `price ${price}`;
  let salePrice: Money | undefined;
  if (attributes.sale_price !== undefined && saleApplies(attributes.sale_price_effective_date, now)) {
    const sale = priceOf(attributes.sale_price, defaultCurrency);
    if (typeof sale === 'string') return `sale_price ${sale}`;
    salePrice = sale;
  }
  const availability = availabilityOf(attributes.availability);
  if (availability === undefined) {
    return `availability must be in_stock, out_of_stock, preorder or backorder, not "${attributes.availability ?? ''}"`;
  }
  const reorder = attributes[REORDER_INTERVAL_ATTRIBUTE];
  const reorderIntervalDays = reorder === undefined ? undefined : Number(reorder);
  if (reorderIntervalDays !== undefined && !Number.isInteger(reorderIntervalDays)) {
    return `${REORDER_INTERVAL_ATTRIBUTE} must be a whole number of days, not "${reorder}"`;
  }
  const options = [attributes.color, attributes.size, attributes.material, attributes.pattern].filter(
    (option) => option !== undefined,
  );
  return {
    productId: attributes.item_group_id ?? id,
    productTitle: title,
    url: attributes.link,
    imageUrl: attributes.image_link,
    brand: attributes.brand,
    categories: categoriesOf(attributes),
    reorderIntervalDays,
    variant: {
      variantId: id,
      // The offer id is the store's own SKU; an MPN is the maker's and is shared by the sizes.
      sku: id,
      ...(options.length > 0 && { title: options.join(' / ') }),
      // A sale shows the regular price struck through; a "sale" at or above it is just the price.
      ...(salePrice === undefined
        ? { price }
        : isBelow(salePrice, price)
          ? { price: salePrice, compareAtPrice: price }
          : { price: salePrice }),
      inStock: availability === 'in_stock',
    },
  };
}

const PRICE = /^(?:(\d+(?:\.\d+)?)\s*([A-Za-z]{3})?|([A-Za-z]{3})\s*(\d+(?:\.\d+)?))$/;

/** "15.00 USD" (Merchant Center's form), "USD 15.00", or "15.00" in the default currency, as exact money. */
function priceOf(text: string, defaultCurrency: string | undefined): Money | string {
  const match = PRICE.exec(text.trim());
  if (match === null) return `must be an amount and an ISO 4217 currency such as "15.00 USD", not "${text}"`;
  const amount = match[1] ?? match[4] ?? '';
  const currency = (match[2] ?? match[3] ?? defaultCurrency ?? '').toUpperCase();
  if (currency === '') return `"${text}" names no currency (give the import a default currency)`;
  const money = moneySchema.safeParse({ amount, currency });
  if (!money.success) return `"${text}": ${money.error.issues.map((issue) => issue.message).join('; ')}`;
  return money.data;
}

function isBelow(a: Money, b: Money): boolean {
  return a.currency === b.currency && toMinorUnits(a.amount, a.currency) < toMinorUnits(b.amount, b.currency);
}

/** Merchant Center's sale window "start/end" (ISO 8601); without one the sale applies. */
function saleApplies(window: string | undefined, now: Date): boolean {
  if (window === undefined) return true;
  const [start, end] = window.split('/').map((part) => Date.parse(part.trim()));
  if (start !== undefined && !Number.isNaN(start) && now.getTime() < start) return false;
  if (end !== undefined && !Number.isNaN(end) && now.getTime() >= end) return false;
  return true;
}

/**
 * Merchant Center's values, and the older spellings with spaces it still accepts. Merchant Center
 * requires the attribute, but simple exports (and Google's own one-row text example) leave it out: a
 * row that does not say is for sale, so in stock.
 */
function availabilityOf(
  value: string | undefined,
): 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder' | undefined {
  if (value === undefined) return 'in_stock';
  const normalised = value.trim().toLowerCase().replaceAll(' ', '_');
  switch (normalised) {
    case 'in_stock':
    case 'out_of_stock':
    case 'preorder':
    case 'backorder':
      return normalised;
    case 'available_for_order':
      return 'backorder';
    default:
      return undefined;
  }
}

/**
 * The store's own category path (`product_type`, "Home > Kitchen > Tea"), else Google's category
 * when it is written out rather than given as a number.
 */
function categoriesOf(attributes: Record<string, string>): string[] {
  const path = attributes.product_type ?? attributes.google_product_category;
  if (path === undefined || /^\d+$/.test(path)) return [];
  return path
    .split('>')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function idOf(row: Row): { id?: string } {
  return row.attributes.id === undefined ? {} : { id: row.attributes.id };
}

/** "Image Link", "g:image_link" and "image_link" are one attribute. */
function attributeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^g:/, '')
    .replace(/[\s-]+/g, '_');
}

/** Attributes with a value: an empty cell or element says nothing. */
function withValues(entries: Array<[string, unknown]>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    const key = attributeName(name);
    if (trimmed.length > 0 && !(key in attributes)) attributes[key] = trimmed;
  }
  return attributes;
}

function delimitedRows(text: string, delimiter: string): Row[] {
  const records = parseDelimited(text, {
    bom: true,
    delimiter,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    columns: (header: string[]) => header.map(attributeName),
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  return records.map(({ record, info }) => ({
    row: info.lines,
    attributes: withValues(Object.entries(record)),
  }));
}

const xmlItem = z.record(z.string(), z.unknown());

function xmlRows(text: string): Row[] {
  const parser = new XMLParser({
    removeNSPrefix: true,
    parseTagValue: false,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => name === 'item' || name === 'entry',
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const rss = document.rss as { channel?: { item?: unknown[] } } | undefined;
  const atom = document.feed as { entry?: unknown[] } | undefined;
  const items = rss?.channel?.item ?? atom?.entry;
  if (items === undefined)
    throw new FeedFormatError(
      'an XML feed must be RSS 2.0 (<rss><channel><item>) or Atom 1.0 (<feed><entry>)',
    );
  return items.map((item, index) => {
    const fields = xmlItem.safeParse(item);
    const entries = fields.success
      ? Object.entries(fields.data).map(([name, value]) => [name, textOf(name, value)] as [string, unknown])
      : [];
    return { row: index + 1, attributes: withValues(entries) };
  });
}

/** An element's text; Atom's `<link href="…"/>` carries the link in an attribute. */
function textOf(name: string, value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const element = value as Record<string, unknown>;
    if (name === 'link' && typeof element['@href'] === 'string') return element['@href'];
    if (typeof element['#text'] === 'string') return element['#text'];
  }
  return undefined;
}
