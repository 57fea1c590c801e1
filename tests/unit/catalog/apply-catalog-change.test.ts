import { describe, expect, it } from 'vitest';
import { applyCatalogChange, withInventoryLevels } from '#catalog/domain/apply-catalog-change.ts';
import type { CatalogStore, ProductChangePublisher, SaveResult, StoredEntry } from '#catalog/domain/ports.ts';
import type { CatalogEntry, ProductChange } from '#catalog/domain/product-changes.ts';
import { CatalogContentionError } from '#catalog/errors.ts';
import { type CatalogProduct, catalogProductSchema } from '#catalog/schemas.ts';

class InMemoryCatalog implements CatalogStore {
  readonly entries = new Map<string, StoredEntry>();
  /** Writes that lose to a concurrent writer, to exercise the retry. */
  conflictsToCause = 0;

  async load(storeId: string, productId: string) {
    return this.entries.get(`${storeId}#${productId}`);
  }

  async save(storeId: string, entry: CatalogEntry, expectedVersion: number | undefined): Promise<SaveResult> {
    const key = `${storeId}#${entry.product.productId}`;
    if (this.conflictsToCause > 0) {
      this.conflictsToCause -= 1;
      return 'conflict';
    }
    if (this.entries.get(key)?.version !== expectedVersion) return 'conflict';
    this.entries.set(key, { entry, version: (expectedVersion ?? 0) + 1 });
    return 'saved';
  }

  async remove(storeId: string, productId: string, expectedVersion: number): Promise<SaveResult> {
    const key = `${storeId}#${productId}`;
    if (this.entries.get(key)?.version !== expectedVersion) return 'conflict';
    this.entries.delete(key);
    return 'saved';
  }

  async productOfInventoryItem(storeId: string, inventoryItemId: string) {
    for (const [key, { entry }] of this.entries) {
      if (!key.startsWith(`${storeId}#`)) continue;
      if (entry.product.variants.some((variant) => variant.inventoryItemId === inventoryItemId))
        return entry.product.productId;
    }
    return undefined;
  }
}

class RecordingPublisher implements ProductChangePublisher {
  readonly published: Array<{ id: string; occurredAt: string; change: ProductChange }> = [];
  async publish(
    _storeId: string,
    changes: ReadonlyArray<{ id: string; occurredAt: string; change: ProductChange }>,
  ) {
    this.published.push(...changes);
  }
}

function shirt(
  variants: Array<{ id: string; price: string; inStock: boolean; item?: string; inventory?: number }>,
): CatalogProduct {
  return catalogProductSchema.parse({
    productId: 'shirt',
    title: 'Shirt',
    variants: variants.map((variant) => ({
      variantId: variant.id,
      price: { amount: variant.price, currency: 'USD' },
      inStock: variant.inStock,
      ...(variant.item !== undefined && { inventoryItemId: variant.item }),
      ...(variant.inventory !== undefined && { inventory: variant.inventory }),
    })),
  });
}

function setup() {
  const catalog = new InMemoryCatalog();
  const publisher = new RecordingPublisher();
  return { catalog, publisher, deps: { catalog, publisher } };
}

