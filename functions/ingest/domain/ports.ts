import type { CanonicalEvent } from '#events/schemas.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { KeyRecord } from './credentials.ts';

export type { StoreRecord };

export interface CredentialStore {
  findKey(keyId: string): Promise<KeyRecord | undefined>;
  findStore(storeId: string): Promise<StoreRecord | undefined>;
}

/** Publishes canonical events; returns the ones the bus still refused after retries. */
export interface EventPublisher {
  publish(events: CanonicalEvent[]): Promise<{ unpublished: CanonicalEvent[] }>;
}
