import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { provisionStore } from '#ingest/domain/provision-store.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

interface StoreCreateOptions {
  id?: string | undefined;
  name?: string | undefined;
  currency?: string | undefined;
  'time-zone'?: string | undefined;
  'shopify-secret-env'?: string | undefined;
  'sender-name'?: string | undefined;
  'sender-email'?: string | undefined;
  'postal-address'?: string | undefined;
  url?: string | undefined;
  locale?: string | undefined;
  /** Count Shopify test orders as orders (a store trying things out). */
  'accept-test-orders'?: boolean | undefined;
  /** Comma-separated Segment consent categories that mean e-mail marketing. */
  'segment-consent-categories'?: string | undefined;
  table?: string | undefined;
  region?: string | undefined;
}

/**
 * Creates a store in the Stores table (local, or deployed with --table and --region) and prints its
 * keys once. The Shopify secret is read from an environment variable so it never sits in shell history.
 */
export async function runStoreCreate(options: StoreCreateOptions): Promise<void> {
  if (options.id === undefined || options.name === undefined)
    throw new Error('store create needs --id and --name');
  const shopifyWebhookSecret =
    options['shopify-secret-env'] === undefined ? undefined : process.env[options['shopify-secret-env']];
  if (options['shopify-secret-env'] !== undefined && !shopifyWebhookSecret) {
    throw new Error(`environment variable ${options['shopify-secret-env']} is empty`);
  }
  const deployed = options.table !== undefined;
  const runtime = deployed ? undefined : readRuntimeFile();
  const client = documentClientFor(runtime?.urls.dynamodb, options.region ?? 'us-east-1');
  const admin = new DynamoDbCredentialStore(client, options.table ?? (runtime?.names.storesTable as string));
  const created = await provisionStore(
    admin,
    {
      storeId: options.id,
      name: options.name,
      defaultCurrency: (options.currency ?? 'USD').toUpperCase(),
      timeZone: options['time-zone'] ?? 'UTC',
      ...(shopifyWebhookSecret && { shopifyWebhookSecret }),
      ...(options['sender-name'] && { senderName: options['sender-name'] }),
      ...(options['sender-email'] && { senderEmail: options['sender-email'] }),
      ...(options['postal-address'] && { postalAddress: options['postal-address'] }),
      ...(options.url && { storeUrl: options.url }),
      ...(options.locale && { locale: options.locale }),
      ...(options['accept-test-orders'] !== undefined && { acceptTestOrders: options['accept-test-orders'] }),
      ...(options['segment-consent-categories'] && {
        segmentEmailConsentCategories: options['segment-consent-categories']
          .split(',')
          .map((category) => category.trim())
          .filter((category) => category !== ''),
      }),
    },
    new Date(),
  );
  process.stdout.write(`Store ${options.id} saved. Keep these keys now; only their hashes are stored:
  API key (Authorization: Bearer …)   ${created.apiKey}
  Segment write key                   ${created.segmentWriteKey}
`);
}