describe('Function: applyCatalogChange', () => {
  it('stores a new product, then publishes a price drop with an id derived from the update', async () => {
    const { catalog, publisher, deps } = setup();

    await applyCatalogChange(deps, 'acme', {
      kind: 'updated',
      id: 'u1',
      occurredAt: '2026-03-01T10:00:00Z',
      product: shirt([{ id: 's', price: '20.00', inStock: true }]),
    });
    const outcome = await applyCatalogChange(deps, 'acme', {
      kind: 'updated',
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: shirt([{ id: 's', price: '15.00', inStock: true }]),
    });

    expect(outcome).toBe('applied');
    expect(catalog.entries.get('acme#shirt')?.version).toBe(2);
    expect(publisher.published).toEqual([
      {
        id: 'u2:price-dropped',
        occurredAt: '2026-03-02T10:00:00Z',
        change: {
          kind: 'price-dropped',
          productId: 'shirt',
          from: { amount: '20.00', currency: 'USD' },
          to: { amount: '15.00', currency: 'USD' },
          dropShare: 0.25,
        },
      },
    ]);
  });

  it('retries a write that lost to a concurrent writer, and gives up after a few', async () => {
    const { catalog, deps } = setup();
    const update = {
      kind: 'updated' as const,
      id: 'u1',
      occurredAt: '2026-03-01T10:00:00Z',
      product: shirt([{ id: 's', price: '20.00', inStock: true }]),
    };

    catalog.conflictsToCause = 2;
    expect(await applyCatalogChange(deps, 'acme', update)).toBe('applied');

    catalog.conflictsToCause = 10;
    await expect(
      applyCatalogChange(deps, 'acme', { ...update, id: 'u2', occurredAt: '2026-03-02T10:00:00Z' }),
    ).rejects.toThrow(CatalogContentionError);
  });

  it('publishes the same derived ids again when a crash came between publishing and writing', async () => {
    const { catalog, publisher, deps } = setup();
    await applyCatalogChange(deps, 'acme', {
      kind: 'updated',
      id: 'u1',
      occurredAt: '2026-03-01T10:00:00Z',
      product: shirt([{ id: 's', price: '20.00', inStock: false }]),
    });
    const restock = {
      kind: 'updated' as const,
      id: 'u2',
      occurredAt: '2026-03-02T10:00:00Z',
      product: shirt([{ id: 's', price: '20.00', inStock: true }]),
    };

    // The first delivery publishes, then its write is lost (the function died).
    catalog.conflictsToCause = 5;
    await expect(applyCatalogChange(deps, 'acme', restock)).rejects.toThrow(CatalogContentionError);
    catalog.conflictsToCause = 0;
    await applyCatalogChange(deps, 'acme', restock);
    // A third delivery finds the change applied and publishes nothing.
    expect(await applyCatalogChange(deps, 'acme', restock)).toBe('unchanged');

    expect(new Set(publisher.published.map((published) => published.id))).toEqual(
      new Set(['u2:back-in-stock']),
    );
  });

  it('deletes a product, ignoring a deletion older than the entry or of a product it never held', async () => {
    const { catalog, deps } = setup();
    await applyCatalogChange(deps, 'acme', {
      kind: 'updated',
      id: 'u1',
      occurredAt: '2026-03-02T10:00:00Z',
      product: shirt([{ id: 's', price: '20.00', inStock: true }]),
    });

    expect(
      await applyCatalogChange(deps, 'acme', {
        kind: 'deleted',
        id: 'd0',
        occurredAt: '2026-03-01T10:00:00Z',
        productId: 'shirt',
      }),
    ).toBe('unchanged');
    expect(
      await applyCatalogChange(deps, 'acme', {
        kind: 'deleted',
        id: 'd1',
        occurredAt: '2026-03-03T10:00:00Z',
        productId: 'shirt',
      }),
    ).toBe('deleted');
    expect(catalog.entries.size).toBe(0);
    expect(
      await applyCatalogChange(deps, 'acme', {
        kind: 'deleted',
        id: 'd2',
        occurredAt: '2026-03-04T10:00:00Z',
        productId: 'shirt',
      }),
    ).toBe('unknown-product');
  });

  it('restocks a variant from Shopify’s level at one location, summing the item’s locations', async () => {
    const { catalog, publisher, deps } = setup();
    await applyCatalogChange(deps, 'acme', {
      kind: 'updated',
      id: 'u1',
      occurredAt: '2026-03-01T10:00:00Z',
      product: shirt([
        { id: 's', price: '20.00', inStock: false, item: 'inv-s', inventory: 0 },
        { id: 'm', price: '20.00', inStock: false, item: 'inv-m', inventory: 0 },
      ]),
    });

    const level = (id: string, locationId: string, available: number | undefined) =>
      applyCatalogChange(deps, 'acme', {
        kind: 'inventory',
        id,
        occurredAt: `2026-03-0${id.slice(1)}T10:00:00Z`,
        inventoryItemId: 'inv-m',
        locationId,
        available,
      });
    expect(await level('i2', 'warehouse', 0)).toBe('applied');
    expect(await level('i3', 'shop', 4)).toBe('applied');
    expect(await level('i4', 'warehouse', 6)).toBe('applied');

    const stored = catalog.entries.get('acme#shirt')?.entry;
    expect(
      stored?.product.variants.map((variant) => [variant.variantId, variant.inventory, variant.inStock]),
    ).toEqual([
      ['s', 0, false],
      ['m', 10, true],
    ]);
    expect(stored?.inventoryLevels).toEqual({ 'inv-m': { warehouse: 6, shop: 4 } });
    expect(publisher.published.map((published) => [published.id, published.change.kind])).toEqual([
      ['i3:back-in-stock', 'back-in-stock'],
    ]);
    expect(
      await applyCatalogChange(deps, 'acme', {
        kind: 'inventory',
        id: 'i5',
        occurredAt: '2026-03-05T10:00:00Z',
        inventoryItemId: 'inv-unknown',
        locationId: 'shop',
        available: 1,
      }),
    ).toBe('unknown-product');
  });
});

describe('Function: withInventoryLevels', () => {
  it('keeps a variant in stock when a location does not track its item', () => {
    const product = shirt([{ id: 's', price: '20.00', inStock: false, item: 'inv-s', inventory: 0 }]);

    expect(withInventoryLevels(product, { 'inv-s': { shop: null, warehouse: 0 } }).variants[0]?.inStock).toBe(
      true,
    );
  });
});
