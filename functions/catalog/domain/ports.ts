import type { CatalogEntry, ProductChange } from './product-changes.ts';

/** A catalog entry as stored, with the version its next write must still find (optimistic concurrency). */
export interface StoredEntry {
  entry: CatalogEntry;
  version: number;
}

export type SaveResult = 'saved' | 'conflict';

export interface CatalogStore {
  load(storeId: string, productId: string): Promise<StoredEntry | undefined>;
  /** Writes if the stored version is still `expectedVersion` (undefined: the entry must not exist yet). */
  save(storeId: string, entry: CatalogEntry, expectedVersion: number | undefined): Promise<SaveResult>;
  /** Removes the entry if its version is still `expectedVersion`. */
  remove(storeId: string, productId: string, expectedVersion: number): Promise<SaveResult>;
  /** The product whose variant holds a Shopify inventory item. */
  productOfInventoryItem(storeId: string, inventoryItemId: string): Promise<string | undefined>;
}

/**
 * Derived events (a price drop, a return to stock) onto the bus. Each carries an id derived from the
 * update that caused it, so a redelivered update publishes the same ids and consumers de-duplicate.
 */
export interface ProductChangePublisher {
  publish(
    storeId: string,
    changes: ReadonlyArray<{ id: string; occurredAt: string; change: ProductChange }>,
  ): Promise<void>;
}
