import type { CanonicalEvent } from '#events/schemas.ts';
import type { KeyRecord } from './credentials.ts';

export interface StoreRecord {
  storeId: string;
  name: string;
  defaultCurrency: string;
  timeZone: string;
  /** Shopify signs webhooks with this; HMAC needs the secret itself, so it cannot be hashed. */
  shopifyWebhookSecret?: string;
}

export interface CredentialStore {
  findKey(keyId: string): Promise<KeyRecord | undefined>;
  findStore(storeId: string): Promise<StoreRecord | undefined>;
}

/** Publishes canonical events; returns the ones the bus still refused after retries. */
export interface EventPublisher {
  publish(events: CanonicalEvent[]): Promise<{ unpublished: CanonicalEvent[] }>;
}
