import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '#events/schemas.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { MessagingStore } from './ports.ts';
import { claimedStoreId, verifyUnsubscribeToken } from './unsubscribe-token.ts';

export interface UnsubscribeDependencies {
  messaging: MessagingStore;
  findStore(storeId: string): Promise<StoreRecord | undefined>;
  /** Puts the consent change on the bus, so the profile records it like any other event. */
  publish(event: CanonicalEvent): Promise<void>;
}

export type UnsubscribeResult =
  | { ok: true; storeName: string; email: string }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'unknown-store' };

/**
 * The only attributes of a store record unsubscribing reads: the public unsubscribe function may read
 * no more (not the Shopify secret), and its IAM policy says so.
 */
export const UNSUBSCRIBE_STORE_ATTRIBUTES = ['storeId', 'name', 'unsubscribeSigningKey'] as const;

/**
 * One-click unsubscribe. The suppression is written before answering, so the very next send is
 * refused whatever the bus is doing; the consent change then reaches the profile as a canonical
 * event with its source and time. Repeating it is harmless (same event id, same suppression).
 */
export async function unsubscribe(
  deps: UnsubscribeDependencies,
  token: string,
  now: Date,
): Promise<UnsubscribeResult> {
  const storeId = claimedStoreId(token);
  const store = storeId === undefined ? undefined : await deps.findStore(storeId);
  if (store?.unsubscribeSigningKey === undefined)
    return { ok: false, reason: storeId === undefined ? 'malformed' : 'unknown-store' };
  const verified = verifyUnsubscribeToken(token, store.unsubscribeSigningKey, now);
  if (!verified.ok) return verified;
  const { email, journey } = verified.claims;
  await deps.messaging.suppress(store.storeId, email, { reason: 'unsubscribed', at: now.toISOString() });
  await deps.publish({
    id: `unsubscribe:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`,
    type: 'customer.updated',
    version: 1,
    occurredAt: now.toISOString(),
    storeId: store.storeId,
    origin: 'api',
    identity: { email },
    data: {
      attributes: {},
      consent: [
        {
          channel: 'email',
          purpose: 'marketing',
          status: 'revoked',
          source: `unsubscribe-link${journey ? `:${journey}` : ''}`,
          recordedAt: now.toISOString(),
        },
      ],
    },
  });
  return { ok: true, storeName: store.name, email };
}
