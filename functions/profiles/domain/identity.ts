import type { Identity } from '#events/schemas.ts';

/**
 * A profile is keyed by the strongest identity an event carries: the store's customer id, else the
 * e-mail address, else the anonymous (device/cookie) id, else an order id. Weaker keys become
 * aliases of stronger ones, so an order's key leads to its buyer's profile: a refund that names only
 * the order (Shopify's refunds/create) finds the person, and one that comes before the order is
 * folded in when the order arrives.
 */
export type IdentityKey =
  | `customer:${string}`
  | `email:${string}`
  | `anonymous:${string}`
  | `order:${string}`;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The event's identity keys, strongest first. */
export function identityKeys(identity: Identity): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (identity.customerId !== undefined) keys.push(`customer:${identity.customerId}`);
  if (identity.email !== undefined) keys.push(`email:${normalizeEmail(identity.email)}`);
  if (identity.anonymousId !== undefined) keys.push(`anonymous:${identity.anonymousId}`);
  if (identity.orderId !== undefined) keys.push(`order:${identity.orderId}`);
  return keys;
}

const RANK = { customer: 0, email: 1, anonymous: 2, order: 3 } as const;

export function keyRank(key: IdentityKey): number {
  return RANK[key.slice(0, key.indexOf(':')) as keyof typeof RANK];
}

/** Whether profiles under `lower` may be folded into a profile under `higher`. */
export function outranks(higher: IdentityKey, lower: IdentityKey): boolean {
  return keyRank(higher) < keyRank(lower);
}
