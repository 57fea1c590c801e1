/**
 * The catalog function's use case: one change of a product (an update from our API, a feed or
 * Shopify; a deletion; a Shopify stock level) applied to the stored entry under a version
 * condition, retried on a concurrent write. The derived events are published *before* the entry is
 * written, with ids derived from the change: a crash between the two redelivers the change, which
 * publishes the same ids again (consumers de-duplicate) and then writes. Publishing after the write
 * would lose them, since the redelivered change would find itself applied.
 */
import { CatalogContentionError } from '../errors.ts';
import type { CatalogProduct } from '../schemas.ts';
import type { CatalogStore, ProductChangePublisher } from './ports.ts';
import {
  applyProductUpdate,
  type ChangeRules,
  DEFAULT_CHANGE_RULES,
  type InventoryLevels,
  type UpdateOutcome,
} from './product-changes.ts';

export type CatalogChange =
  | { kind: 'updated'; id: string; occurredAt: string; product: CatalogProduct }
  | { kind: 'deleted'; id: string; occurredAt: string; productId: string }
  /** Units available at one of the store's locations; undefined when the source does not track them. */
  | {
      kind: 'inventory';
      id: string;
      occurredAt: string;
      inventoryItemId: string;
      locationId: string;
      available: number | undefined;
    };

export interface CatalogDependencies {
  catalog: CatalogStore;
  publisher: ProductChangePublisher;
  rules?: ChangeRules;
}

export type CatalogOutcome =
  | UpdateOutcome['outcome']
  | 'deleted'
  /** A deletion of a product the catalog does not hold, or stock of an item no product names. */
  | 'unknown-product';

const MAX_ATTEMPTS = 5;

export async function applyCatalogChange(
  deps: CatalogDependencies,
  storeId: string,
  change: CatalogChange,
): Promise<CatalogOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const outcome = await attemptChange(deps, storeId, change);
    if (outcome !== 'conflict') return outcome;
  }
  throw new CatalogContentionError(`the catalog entry kept changing under change ${change.id}`);
}

async function attemptChange(
  deps: CatalogDependencies,
  storeId: string,
  change: CatalogChange,
): Promise<CatalogOutcome | 'conflict'> {
  switch (change.kind) {
    case 'deleted': {
      const stored = await deps.catalog.load(storeId, change.productId);
      if (stored === undefined) return 'unknown-product';
      if (Date.parse(change.occurredAt) < Date.parse(stored.entry.changedAt)) return 'unchanged';
      const removed = await deps.catalog.remove(storeId, change.productId, stored.version);
      return removed === 'saved' ? 'deleted' : 'conflict';
    }
    case 'inventory': {
      const productId = await deps.catalog.productOfInventoryItem(storeId, change.inventoryItemId);
      const stored = productId === undefined ? undefined : await deps.catalog.load(storeId, productId);
      if (stored === undefined) return 'unknown-product';
      const levels = {
        ...stored.entry.inventoryLevels,
        [change.inventoryItemId]: {
          ...stored.entry.inventoryLevels?.[change.inventoryItemId],
          [change.locationId]: change.available ?? null,
        },
      };
      const product = withInventoryLevels(stored.entry.product, levels);
      return update(deps, storeId, stored, { id: change.id, occurredAt: change.occurredAt, product }, levels);
    }
    case 'updated': {
      const stored = await deps.catalog.load(storeId, change.product.productId);
      return update(deps, storeId, stored, change, stored?.entry.inventoryLevels);
    }
  }
}

async function update(
  deps: CatalogDependencies,
  storeId: string,
  stored: Awaited<ReturnType<CatalogStore['load']>>,
  change: { id: string; occurredAt: string; product: CatalogProduct },
  inventoryLevels: InventoryLevels | undefined,
): Promise<CatalogOutcome | 'conflict'> {
  const result = applyProductUpdate(stored?.entry, change, deps.rules ?? DEFAULT_CHANGE_RULES);
  if (result.outcome === 'unchanged') return 'unchanged';
  if (result.changes.length > 0) {
    await deps.publisher.publish(
      storeId,
      result.changes.map((derived) => ({
        id: `${change.id}:${derived.kind}`,
        occurredAt: change.occurredAt,
        change: derived,
      })),
    );
  }
  const entry = inventoryLevels === undefined ? result.entry : { ...result.entry, inventoryLevels };
  const saved = await deps.catalog.save(storeId, entry, stored?.version);
  return saved === 'saved' ? 'applied' : 'conflict';
}

/**
 * The product with each variant's stock recounted from its item's levels: the sum over locations,
 * in stock when any unit is; a variant whose item some location does not track can always be sold.
 */
export function withInventoryLevels(product: CatalogProduct, levels: InventoryLevels): CatalogProduct {
  return {
    ...product,
    variants: product.variants.map((variant) => {
      const byLocation = variant.inventoryItemId === undefined ? undefined : levels[variant.inventoryItemId];
      if (byLocation === undefined) return variant;
      const counts = Object.values(byLocation);
      if (counts.some((count) => count === null)) return { ...variant, inStock: true };
      const inventory = counts.reduce<number>((sum, count) => sum + (count ?? 0), 0);
      return { ...variant, inventory, inStock: inventory > 0 };
    }),
  };
}
