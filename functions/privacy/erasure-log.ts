import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { DynamoDbErasableProfiles } from './adapters/dynamodb-erasure-store.ts';
import { TombstoneErasureLog } from './adapters/tombstone-erasure-log.ts';

/**
 * The erasure log a consumer checks before it starts a profile or a run for an event: the tombstones
 * in the Profiles table, hashed with each store's signing key from the Stores table.
 */
export function erasureLog(
  client: DynamoDBDocumentClient,
  tables: { profilesTable: string; storesTable: string },
): TombstoneErasureLog {
  const stores = new DynamoDbCredentialStore(client, tables.storesTable);
  return new TombstoneErasureLog(
    new DynamoDbErasableProfiles(client, tables.profilesTable),
    async (storeId) => (await stores.findStore(storeId))?.unsubscribeSigningKey,
  );
}
