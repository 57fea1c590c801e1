import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { KeyRecord } from '../domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '../domain/ports.ts';

export const storeItemKey = (storeId: string) => `STORE#${storeId}`;
export const keyItemKey = (keyId: string) => `KEY#${keyId}`;

/** Store settings and key records in the Stores table; key records hold only secret hashes. */
export class DynamoDbCredentialStore implements CredentialStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Read only these attributes of store records (a function allowed no more). */
    private readonly storeAttributes?: readonly string[],
  ) {}

  async findKey(keyId: string): Promise<KeyRecord | undefined> {
    return this.get<KeyRecord>(keyItemKey(keyId));
  }

  async findStore(storeId: string): Promise<StoreRecord | undefined> {
    return this.get<StoreRecord>(storeItemKey(storeId), this.storeAttributes);
  }

  async putStore(store: StoreRecord): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: storeItemKey(store.storeId), ...store } }),
    );
  }

  async putKey(record: KeyRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keyItemKey(record.keyId), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listKeys(storeId: string): Promise<KeyRecord[]> {
    const keys: KeyRecord[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :key) AND storeId = :store',
        ExpressionAttributeValues: { ':key': 'KEY#', ':store': storeId },
      },
    );
    for await (const page of pages) {
      for (const { pk: _pk, ...record } of page.Items ?? []) keys.push(record as KeyRecord);
    }
    return keys;
  }

  async revokeKey(storeId: string, keyId: string, at: string): Promise<'revoked' | 'unknown'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keyItemKey(keyId) },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'storeId = :store',
          ExpressionAttributeValues: { ':at': at, ':store': storeId },
        }),
      );
      return 'revoked';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'unknown';
      throw error;
    }
  }

  private async get<T>(pk: string, attributes?: readonly string[]): Promise<T | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk },
        ...(attributes !== undefined && {
          ProjectionExpression: attributes.map((_, index) => `#a${index}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name])),
        }),
      }),
    );
    if (Item === undefined) return undefined;
    const { pk: _pk, ...record } = Item;
    return record as T;
  }
}
