import { randomBytes } from 'node:crypto';
import { generateKey, type KeyKind, type KeyRecord } from './credentials.ts';
import type { CredentialStore, StoreRecord } from './ports.ts';

/** What the operator CLI needs on top of reading credentials. */
export interface StoreAdmin extends CredentialStore {
  putStore(store: StoreRecord): Promise<void>;
  putKey(record: KeyRecord): Promise<void>;
  /** A store's keys (an operator's listing, not a request path: it may scan). */
  listKeys(storeId: string): Promise<KeyRecord[]>;
  /** Marks the store's key revoked at `at`; 'unknown' when the store has no such key. */
  revokeKey(storeId: string, keyId: string, at: string): Promise<'revoked' | 'unknown'>;
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
  expiresAt?: Date,
): Promise<string> {
  if ((await admin.findStore(storeId)) === undefined) throw new Error(`no store ${storeId}`);
  const { token, record } = generateKey(storeId, kind, now.toISOString(), expiresAt?.toISOString());
  await admin.putKey(record);
  return token;
}
