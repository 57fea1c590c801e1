import type { CanonicalEvent } from '#events/schemas.ts';
import { cartBeganAfter } from '#profiles/domain/cart.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import type { JourneyId } from '../config/journey-schema.ts';

/** The cart a cart or checkout event is about; undefined for other events. */
export function cartIdOf(trigger: CanonicalEvent): string | undefined {
  switch (trigger.type) {
    case 'cart.updated':
      return trigger.data.cartId;
    case 'checkout.started':
      return trigger.data.cartId ?? `checkout:${trigger.data.checkoutId}`;
    default:
      return undefined;
  }
}

/**
 * What one run of a journey is about, so "at most once per (journey, subject, step)" means what a
 * customer would expect: one reminder series per cart, one confirmation per order, one welcome per
 * customer, one browse mail per customer per day, one win-back per dormancy.
 *
 * A cart is its id, and after an order that ended an earlier cart under the same id also that
 * order's time (`cartId@placedAt`): a browser's cart id comes back for its next cart weeks later,
 * and that cart gets reminders of its own.
 */
export function subjectKeyOf(journey: JourneyId, trigger: CanonicalEvent, profile?: Profile): string {
  const who =
    trigger.identity.customerId ?? trigger.identity.email ?? trigger.identity.anonymousId ?? 'unknown';
  const cartId = cartIdOf(trigger);
  if (cartId !== undefined) {
    const after = cartBeganAfter(profile?.orders ?? {}, cartId, new Date(trigger.occurredAt).toISOString());
    return after === undefined ? cartId : `${cartId}@${after}`;
  }
  switch (trigger.type) {
    case 'order.placed':
      return trigger.data.orderId;
    case 'product.viewed':
      return `${who}:${trigger.occurredAt.slice(0, 10)}`;
    default:
      return journey === 'win-back' ? `${who}:${trigger.occurredAt.slice(0, 10)}` : who;
  }
}
