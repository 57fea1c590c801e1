import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '#shared/conditional-write.ts';
import { dormantOn } from '../domain/dormancy.ts';
import type { IdentityKey } from '../domain/identity.ts';
import type { ProfileStore, SaveResult, StoredProfile } from '../domain/ports.ts';
import type { Profile } from '../domain/profile.ts';
import { fromItemKeys, toItemKeys } from './item-keys.ts';

/** Partition key of a profile item; also used by the CLI and the operator docs. */
export function profileItemKey(storeId: string, key: IdentityKey): string {
  return `PROFILE#${storeId}#${key}`;
}

function withDormancyKey(profile: Profile, dormancyDays: number): { dormantOn?: string } {
  const day = dormantOn(profile, dormancyDays);
  return day === undefined ? {} : { dormantOn: day };
}

/**
 * Profiles as single DynamoDB items written with a version condition: no transactions needed,
 * which also keeps the local runtime on dynalite faithful.
 */
export class DynamoDbProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days without an order after which a customer is dormant (the win-back journey's threshold). */
    private readonly dormancyDays = 90,
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
    return { profile: fromItemKeys(Item.profile as Profile), version: Item.version as number };
  }

  async save(profile: Profile, expectedVersion: number | undefined): Promise<SaveResult> {
    const written = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: profileItemKey(profile.storeId, profile.key),
            version: (expectedVersion ?? 0) + 1,
            profile: toItemKeys(profile),
            ...(profile.email !== undefined && { email: profile.email }),
            ...(profile.mergedInto !== undefined && { mergedInto: profile.mergedInto }),
            ...withDormancyKey(profile, this.dormancyDays),
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
      ),
    );
    return written === 'written' ? 'saved' : 'conflict';
  }
}
