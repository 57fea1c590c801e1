import type { Attributes, CanonicalEvent, CanonicalEventOf, Consent, Line } from '#events/schemas.ts';
import { assertUnreachable } from '#shared/errors.ts';
import { applyCartLineChange, applyCartSnapshot, withOrderStatus } from './cart.ts';
import { normalizeEmail } from './identity.ts';
import { firstAndLastOrderAt, mergeOrderRecords, summarizeOrders } from './orders.ts';
import { type AttributeName, PROFILE_LIMITS, type ProductView, type Profile } from './profile.ts';
import { earliest, isAfter, latest, toUtc } from './time.ts';

export type ApplyOutcome = 'applied' | 'duplicate';

/** How much each kind of interest adds to a category's affinity score. */
export const AFFINITY_WEIGHTS = { viewed: 1, addedToCart: 2, ordered: 3 } as const;

/**
 * Applies one canonical event to a profile. Pure and safe under at-least-once delivery: a repeated
 * event id is a no-op, and every rule is written so that an older event arriving late cannot
 * overwrite newer state (last-writer-wins by event time, orders keyed by order id).
 */
export function applyEvent(
  current: Profile,
  event: CanonicalEvent,
): { profile: Profile; outcome: ApplyOutcome } {
  if (current.appliedEventIds.includes(event.id)) return { profile: current, outcome: 'duplicate' };
  const profile = structuredClone(current);
  const at = toUtc(event.occurredAt);
  recordIdentity(profile, event, at);
  profile.firstSeenAt = earliest(profile.firstSeenAt, at);
  profile.lastSeenAt = latest(profile.lastSeenAt, at);
  profile.appliedEventIds = [...profile.appliedEventIds, event.id].slice(-PROFILE_LIMITS.appliedEventIds);

  switch (event.type) {
    case 'customer.registered':
      profile.lifecycle.registeredAt = earliest(profile.lifecycle.registeredAt, at);
      recordAttributes(profile, event.data.attributes, at);
      recordConsent(profile, event.data.consent);
      break;
    case 'customer.updated':
      recordAttributes(profile, event.data.attributes, at);
      recordConsent(profile, event.data.consent);
      break;
    case 'product.viewed':
      recordView(profile, event, at);
      break;
    case 'cart.updated':
      recordCartUpdate(profile, event, at);
      break;
    case 'checkout.started': {
      const { checkoutId, cartId, lines, total } = event.data;
      profile.cart = applyCartSnapshot(profile.cart, {
        cartId: cartId ?? `checkout:${checkoutId}`,
        checkoutId,
        lines,
        total,
        at,
      });
      if (profile.cart?.checkoutId === checkoutId)
        profile.cart.checkoutStartedAt = latest(profile.cart.checkoutStartedAt, at);
      profile.lifecycle.checkoutStartedAt = latest(profile.lifecycle.checkoutStartedAt, at);
      profile.lifecycle.lastCartActivityAt = latest(profile.lifecycle.lastCartActivityAt, at);
      break;
    }
    case 'order.placed':
      recordOrderPlaced(profile, event, at);
      break;
    case 'order.fulfilled':
      profile.orders[event.data.orderId] = mergeOrderRecords(profile.orders[event.data.orderId] ?? {}, {
        fulfilledAt: at,
      });
      profile.lifecycle.lastFulfilledAt = latest(profile.lifecycle.lastFulfilledAt, at);
      break;
    case 'order.cancelled':
      profile.orders[event.data.orderId] = mergeOrderRecords(profile.orders[event.data.orderId] ?? {}, {
        cancelledAt: at,
      });
      break;
    default:
      assertUnreachable(event);
  }
  return { profile: withDerivedFields(profile), outcome: 'applied' };
}

/** Recomputes what follows from the facts: order summary, order lifecycle, whether the cart was ordered. */
export function withDerivedFields(profile: Profile): Profile {
  profile.orderSummary = summarizeOrders(profile.orders);
  const { first, last } = firstAndLastOrderAt(profile.orders);
  profile.lifecycle.firstOrderAt = first;
  profile.lifecycle.lastOrderAt = last;
  if (first === undefined) delete profile.lifecycle.firstOrderAt;
  if (last === undefined) delete profile.lifecycle.lastOrderAt;
  const cart = withOrderStatus(profile.cart, profile.orders);
  if (cart !== undefined) profile.cart = cart;
  return profile;
}

