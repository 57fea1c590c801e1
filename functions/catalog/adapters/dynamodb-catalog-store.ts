import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '#shared/conditional-write.ts';
import type { CatalogStore, SaveResult, StoredEntry } from '../domain/ports.ts';
import type { CatalogEntry } from '../domain/product-changes.ts';

/** Partition key of a product's entry. */
export function productItemKey(storeId: string, productId: string): string {
  return `PRODUCT#${storeId}#${productId}`;
}

/** Partition key of the note saying which product holds a Shopify inventory item. */
export function inventoryItemKey(storeId: string, inventoryItemId: string): string {
  return `INVENTORY#${storeId}#${inventoryItemId}`;
}

const ENTRY = 'ENTRY';

/**
 * The catalog in the Catalog table (pk, sk): one item per product, written with a version
 * condition, and one note per Shopify inventory item naming its product. The notes are written
 * before the entry (they are idempotent), so an entry never names an item that cannot be found;
 * a note left by a variant that changed items points at a product that no longer has it, and its
 * levels are then ignored.
 */
export class DynamoDbCatalogStore implements CatalogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(storeId: string, productId: string): Promise<StoredEntry | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: productItemKey(storeId, productId), sk: ENTRY },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    return { entry: Item.entry as CatalogEntry, version: Item.version as number };
  }

  async save(storeId: string, entry: CatalogEntry, expectedVersion: number | undefined): Promise<SaveResult> {
    const { productId } = entry.product;
    for (const variant of entry.product.variants) {
      if (variant.inventoryItemId === undefined) continue;
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: inventoryItemKey(storeId, variant.inventoryItemId), sk: ENTRY, productId },
        }),
      );
    }
    return savedUnless(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: productItemKey(storeId, productId),
            sk: ENTRY,
            version: (expectedVersion ?? 0) + 1,
            entry,
            changedAt: entry.changedAt,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      ),
    );
  }

  async remove(storeId: string, productId: string, expectedVersion: number): Promise<SaveResult> {
    return savedUnless(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: productItemKey(storeId, productId), sk: ENTRY },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      ),
    );
  }

  async productOfInventoryItem(storeId: string, inventoryItemId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: inventoryItemKey(storeId, inventoryItemId), sk: ENTRY },
      }),
    );
    return typeof Item?.productId === 'string' ? Item.productId : undefined;
  }
}

async function savedUnless(write: () => Promise<unknown>): Promise<SaveResult> {
  return (await conditionalWrite(write)) === 'written' ? 'saved' : 'conflict';
}
