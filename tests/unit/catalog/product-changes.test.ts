import { describe, expect, it } from 'vitest';
import { applyProductUpdate, type CatalogEntry } from '#catalog/domain/product-changes.ts';
import { type CatalogProduct, catalogProductSchema } from '#catalog/schemas.ts';

function teaProduct(
  variants: Array<{ id: string; price: string; inStock: boolean }>,
  currency = 'EUR',
): CatalogProduct {
  return catalogProductSchema.parse({
    productId: 'sencha',
    title: 'Sencha',
    categories: ['Tea', 'Green tea'],
    variants: variants.map((variant) => ({
      variantId: variant.id,
      price: { amount: variant.price, currency },
      inStock: variant.inStock,
    })),
  });
}

function entryOf(product: CatalogProduct, changedAt = '2026-03-01T10:00:00Z'): CatalogEntry {
  return { product, changedAt, updateId: 'first' };
}

describe('Function: applyProductUpdate', () => {
  it('stores a new product without a change to mail about', () => {
    const product = teaProduct([{ id: '100g', price: '12.00', inStock: true }]);

    const result = applyProductUpdate(undefined, { id: 'u1', occurredAt: '2026-03-01T10:00:00Z', product });

    expect(result).toEqual({
      outcome: 'applied',
      entry: { product, changedAt: '2026-03-01T10:00:00Z', updateId: 'u1' },
      changes: [],
    });
  });

  it('derives a price drop when the lowest price falls by at least the share, exactly', () => {
    const before = entryOf(
      teaProduct([
        { id: '100g', price: '12.00', inStock: true },
        { id: '250g', price: '25.00', inStock: true },
      ]),
    );
    const product = teaProduct([
      { id: '100g', price: '10.80', inStock: true },
      { id: '250g', price: '25.00', inStock: true },
    ]);

    const result = applyProductUpdate(before, { id: 'u2', occurredAt: '2026-03-02T10:00:00Z', product });

    expect(result.outcome).toBe('applied');
    if (result.outcome !== 'applied') return;
    expect(result.changes).toEqual([
      {
        kind: 'price-dropped',
        productId: 'sencha',
        from: { amount: '12.00', currency: 'EUR' },
        to: { amount: '10.80', currency: 'EUR' },
        dropShare: 0.1,
      },
    ]);
    expect(result.entry.lastPriceChange).toEqual({
      from: { amount: '12.00', currency: 'EUR' },
      to: { amount: '10.80', currency: 'EUR' },
      at: '2026-03-02T10:00:00Z',
    });
  });

  it('records a smaller drop or a rise as the last price change without a mail', () => {
    const before = entryOf(teaProduct([{ id: '100g', price: '12.00', inStock: true }]));

    const smallDrop = applyProductUpdate(before, {
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([{ id: '100g', price: '11.00', inStock: true }]),
    });
    const rise = applyProductUpdate(before, {
      id: 'u3',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([{ id: '100g', price: '14.00', inStock: true }]),
    });

    expect(smallDrop.outcome === 'applied' && smallDrop.changes).toEqual([]);
    expect(smallDrop.outcome === 'applied' && smallDrop.entry.lastPriceChange?.to.amount).toBe('11.00');
    expect(rise.outcome === 'applied' && rise.changes).toEqual([]);
    expect(rise.outcome === 'applied' && rise.entry.lastPriceChange?.to.amount).toBe('14.00');
  });

  it('takes the store’s share: a 5 % drop counts when the store says 5 %', () => {
    const before = entryOf(teaProduct([{ id: '100g', price: '20.00', inStock: true }]));
    const product = teaProduct([{ id: '100g', price: '19.00', inStock: true }]);

    const result = applyProductUpdate(
      before,
      { id: 'u2', occurredAt: '2026-03-02T10:00:00Z', product },
      { minPriceDropShare: 0.05 },
    );

    expect(result.outcome === 'applied' && result.changes.map((change) => change.kind)).toEqual([
      'price-dropped',
    ]);
  });

  it('mails no price drop of a product no one can buy, nor across a change of currency', () => {
    const before = entryOf(teaProduct([{ id: '100g', price: '12.00', inStock: true }]));

    const soldOut = applyProductUpdate(before, {
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([{ id: '100g', price: '6.00', inStock: false }]),
    });
    const otherCurrency = applyProductUpdate(before, {
      id: 'u3',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([{ id: '100g', price: '6.00', inStock: true }], 'USD'),
    });

    expect(soldOut.outcome === 'applied' && soldOut.changes).toEqual([]);
    expect(otherCurrency.outcome === 'applied' && otherCurrency.changes).toEqual([]);
    expect(otherCurrency.outcome === 'applied' && otherCurrency.entry.lastPriceChange).toBeUndefined();
  });

  it('derives back in stock when a sold-out product gets a variant back, naming the variants', () => {
    const before = entryOf(
      teaProduct([
        { id: '100g', price: '12.00', inStock: false },
        { id: '250g', price: '25.00', inStock: false },
      ]),
    );
    const product = teaProduct([
      { id: '100g', price: '12.00', inStock: false },
      { id: '250g', price: '25.00', inStock: true },
    ]);

    const result = applyProductUpdate(before, { id: 'u2', occurredAt: '2026-03-02T10:00:00Z', product });

    expect(result.outcome === 'applied' && result.changes).toEqual([
      { kind: 'back-in-stock', productId: 'sencha', variantIds: ['250g'] },
    ]);
    expect(result.outcome === 'applied' && result.entry.lastStockChange).toEqual({
      inStock: true,
      at: '2026-03-02T10:00:00Z',
    });
  });

  it('records selling out without a mail, and a back-in-stock only from sold out', () => {
    const inStock = entryOf(
      teaProduct([
        { id: '100g', price: '12.00', inStock: true },
        { id: '250g', price: '25.00', inStock: false },
      ]),
    );

    const soldOut = applyProductUpdate(inStock, {
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([
        { id: '100g', price: '12.00', inStock: false },
        { id: '250g', price: '25.00', inStock: false },
      ]),
    });
    const anotherVariant = applyProductUpdate(inStock, {
      id: 'u3',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([
        { id: '100g', price: '12.00', inStock: true },
        { id: '250g', price: '25.00', inStock: true },
      ]),
    });

    expect(soldOut.outcome === 'applied' && soldOut.changes).toEqual([]);
    expect(soldOut.outcome === 'applied' && soldOut.entry.lastStockChange).toEqual({
      inStock: false,
      at: '2026-03-02T10:00:00Z',
    });
    expect(anotherVariant.outcome === 'applied' && anotherVariant.changes).toEqual([]);
  });

  it('ignores a redelivered update and one older than what the catalog holds', () => {
    const before = entryOf(
      teaProduct([{ id: '100g', price: '12.00', inStock: true }]),
      '2026-03-02T10:00:00Z',
    );
    const cheaper = teaProduct([{ id: '100g', price: '6.00', inStock: true }]);

    expect(
      applyProductUpdate(before, { id: 'first', occurredAt: '2026-03-03T10:00:00Z', product: cheaper }),
    ).toEqual({
      outcome: 'unchanged',
      reason: 'duplicate',
    });
    expect(
      applyProductUpdate(before, { id: 'u0', occurredAt: '2026-03-01T10:00:00Z', product: cheaper }),
    ).toEqual({
      outcome: 'unchanged',
      reason: 'stale',
    });
  });

  it('keeps the last price change through updates that change nothing', () => {
    const before: CatalogEntry = {
      ...entryOf(teaProduct([{ id: '100g', price: '10.00', inStock: true }])),
      lastPriceChange: {
        from: { amount: '12.00', currency: 'EUR' },
        to: { amount: '10.00', currency: 'EUR' },
        at: '2026-03-01T10:00:00Z',
      },
    };

    const result = applyProductUpdate(before, {
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: teaProduct([{ id: '100g', price: '10.00', inStock: true }]),
    });

    expect(result.outcome === 'applied' && result.entry.lastPriceChange).toEqual(before.lastPriceChange);
    expect(result.outcome === 'applied' && result.changes).toEqual([]);
  });
});

describe('Schema: catalogProductSchema', () => {
  it('fails a product whose variants are priced in two currencies, or repeat an id', () => {
    const result = catalogProductSchema.safeParse({
      productId: 'sencha',
      title: 'Sencha',
      variants: [
        { variantId: 'a', price: { amount: '1.00', currency: 'EUR' }, inStock: true },
        { variantId: 'a', price: { amount: '1.00', currency: 'USD' }, inStock: true },
      ],
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['variants', 'variants are priced in EUR and USD; a product has one currency'],
      ['variants.1.variantId', 'is not unique'],
    ]);
  });

  it('fails a compare-at price in another currency than the price', () => {
    const result = catalogProductSchema.safeParse({
      productId: 'sencha',
      title: 'Sencha',
      variants: [
        {
          variantId: 'a',
          price: { amount: '1.00', currency: 'EUR' },
          compareAtPrice: { amount: '2.00', currency: 'USD' },
          inStock: true,
        },
      ],
    });

    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['variants.0.compareAtPrice']);
  });
});
