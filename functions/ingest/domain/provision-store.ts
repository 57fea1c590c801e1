import { randomBytes } from 'node:crypto';
import { generateKey, type KeyKind, type KeyRecord } from './credentials.ts';
import type { CredentialStore, StoreRecord } from './ports.ts';

/** What the operator CLI needs on top of reading credentials. */
export interface StoreAdmin extends CredentialStore {
  putStore(store: StoreRecord): Promise<void>;
  putKey(record: KeyRecord): Promise<void>;
}

export interface ProvisionedStore {
  store: StoreRecord;
  /** Shown once; only their hashes are stored. */
  apiKey: string;
  segmentWriteKey: string;
}

/**
 * Creates or updates a store and issues a fresh API key and Segment write key for it. Secrets the
 * caller does not replace are kept, so links already mailed (unsubscribe) keep working.
 */
export async function provisionStore(
  admin: StoreAdmin,
  settings: StoreRecord,
  now: Date,
): Promise<ProvisionedStore> {
  const existing = await admin.findStore(settings.storeId);
  const store: StoreRecord = {
    ...existing,
    ...settings,
    unsubscribeSigningKey:
      settings.unsubscribeSigningKey ??
      existing?.unsubscribeSigningKey ??
      randomBytes(32).toString('base64url'),
  };
  const shopifyWebhookSecret = settings.shopifyWebhookSecret ?? existing?.shopifyWebhookSecret;
  if (shopifyWebhookSecret !== undefined) store.shopifyWebhookSecret = shopifyWebhookSecret;
  await admin.putStore(store);
  const apiKey = await issueKey(admin, store.storeId, 'events-api', now);
  const segmentWriteKey = await issueKey(admin, store.storeId, 'segment-write-key', now);
  return { store, apiKey, segmentWriteKey };
}

export async function issueKey(
  admin: StoreAdmin,
  storeId: string,
  kind: KeyKind,
  now: Date,
): Promise<string> {
  const { token, record } = generateKey(storeId, kind, now.toISOString());
  await admin.putKey(record);
  return token;
}
