import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { fromItemKeys } from '#profiles/adapters/item-keys.ts';
import type { Profile } from '#profiles/domain/profile.ts';

/**
 * Every profile of one store, read page by page from the Profiles table: the ones folded into
 * another profile (`mergedInto`) and the erasure tombstones are left out. A preview's read, not a
 * hot path: the segment function keeps memberships from events and its review index instead.
 */
export async function* profilesOfStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  storeId: string,
): AsyncGenerator<{ key: string; profile: Profile }> {
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: 'begins_with(pk, :prefix) AND attribute_not_exists(mergedInto)',
      ExpressionAttributeValues: { ':prefix': `PROFILE#${storeId}#` },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const profile = fromItemKeys(item.profile as Profile);
      yield { key: profile.key, profile };
    }
  }
}
