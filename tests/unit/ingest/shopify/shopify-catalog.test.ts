/**
 * Shopify's documented product and inventory webhook samples (tests/fixtures/catalog, see its
 * SOURCE.md) to catalog changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { mapShopifyCatalogWebhook } from '#ingest/domain/shopify/shopify-catalog.ts';

const CATALOG = new URL('../../../fixtures/catalog/', import.meta.url);
const documented = (file: string) => parseShopifyJson(readFileSync(new URL(file, CATALOG), 'utf8'));
const shop = { defaultCurrency: 'USD', storeUrl: 'https://acme.example/' };

describe("Function: mapShopifyCatalogWebhook with Shopify's documented samples", () => {
  it('maps products/update to the product with its two variants, exact ids and the sale price', () => {
    const result = mapShopifyCatalogWebhook(
      'products/update',
      documented('shopify-products-update.json'),
      shop,
    );

    expect(result).toEqual({
      change: {
        kind: 'product',
        product: {
          productId: '788032119674292922',
          title: 'Example T-Shirt',
          url: 'https://acme.example/products/example-t-shirt',
          brand: 'Acme',
          categories: ['Shirts'],
          variants: [
            {
              variantId: '642667041472713922',
              title: 'Small',
              price: { amount: '19.99', currency: 'USD' },
              compareAtPrice: { amount: '24.99', currency: 'USD' },
              inventory: 75,
              inStock: true,
            },
            {
              variantId: '757650484644203962',
              title: 'Medium',
              price: { amount: '19.99', currency: 'USD' },
              compareAtPrice: { amount: '24.99', currency: 'USD' },
              inventory: 50,
              inStock: true,
            },
          ],
        },
      },
    });
  });

  it('maps products/delete to the product id, and inventory_levels/update to the item at its location', () => {
    expect(
      mapShopifyCatalogWebhook('products/delete', documented('shopify-products-delete.json'), shop),
    ).toEqual({
      change: { kind: 'deleted', productId: '788032119674292922' },
    });
    expect(
      mapShopifyCatalogWebhook(
        'inventory_levels/update',
        documented('shopify-inventory-levels-update.json'),
        shop,
      ),
    ).toEqual({
      change: {
        kind: 'inventory',
        inventoryItemId: '271878346596884015',
        locationId: '24826418',
        available: 10,
      },
    });
  });
});

describe('Function: mapShopifyCatalogWebhook', () => {
  const variant = (overrides: Record<string, unknown>) => ({
    id: 1,
    title: 'Default Title',
    price: '10.00',
    compare_at_price: null,
    inventory_quantity: 0,
    inventory_policy: 'deny',
    inventory_item_id: 99,
    sku: 'TEA-1',
    ...overrides,
  });
  const product = (overrides: Record<string, unknown>) => ({
    id: 7,
    title: 'Sencha',
    handle: 'sencha',
    status: 'active',
    images: [{ src: 'https://cdn.example/sencha.jpg' }],
    category: { name: 'Tea', full_name: 'Food, Beverages & Tobacco > Beverages > Tea & Infusions' },
    product_type: 'Tea',
    variants: [variant({})],
    ...overrides,
  });
  const productOf = (payload: unknown) => {
    const result = mapShopifyCatalogWebhook('products/update', payload, { defaultCurrency: 'EUR' });
    if (!('change' in result) || result.change.kind !== 'product') throw new Error(JSON.stringify(result));
    return result.change.product;
  };

  it('sells a variant out of stock when its policy continues, or when its stock is not tracked', () => {
    const sold = productOf(product({ variants: [variant({ inventory_quantity: 0 })] }));
    const continues = productOf(product({ variants: [variant({ inventory_policy: 'continue' })] }));
    const untracked = productOf(product({ variants: [variant({ inventory_quantity: null })] }));

    expect(sold.variants[0]?.inStock).toBe(false);
    expect(continues.variants[0]?.inStock).toBe(true);
    expect(untracked.variants[0]).toMatchObject({ inStock: true });
    expect(untracked.variants[0]?.inventory).toBeUndefined();
  });

  it('takes Shopify’s standard category path, the first image, the SKU and the inventory item; no "Default Title"', () => {
    const tea = productOf(product({ variants: [variant({ inventory_quantity: 4 })] }));

    expect(tea).toMatchObject({
      imageUrl: 'https://cdn.example/sencha.jpg',
      categories: ['Food, Beverages & Tobacco', 'Beverages', 'Tea & Infusions'],
    });
    expect(tea.url).toBeUndefined();
    expect(tea.variants[0]).toEqual({
      variantId: '1',
      sku: 'TEA-1',
      price: { amount: '10.00', currency: 'EUR' },
      inventory: 4,
      inStock: true,
      inventoryItemId: '99',
    });
  });

  it('keeps a draft or archived product out of stock, and a compare-at price not above the price out', () => {
    const draft = productOf(
      product({ status: 'draft', variants: [variant({ inventory_quantity: 4, compare_at_price: '10.00' })] }),
    );

    expect(draft.variants[0]?.inStock).toBe(false);
    expect(draft.variants[0]?.compareAtPrice).toBeUndefined();
  });

  it('answers invalid, naming the field, for a product without variants or with a bad price', () => {
    expect(
      mapShopifyCatalogWebhook('products/update', product({ variants: [] }), { defaultCurrency: 'EUR' }),
    ).toEqual({
      invalid: expect.stringContaining('variants'),
    });
    expect(
      mapShopifyCatalogWebhook('products/update', product({ variants: [variant({ price: '10.001' })] }), {
        defaultCurrency: 'EUR',
      }),
    ).toEqual({
      invalid: expect.stringMatching(
        /^the product variants\[0\]\.price\.amount: 10\.001 has more than 2 decimal places/,
      ),
    });
    expect(mapShopifyCatalogWebhook('products/delete', {}, { defaultCurrency: 'EUR' })).toEqual({
      invalid: expect.stringContaining('id'),
    });
  });
});
