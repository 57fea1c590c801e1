/**
 * A run's subject from the journey's `subject`: `cart` (the cart a cart or checkout event is about,
 * anew after an order), `customer`, `customer-day`, or a path into the trigger such as
 * `data.orderId`. "At most once per (journey, subject, step)" then means what a customer expects.
 */
import type { CanonicalEvent } from '#events/schemas.ts';
import { resolvePath } from '#journeys/definition/conditions.ts';
import { cartBeganAfter } from '#profiles/domain/cart.ts';
import type { Profile } from '#profiles/domain/profile.ts';

export function subjectOf(spec: string, trigger: CanonicalEvent, profile: Profile | undefined): string {
  const who =
    trigger.identity.customerId ?? trigger.identity.email ?? trigger.identity.anonymousId ?? 'unknown';
  switch (spec) {
    case 'customer':
      return who;
    case 'customer-day':
      return `${who}:${trigger.occurredAt.slice(0, 10)}`;
    case 'cart': {
      const cartId = cartIdOf(trigger) ?? who;
      const after = cartBeganAfter(profile?.orders ?? {}, cartId, new Date(trigger.occurredAt).toISOString());
      return after === undefined ? cartId : `${cartId}@${after}`;
    }
    default: {
      const [value] = resolvePath(spec, { now: new Date(0), event: trigger });
      return typeof value === 'string' || typeof value === 'number' ? String(value) : who;
    }
  }
}

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
