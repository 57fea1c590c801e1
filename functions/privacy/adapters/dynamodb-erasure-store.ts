import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import { DynamoDbProfileStore, profileItemKey } from '#profiles/adapters/dynamodb-profile-store.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import type {
  CustomerRecord,
  ErasableProfiles,
  ErasableRecords,
  TombstoneStore,
} from '../domain/erase-customer.ts';
import type { Tombstone } from '../domain/tombstone.ts';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const UNPROCESSED_ATTEMPTS = 8;

/** Partition key of an erasure's tombstone, in the Profiles table beside the profiles it replaced. */
export function tombstoneItemKey(storeId: string, hash: string): string {
  return `ERASED#${storeId}#${hash}`;
}

/** Profile items, one identity at a time, and the tombstones that replace them. */
export class DynamoDbErasableProfiles implements ErasableProfiles, TombstoneStore {
  private readonly profiles: DynamoDbProfileStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.profiles = new DynamoDbProfileStore(client, tableName);
  }

  async load(storeId: string, key: IdentityKey): Promise<Profile | undefined> {
    return (await this.profiles.load(storeId, key))?.profile;
  }

  async delete(storeId: string, key: IdentityKey): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: profileItemKey(storeId, key) } }),
    );
  }

  async put(storeId: string, tombstones: readonly Tombstone[]): Promise<void> {
    await writeAll(
      this.client,
      this.tableName,
      tombstones.map(({ hash, erasedAt }) => ({
        PutRequest: { Item: { pk: tombstoneItemKey(storeId, hash), erasedAt } },
      })),
    );
  }

  async find(storeId: string, hashes: readonly string[]): Promise<Tombstone[]> {
    const found: Tombstone[] = [];
    for (let start = 0; start < hashes.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = hashes
        .slice(start, start + BATCH_GET_LIMIT)
        .map((hash) => ({ pk: tombstoneItemKey(storeId, hash) }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > UNPROCESSED_ATTEMPTS) throw new Error('tombstones still unread after retries');
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          found.push({
            hash: String(item.pk).slice(tombstoneItemKey(storeId, '').length),
            erasedAt: String(item.erasedAt),
          });
        }
        keys = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }
}

const customerPk = ({ storeId, customerKey }: CustomerRef) => `CUSTOMER#${storeId}#${customerKey}`;

/** A customer's Messages partition and the items beside it that name them. */
export class DynamoDbErasableRecords implements ErasableRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(customer: CustomerRef): Promise<CustomerRecord[]> {
    const records: CustomerRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk(customer) },
        ProjectionExpression: 'sk, executionArn, messageId, journey, subjectKey',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) records.push(item as CustomerRecord);
    }
    return records;
  }

  async delete(customer: CustomerRef, sortKeys: readonly string[]): Promise<void> {
    const pk = customerPk(customer);
    await writeAll(
      this.client,
      this.tableName,
      sortKeys.map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })),
    );
  }

  async deleteSesMessage(messageId: string): Promise<void> {
    await this.deleteItem({ pk: `SESMESSAGE#${messageId}`, sk: 'MESSAGE' });
  }

  async deleteSuppression(storeId: string, email: string): Promise<void> {
    await this.deleteItem({ pk: `SUPPRESSION#${storeId}#${email}`, sk: 'SUPPRESSION' });
  }

  async deleteLatestTrigger(storeId: string, journey: string, subjectKey: string): Promise<void> {
    await this.deleteItem({ pk: `LATEST#${storeId}#${journey}`, sk: subjectKey });
  }

  private async deleteItem(key: { pk: string; sk: string }): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
  }
}

type WriteRequest = NonNullable<
  NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]
>[number];

/** Writes in batches of 25, retrying what DynamoDB left unprocessed. */
async function writeAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let batch = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let attempt = 1; batch.length > 0; attempt += 1) {
      if (attempt > UNPROCESSED_ATTEMPTS) throw new Error('DynamoDB left writes unprocessed after retries');
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: batch } }),
      );
      batch = (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (batch.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
