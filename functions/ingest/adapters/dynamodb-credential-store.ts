import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyRecord } from '../domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '../domain/ports.ts';

export const storeItemKey = (storeId: string) => `STORE#${storeId}`;
export const keyItemKey = (keyId: string) => `KEY#${keyId}`;

/** Store settings and key records in the Stores table; key records hold only secret hashes. */
export class DynamoDbCredentialStore implements CredentialStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findKey(keyId: string): Promise<KeyRecord | undefined> {
    return this.get<KeyRecord>(keyItemKey(keyId));
  }

  async findStore(storeId: string): Promise<StoreRecord | undefined> {
    return this.get<StoreRecord>(storeItemKey(storeId));
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

  private async get<T>(pk: string): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk } }));
    if (Item === undefined) return undefined;
    const { pk: _pk, ...record } = Item;
    return record as T;
  }
}
