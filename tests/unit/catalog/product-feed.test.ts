import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feedFormatOf, parseProductFeed } from '#catalog/domain/product-feed.ts';
import { FeedFormatError } from '#catalog/errors.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/catalog/${name}`, import.meta.url), 'utf8');
const NOW = new Date('2026-03-02T12:00:00Z');

describe('Function: parseProductFeed', () => {
  it('reads Google’s RSS 2.0 example feed into products, variants grouped by item_group_id', () => {
    const feed = parseProductFeed(fixture('merchant-center-rss.xml'), { format: 'xml', now: NOW });

    expect(feed.rows).toBe(6);
    expect(feed.rejected).toEqual([]);
    expect(feed.products.map((product) => product.productId)).toEqual([
      'TV_123456',
      'DVD-0564738',
      'PFM654321',
      'CLO-29473856',
      'CLO-1029384',
    ]);
    const tv = feed.products[0];
    expect(tv).toEqual({
      productId: 'TV_123456',
      title: 'LG 22LB4510 - 22" LED TV - 1080p (FullHD)',
      url: 'http://www.example.com/electronics/tv/22LB4510.html',
      imageUrl: 'http://images.example.com/TV_123456.png',
      brand: 'LG',
      categories: ['Consumer Electronics', 'TVs', 'Flat Panel TVs'],
      variants: [
        {
          variantId: 'TV_123456',
          sku: 'TV_123456',
          price: { amount: '159.00', currency: 'USD' },
          inStock: true,
        },
      ],
    });
  });

  it('reads CDATA and entities as their text, and a price without decimals exactly', () => {
    const feed = parseProductFeed(fixture('merchant-center-rss.xml'), { format: 'xml', now: NOW });
    const dvd = feed.products.find((product) => product.productId === 'DVD-0564738');
    const creme = feed.products.find((product) => product.productId === 'PFM654321');

    expect(dvd?.title).toBe('Merlin: Series 3 - Volume 2 - 3 DVD Box set');
    expect(dvd?.url).toBe('http://www.example.com/media/dvd/?sku=384616&src=gshopping&lang=en');
    expect(dvd?.categories).toEqual(['DVDs & Movies', 'TV Series', 'Fantasy Drama']);
    // The item-level price, not the two shipping prices nested in g:shipping.
    expect(creme?.variants[0]?.price).toEqual({ amount: '99', currency: 'USD' });
    expect(creme?.categories).toEqual([
      'Health & Beauty',
      'Personal Care',
      'Cosmetics',
      'Skin Care',
      'Lotion',
    ]);
  });

  it('makes the jeans one product with a variant per size, each with its own stock', () => {
    const feed = parseProductFeed(fixture('merchant-center-rss.xml'), { format: 'xml', now: NOW });
    const jeans = feed.products.find((product) => product.productId === 'CLO-29473856');

    expect(jeans?.brand).toBe('M&S');
    expect(jeans?.variants).toEqual([
      {
        variantId: 'CLO-29473856-1',
        sku: 'CLO-29473856-1',
        title: 'Navy / 8 Standard',
        price: { amount: '29.50', currency: 'USD' },
        inStock: false,
      },
      {
        variantId: 'CLO-29473856-2',
        sku: 'CLO-29473856-2',
        title: 'Navy / 8 Tall',
        price: { amount: '29.50', currency: 'USD' },
        inStock: true,
      },
    ]);
  });

  it('applies a sale price only within its effective dates, with the regular price as compare-at', () => {
    const during = parseProductFeed(fixture('merchant-center-rss.xml'), {
      format: 'xml',
      now: new Date('2011-09-02T12:00:00-08:00'),
    });
    const after = parseProductFeed(fixture('merchant-center-rss.xml'), { format: 'xml', now: NOW });
    const jerseyDuring = during.products.find((product) => product.productId === 'CLO-1029384')?.variants[0];
    const jerseyAfter = after.products.find((product) => product.productId === 'CLO-1029384')?.variants[0];

    expect(jerseyDuring?.price).toEqual({ amount: '25.49', currency: 'USD' });
    expect(jerseyDuring?.compareAtPrice).toEqual({ amount: '33.99', currency: 'USD' });
    expect(jerseyAfter?.price).toEqual({ amount: '33.99', currency: 'USD' });
    expect(jerseyAfter?.compareAtPrice).toBeUndefined();
  });

  it('reads the older revision with plain RSS title and link, and the old availability spellings', () => {
    const feed = parseProductFeed(fixture('merchant-center-rss-legacy.xml'), { format: 'xml', now: NOW });

    expect(feed.rejected).toEqual([]);
    expect(feed.products[0]?.title).toBe('LG Flatron M2262D 22" Full HD LCD TV');
    expect(feed.products[0]?.url).toBe('http://www.example.com/electronics/tv/LGM2262D.html');
    const stock = Object.fromEntries(
      feed.products.flatMap((product) =>
        product.variants.map((variant) => [variant.variantId, variant.inStock]),
      ),
    );
    // preorder and "available for order" cannot be bought from stock today.
    expect(stock).toMatchObject({ 'DVD-0564738': false, 'CLO-1029384': false, 'CLO-29473856-2': true });
  });

  it('reads Google’s tab-separated example, its price in the import’s default currency', () => {
    const feed = parseProductFeed(fixture('merchant-center.tsv'), {
      format: 'tsv',
      now: NOW,
      defaultCurrency: 'GBP',
    });

    expect(feed).toEqual({
      rows: 1,
      rejected: [],
      products: [
        {
          productId: '123-uk',
          title: 'Yellow Bear',
          url: 'http://www.example.com',
          categories: [],
          variants: [
            {
              variantId: '123-uk',
              sku: '123-uk',
              price: { amount: '12', currency: 'GBP' },
              // The example names no availability: what is listed is for sale.
              inStock: true,
            },
          ],
        },
      ],
    });
  });

  it('rejects each malformed row with its line and reason, and keeps the others', () => {
    const csv = [
      'ID,Title,Price,Availability,Link,Image Link,reorder_interval_days,product_type',
      'tea-1,Sencha,12.00 EUR,in_stock,https://shop.example/sencha,https://cdn.example/sencha.jpg,30,Tea > Green tea',
      'tea-2,Matcha,twelve,in_stock,https://shop.example/matcha,,,',
      ',Nameless,1.00 EUR,in_stock,,,,',
      'tea-3,Hojicha,"8.00 EUR",sold,,,,',
      'tea-4,Genmaicha,8.123 EUR,in_stock,,,,',
      'tea-5,Bancha,8.00 EUR,out_of_stock,javascript:alert(1),,,',
      'tea-6,Kukicha,9.00 EUR,in_stock,,,3.5,',
      'tea-7,Gyokuro,24.00 EUR,in stock,,,,',
    ].join('\n');

    const feed = parseProductFeed(csv, { format: 'csv', now: NOW });

    expect(feed.rows).toBe(8);
    expect(feed.products.map((product) => product.productId)).toEqual(['tea-1', 'tea-7']);
    expect(feed.products[0]).toMatchObject({
      reorderIntervalDays: 30,
      imageUrl: 'https://cdn.example/sencha.jpg',
      categories: ['Tea', 'Green tea'],
    });
    expect(feed.rejected).toEqual([
      {
        row: 3,
        id: 'tea-2',
        reason: 'price must be an amount and an ISO 4217 currency such as "15.00 USD", not "twelve"',
      },
      { row: 4, reason: 'id is missing' },
      {
        row: 5,
        id: 'tea-3',
        reason: 'availability must be in_stock, out_of_stock, preorder or backorder, not "sold"',
      },
      { row: 6, id: 'tea-4', reason: 'price "8.123 EUR": 8.123 has more than 2 decimal places for EUR' },
      { row: 7, id: 'tea-5', reason: 'url: must be an http(s) URL' },
      { row: 8, id: 'tea-6', reason: 'reorder_interval_days must be a whole number of days, not "3.5"' },
    ]);
  });

  it('rejects a price without a currency when the import has no default', () => {
    const feed = parseProductFeed(fixture('merchant-center.tsv'), { format: 'tsv', now: NOW });

    expect(feed.products).toEqual([]);
    expect(feed.rejected).toEqual([
      { row: 2, id: '123-uk', reason: 'price "12" names no currency (give the import a default currency)' },
    ]);
  });

  it('rejects every row of a product whose variants disagree, naming why', () => {
    const tsv = [
      'id\ttitle\tprice\tavailability\titem_group_id',
      'a-1\tShirt\t10.00 EUR\tin_stock\ta',
      'a-2\tShirt\t11.00 USD\tin_stock\ta',
    ].join('\n');

    const feed = parseProductFeed(tsv, { format: 'tsv', now: NOW });

    expect(feed.products).toEqual([]);
    expect(feed.rejected).toEqual([
      {
        row: 2,
        id: 'a-1',
        reason: 'variants: variants are priced in EUR and USD; a product has one currency',
      },
      {
        row: 3,
        id: 'a-2',
        reason: 'variants: variants are priced in EUR and USD; a product has one currency',
      },
    ]);
  });

  it('fails an XML file that is not a product feed', () => {
    expect(() => parseProductFeed('<html><body>hi</body></html>', { format: 'xml', now: NOW })).toThrow(
      FeedFormatError,
    );
  });
});

describe('Function: feedFormatOf', () => {
  it('goes by the file name, else by the first characters', () => {
    expect(feedFormatOf('products.xml', '')).toBe('xml');
    expect(feedFormatOf('products.txt', '')).toBe('tsv');
    expect(feedFormatOf('products.CSV', '')).toBe('csv');
    expect(feedFormatOf('feed', '\uFEFF <?xml version="1.0"?>')).toBe('xml');
    expect(feedFormatOf('feed', 'id\ttitle\n')).toBe('tsv');
    expect(feedFormatOf('feed', 'id,title\n')).toBe('csv');
  });
});
