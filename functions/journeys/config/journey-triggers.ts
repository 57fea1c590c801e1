/**
 * The EventBridge patterns that start the event-driven journeys. They are a coarse, cheap filter in front of
 * Step Functions (every execution costs transitions); the journey's `enter` step re-checks eligibility on the
 * profile, because a pattern cannot: EventBridge flattens arrays, so `consent.channel` and `consent.status`
 * may match in different entries of the list.
 */
import { EVENT_SOURCE } from '#events/schemas.ts';
import { ConfigError } from '#shared/errors.ts';
import type { CatalogConfig } from './catalog-config.ts';
import type { EventPattern } from './journey-schema.ts';

/** AWS's default quota for one rule's pattern; raising it needs a quota request. */
export const MAX_EVENT_PATTERN_CHARS = 2048;

const exists = [{ exists: true }];

export const WELCOME_EVENT_PATTERN: EventPattern = {
  source: [EVENT_SOURCE],
  'detail-type': ['customer.registered'],
  detail: { data: { consent: { channel: ['email'], status: ['granted'] } } },
};

export const BROWSE_ABANDONMENT_EVENT_PATTERN: EventPattern = {
  source: [EVENT_SOURCE],
  'detail-type': ['product.viewed'],
  // An anonymous visitor cannot be mailed, so only views that name the customer start the journey.
  detail: { identity: { $or: [{ customerId: exists }, { email: exists }] } },
};

/**
 * Every cart change starts a run, even a removed line or an emptied cart: the newest run is the one
 * that reminds, and older runs see the newer change and exit as superseded. (Filtering here would
 * let a removed line end the live run without starting another.) Empty carts exit at the first check.
 */
export const CART_ABANDONMENT_EVENT_PATTERN: EventPattern = {
  source: [EVENT_SOURCE],
  'detail-type': ['cart.updated', 'checkout.started'],
};

/** An order that was already cancelled or voided when it reached us starts no mail, not even a confirmation. */
const notCancelled = { cancelledAt: [{ exists: false }] };

export const POST_PURCHASE_EVENT_PATTERN: EventPattern = {
  source: [EVENT_SOURCE],
  'detail-type': ['order.placed'],
  detail: { data: notCancelled },
};

/** Only orders with a replenishable product start the journey; categories compare case-insensitively. */
export function replenishmentEventPattern(catalog: CatalogConfig): EventPattern {
  const productIds = Object.keys(catalog.reorderIntervalDays.byProductId);
  const categories = Object.keys(catalog.reorderIntervalDays.byCategory);
  const branches: EventPattern[] = [];
  if (productIds.length > 0) branches.push({ productId: productIds });
  if (categories.length > 0) {
    branches.push({ category: categories.map((category) => ({ 'equals-ignore-case': category })) });
  }
  const [only] = branches;
  if (only === undefined)
    throw new ConfigError('The catalog has no reorder interval: no order can start replenishment');
  return {
    source: [EVENT_SOURCE],
    'detail-type': ['order.placed'],
    detail: { data: { ...notCancelled, lines: branches.length === 1 ? only : { $or: branches } } },
  };
}
