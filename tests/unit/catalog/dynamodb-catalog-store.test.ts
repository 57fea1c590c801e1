import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCatalogStore } from '#catalog/adapters/dynamodb-catalog-store.ts';
import type { CatalogEntry } from '#catalog/domain/product-changes.ts';
import { catalogProductSchema } from '#catalog/schemas.ts';
import { type LocalDynamoDb, startLocalDynamoDb, tableOf } from '#tests/helpers/local-dynamodb.ts';

let tables: LocalDynamoDb;
let store: DynamoDbCatalogStore;

beforeAll(async () => {
  tables = await startLocalDynamoDb([tableOf('Catalog', 'pk+sk')]);
  store = new DynamoDbCatalogStore(tables.documents, 'Catalog');
});

afterAll(async () => {
  await tables.close();
});

const entry = (price: string): CatalogEntry => ({
  product: catalogProductSchema.parse({
    productId: '788032119674292922',
    title: 'Example T-Shirt',
    variants: [
      {
        variantId: 'v1',
        price: { amount: price, currency: 'USD' },
        inStock: true,
        inventoryItemId: '271878346596884015',
      },
    ],
  }),
  changedAt: '2026-03-01T10:00:00.000Z',
  updateId: `u-${price}`,
});

describe('Class: DynamoDbCatalogStore', () => {
  it('writes an entry once, then only over the version it read, and finds it by its inventory item', async () => {
    expect(await store.save('acme', entry('19.99'), undefined)).toBe('saved');
    expect(await store.save('acme', entry('18.99'), undefined)).toBe('conflict');
    expect(await store.save('acme', entry('17.99'), 1)).toBe('saved');
    expect(await store.save('acme', entry('16.99'), 1)).toBe('conflict');

    const stored = await store.load('acme', '788032119674292922');
    expect(stored?.version).toBe(2);
    expect(stored?.entry.product.variants[0]?.price).toEqual({ amount: '17.99', currency: 'USD' });
    expect(await store.productOfInventoryItem('acme', '271878346596884015')).toBe('788032119674292922');
    expect(await store.productOfInventoryItem('other-store', '271878346596884015')).toBeUndefined();
    expect(await store.load('other-store', '788032119674292922')).toBeUndefined();
  });

  it('removes an entry only at the version it read', async () => {
    await store.save('shop-2', entry('19.99'), undefined);

    expect(await store.remove('shop-2', '788032119674292922', 5)).toBe('conflict');
    expect(await store.remove('shop-2', '788032119674292922', 1)).toBe('saved');
    expect(await store.load('shop-2', '788032119674292922')).toBeUndefined();
  });
});
