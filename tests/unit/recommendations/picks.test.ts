import { describe, expect, it } from 'vitest';
import { type CatalogProduct, catalogProductSchema } from '#catalog/schemas.ts';
import { type PickInputs, recommend } from '#recommendations/domain/picks.ts';

function product(
  productId: string,
  category: string,
  options: { inStock?: boolean; image?: boolean; price?: string; compareAt?: string } = {},
): CatalogProduct {
  return catalogProductSchema.parse({
    productId,
    title: `The ${productId}`,
    url: `https://shop.example/${productId}`,
    ...(options.image !== false && { imageUrl: `https://cdn.example/${productId}.jpg` }),
    categories: ['Shop', category],
    variants: [
      {
        variantId: `${productId}-1`,
        price: { amount: options.price ?? '10.00', currency: 'EUR' },
        ...(options.compareAt !== undefined && {
          compareAtPrice: { amount: options.compareAt, currency: 'EUR' },
        }),
        inStock: options.inStock ?? true,
      },
    ],
  });
}

const catalog = new Map(
  [
    product('sencha', 'Tea'),
    product('matcha', 'Tea', { price: '20.00', compareAt: '25.00' }),
    product('hojicha', 'Tea'),
    product('teapot', 'Teaware'),
    product('cups', 'Teaware'),
    product('whisk', 'Teaware', { inStock: false }),
    product('tray', 'Teaware', { image: false }),
    product('espresso', 'Coffee'),
    product('grinder', 'Coffee'),
  ].map((item) => [item.productId, item]),
);

const inputs: PickInputs = {
  catalog,
  boughtTogether: new Map([
    [
      'sencha',
      [
        { productId: 'whisk', score: 0.95 },
        { productId: 'teapot', score: 0.9 },
        { productId: 'tray', score: 0.85 },
        { productId: 'cups', score: 0.5 },
      ],
    ],
    ['espresso', [{ productId: 'grinder', score: 0.8 }]],
  ]),
  viewedTogether: new Map([
    ['sencha', [{ productId: 'matcha', score: 0.7 }]],
    [
      'matcha',
      [
        { productId: 'hojicha', score: 0.6 },
        { productId: 'sencha', score: 0.6 },
      ],
    ],
  ]),
  storeBestsellers: [
    { productId: 'espresso', units: 50 },
    { productId: 'sencha', units: 40 },
    { productId: 'grinder', units: 10 },
  ],
  categoryBestsellers: new Map([
    [
      'tea',
      [
        { productId: 'sencha', units: 40 },
        { productId: 'hojicha', units: 5 },
      ],
    ],
    [
      'teaware',
      [
        { productId: 'cups', units: 8 },
        { productId: 'teapot', units: 7 },
      ],
    ],
    [
      'coffee',
      [
        { productId: 'espresso', units: 50 },
        { productId: 'grinder', units: 10 },
      ],
    ],
  ]),
};

const ids = (picks: Array<{ productId: string }>) => picks.map((pick) => pick.productId);

describe('Function: recommend', () => {
  it('cross-sells what was bought together, in stock and with an image, never the item itself', () => {
    const picks = recommend(
      { strategy: 'bought-together', productIds: ['sencha'], exclude: ['sencha'], limit: 2 },
      inputs,
    );

    expect(picks).toEqual([
      {
        productId: 'teapot',
        name: 'The teapot',
        price: { amount: '10.00', currency: 'EUR' },
        url: 'https://shop.example/teapot',
        imageUrl: 'https://cdn.example/teapot.jpg',
        category: 'Teaware',
        source: 'bought-together',
      },
      expect.objectContaining({ productId: 'cups', source: 'bought-together' }),
    ]);
  });

  it('fills up with viewed-together, then the category’s bestsellers, then the store’s', () => {
    const picks = recommend(
      { strategy: 'bought-together', productIds: ['sencha'], exclude: ['sencha'], limit: 6 },
      inputs,
    );

    expect(picks.map((pick) => [pick.productId, pick.source])).toEqual([
      ['teapot', 'bought-together'],
      ['cups', 'bought-together'],
      ['matcha', 'viewed-together'],
      ['hojicha', 'category-bestsellers'],
      ['espresso', 'bestsellers'],
      ['grinder', 'bestsellers'],
    ]);
  });

  it('carries the sale’s compare-at price for the template to strike through', () => {
    const [pick] = recommend({ strategy: 'viewed-together', productIds: ['sencha'], limit: 1 }, inputs);

    expect(pick).toMatchObject({
      productId: 'matcha',
      price: { amount: '20.00', currency: 'EUR' },
      compareAtPrice: { amount: '25.00', currency: 'EUR' },
    });
  });

  it('picks for a shopper from their views and purchases, never what they bought', () => {
    const shopper = {
      recentViews: [{ productId: 'matcha' }, { productId: 'sencha' }],
      bought: ['sencha'],
      categoryAffinity: { tea: 5, coffee: 1 },
    };

    const picks = recommend({ strategy: 'for-you', shopper, limit: 4 }, inputs);

    expect(ids(picks)).not.toContain('sencha');
    expect(picks.slice(0, 3).map((pick) => pick.source)).toEqual(['personal', 'personal', 'personal']);
    expect(ids(picks).slice(0, 3).sort()).toEqual(['cups', 'hojicha', 'teapot']);
    expect(picks[3]?.source).toBe('category-bestsellers');
  });

  it('gives a new customer of a new store bestsellers, and an empty store nothing', () => {
    const newcomer = { recentViews: [], bought: [], categoryAffinity: {} };

    expect(ids(recommend({ strategy: 'for-you', shopper: newcomer, limit: 2 }, inputs))).toEqual([
      'espresso',
      'sencha',
    ]);
    expect(
      recommend(
        { strategy: 'for-you', shopper: newcomer, limit: 2 },
        {
          catalog: new Map(),
          boughtTogether: new Map(),
          viewedTogether: new Map(),
          storeBestsellers: [],
          categoryBestsellers: new Map(),
        },
      ),
    ).toEqual([]);
  });

  it('takes bestsellers of the shopper’s categories in turn, so one category does not take every slot', () => {
    const shopper = { recentViews: [], bought: [], categoryAffinity: { teaware: 3, coffee: 2 } };

    expect(ids(recommend({ strategy: 'bestsellers', shopper, limit: 4 }, inputs))).toEqual([
      'cups',
      'espresso',
      'teapot',
      'grinder',
    ]);
  });
});