function recordIdentity(profile: Profile, event: CanonicalEvent, at: string): void {
  const { customerId, anonymousId, email } = event.identity;
  if (customerId !== undefined && profile.key === `customer:${customerId}`) profile.customerId = customerId;
  if (email !== undefined && isAfter(at, profile.emailUpdatedAt)) {
    profile.email = normalizeEmail(email);
    profile.emailUpdatedAt = at;
  }
  if (anonymousId !== undefined && !profile.anonymousIds.includes(anonymousId)) {
    profile.anonymousIds = [...profile.anonymousIds, anonymousId];
  }
}

function recordAttributes(profile: Profile, attributes: Attributes, at: string): void {
  for (const [name, value] of Object.entries(attributes) as [AttributeName, string | undefined][]) {
    if (value === undefined || !isAfter(at, profile.attributesUpdatedAt[name])) continue;
    profile.attributes[name] = value;
    profile.attributesUpdatedAt[name] = at;
  }
}

function recordConsent(profile: Profile, consents: Consent[]): void {
  for (const consent of consents) {
    const recordedAt = toUtc(consent.recordedAt);
    const known = profile.consent[consent.channel];
    if (known !== undefined && !isAfter(recordedAt, known.recordedAt)) continue;
    profile.consent[consent.channel] = { status: consent.status, source: consent.source, recordedAt };
  }
}

function recordView(profile: Profile, event: CanonicalEventOf<'product.viewed'>, at: string): void {
  const { product } = event.data;
  const view: ProductView = { ...product, viewedAt: at };
  const previous = profile.recentViews.find((seen) => seen.productId === product.productId);
  if (previous === undefined || isAfter(at, previous.viewedAt)) {
    profile.recentViews = [
      view,
      ...profile.recentViews.filter((seen) => seen.productId !== product.productId),
    ]
      .sort((a, b) => (a.viewedAt < b.viewedAt ? 1 : -1))
      .slice(0, PROFILE_LIMITS.recentViews);
  }
  addAffinity(profile, product.category, AFFINITY_WEIGHTS.viewed);
  profile.lifecycle.lastViewedAt = latest(profile.lifecycle.lastViewedAt, at);
}

function recordCartUpdate(profile: Profile, event: CanonicalEventOf<'cart.updated'>, at: string): void {
  const { data } = event;
  if ('change' in data) {
    profile.cart = applyCartLineChange(profile.cart, { cartId: data.cartId, ...data.change, at });
    if (data.change.action === 'added')
      addAffinity(profile, data.change.line.category, AFFINITY_WEIGHTS.addedToCart);
  } else {
    profile.cart = applyCartSnapshot(profile.cart, {
      cartId: data.cartId,
      lines: data.lines,
      total: data.total,
      at,
    });
  }
  profile.lifecycle.lastCartActivityAt = latest(profile.lifecycle.lastCartActivityAt, at);
}

function recordOrderPlaced(profile: Profile, event: CanonicalEventOf<'order.placed'>, at: string): void {
  const { orderId, cartId, checkoutId, lines, total, discount } = event.data;
  const known = profile.orders[orderId] ?? {};
  // Affinity counts an order once, even if the event comes back after leaving the de-duplication window.
  if (known.placedAt === undefined) addOrderAffinity(profile, lines);
  profile.orders[orderId] = mergeOrderRecords(known, {
    placedAt: at,
    total,
    ...(discount && { discount }),
    ...(cartId && { cartId }),
    ...(checkoutId && { checkoutId }),
    lines: lines.map(({ productId, quantity, category }) => ({
      productId,
      quantity,
      ...(category && { category }),
    })),
  });
}

function addOrderAffinity(profile: Profile, lines: Line[]): void {
  for (const line of lines) addAffinity(profile, line.category, AFFINITY_WEIGHTS.ordered);
}

function addAffinity(profile: Profile, category: string | undefined, weight: number): void {
  if (category === undefined) return;
  profile.categoryAffinity[category] = (profile.categoryAffinity[category] ?? 0) + weight;
}
