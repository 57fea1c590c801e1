import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { tracer } from '#shared/powertools.ts';
import { CachingCredentialStore } from './adapters/caching-credential-store.ts';
import { DynamoDbCredentialStore } from './adapters/dynamodb-credential-store.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';

const ingestConfigSchema = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  STORES_TABLE_NAME: z.string().min(1),
  /** How long a looked-up key or store is reused; a revoked key stops working within this time. */
  CREDENTIALS_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
});

/** Adapters shared by the ingest handlers, built once per container at module scope. */
export function ingestAdapters() {
  const config = readConfig(ingestConfigSchema);
  return {
    credentials: new CachingCredentialStore(
      new DynamoDbCredentialStore(documentClient(), config.STORES_TABLE_NAME),
      config.CREDENTIALS_CACHE_SECONDS * 1000,
    ),
    publisher: new EventBridgePublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), {
      busName: config.EVENT_BUS_NAME,
    }),
  };
}
