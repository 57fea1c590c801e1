import type { CanonicalEvent } from '#events/schemas.ts';
import type { JourneyId } from '../config/journey-schema.ts';

/**
 * What one run of a journey is about, so "at most once per (journey, subject, step)" means what a
 * customer would expect: one reminder series per cart, one confirmation per order, one welcome per
 * customer, one browse mail per customer per day, one win-back per dormancy.
 */
export function subjectKeyOf(journey: JourneyId, trigger: CanonicalEvent): string {
  const who =
    trigger.identity.customerId ?? trigger.identity.email ?? trigger.identity.anonymousId ?? 'unknown';
  switch (trigger.type) {
    case 'cart.updated':
      return trigger.data.cartId;
    case 'checkout.started':
      return trigger.data.cartId ?? `checkout:${trigger.data.checkoutId}`;
    case 'order.placed':
      return trigger.data.orderId;
    case 'product.viewed':
      return `${who}:${trigger.occurredAt.slice(0, 10)}`;
    default:
      return journey === 'win-back' ? `${who}:${trigger.occurredAt.slice(0, 10)}` : who;
  }
}
