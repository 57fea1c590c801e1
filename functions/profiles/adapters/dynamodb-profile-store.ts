import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdentityKey } from '../domain/identity.ts';
import type { ProfileStore, SaveResult, StoredProfile } from '../domain/ports.ts';
import type { Profile } from '../domain/profile.ts';

/** Partition key of a profile item; also used by the CLI and the operator docs. */
export function profileItemKey(storeId: string, key: IdentityKey): string {
  return `PROFILE#${storeId}#${key}`;
}

/**
 * Profiles as single DynamoDB items written with a version condition: no transactions needed,
 * which also keeps the local runtime on dynalite faithful.
 */
export class DynamoDbProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(storeId: string, key: IdentityKey): Promise<StoredProfile | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: profileItemKey(storeId, key) },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    return { profile: Item.profile as Profile, version: Item.version as number };
  }

  async save(profile: Profile, expectedVersion: number | undefined): Promise<SaveResult> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: profileItemKey(profile.storeId, profile.key),
            version: (expectedVersion ?? 0) + 1,
            profile,
            ...(profile.email !== undefined && { email: profile.email }),
            ...(profile.mergedInto !== undefined && { mergedInto: profile.mergedInto }),
            updatedAt: profile.lastSeenAt,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }
}
