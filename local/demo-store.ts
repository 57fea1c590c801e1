import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { type ProvisionedStore, provisionStore } from '#ingest/domain/provision-store.ts';

export interface DemoCredentials extends ProvisionedStore {
  shopifyWebhookSecret: string;
}

export function documentClientFor(
  endpoint: string | undefined,
  region = 'us-east-1',
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region,
    ...(endpoint !== undefined && {
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Seeds a store with fresh keys and a Shopify webhook secret, through the same provisioning the CLI uses. */
export async function seedDemoStore(
  dynamodbEndpoint: string,
  storesTable: string,
  storeId = 'demo',
): Promise<DemoCredentials> {
  const admin = new DynamoDbCredentialStore(documentClientFor(dynamodbEndpoint), storesTable);
  const shopifyWebhookSecret = randomBytes(24).toString('hex');
  const provisioned = await provisionStore(
    admin,
    {
      storeId,
      name: 'Demo Store',
      defaultCurrency: 'USD',
      timeZone: 'America/New_York',
      shopifyWebhookSecret,
      senderName: 'Demo Store',
      senderEmail: 'hello@demo-store.example',
      postalAddress: '1 Market Street, San Francisco, CA 94105, USA',
      storeUrl: 'https://demo-store.example',
      locale: 'en-US',
    },
    new Date(),
  );
  return { ...provisioned, shopifyWebhookSecret };
}
