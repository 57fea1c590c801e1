import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { SfnRunStopper } from '#journeys/adapters/sfn-run-stopper.ts';
import { DynamoDbErasableProfiles, DynamoDbErasableRecords } from './adapters/dynamodb-erasure-store.ts';
import type { ErasureDependencies } from './domain/erase-customer.ts';
import { tombstoneHasher } from './domain/tombstone.ts';
import { StoreNotErasableError } from './errors.ts';

export interface ErasureTables {
  profilesTable: string;
  messagesTable: string;
  storesTable: string;
}

/**
 * The erasure's adapters for one store, over clients the caller made (a function's, or the CLI's for
 * the local stack or a deployed one): every way of erasing runs the same `eraseCustomer` on these.
 */
export async function erasureDependencies(
  clients: { dynamodb: DynamoDBDocumentClient; stepFunctions: SFNClient },
  tables: ErasureTables,
  storeId: string,
): Promise<ErasureDependencies> {
  const store = await new DynamoDbCredentialStore(clients.dynamodb, tables.storesTable).findStore(storeId);
  if (store === undefined) throw new StoreNotErasableError(`no store ${storeId}`);
  if (store.unsubscribeSigningKey === undefined) {
    throw new StoreNotErasableError(`store ${storeId} has no signing key to hash its tombstones with`);
  }
  const profiles = new DynamoDbErasableProfiles(clients.dynamodb, tables.profilesTable);
  return {
    profiles,
    tombstones: profiles,
    records: new DynamoDbErasableRecords(clients.dynamodb, tables.messagesTable),
    stopper: new SfnRunStopper(clients.stepFunctions),
    hash: tombstoneHasher(storeId, store.unsubscribeSigningKey),
  };
}
