import type { Attributes, CanonicalEvent, CanonicalEventOf, Consent, Line } from '#events/schemas.ts';
import { assertUnreachable } from '#shared/errors.ts';
import { ownValue, setOwn } from '#shared/own-keys.ts';
import { applyCartLineChange, applyCartSnapshot, withOrderStatus } from './cart.ts';
import { fitProfile, storedText } from './fit-profile.ts';
import { normalizeEmail } from './identity.ts';
import {
  firstAndLastOrderAt,
  isArchived,
  mergeOrderRecords,
  orderRecordOf,
  summarizeOrders,
} from './orders.ts';
import {
  type AttributeName,
  type OrderLine,
  type OrderRecord,
  PROFILE_LIMITS,
  type ProductView,
  type Profile,
} from './profile.ts';
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
      const { checkoutId, cartId, orderId, recoveryUrl, lines, total } = event.data;
      profile.cart = applyCartSnapshot(profile.cart, {
        cartId: cartId ?? `checkout:${checkoutId}`,
        checkoutId,
        ...(orderId !== undefined && { checkoutOrderId: orderId }),
        ...(recoveryUrl !== undefined && { recoveryUrl }),
        lines,
        total,
        at,
        eventId: event.id,
        stage: 'checkout',
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
      updateOrder(profile, event.data.orderId, { fulfilledAt: at });
      profile.lifecycle.lastFulfilledAt = latest(profile.lifecycle.lastFulfilledAt, at);
      break;
    case 'order.cancelled':
      updateOrder(profile, event.data.orderId, { cancelledAt: at });
      break;
    case 'order.updated':
      recordOrderUpdated(profile, event, at);
      break;
    case 'order.refunded': {
      const { orderId, refundId, amount } = event.data;
      const refunds: Record<string, typeof amount> = {};
      setOwn(refunds, refundId, amount);
      updateOrder(profile, orderId, { refunds });
      break;
    }
    default:
      assertUnreachable(event);
  }
  return { profile: withDerivedFields(profile), outcome: 'applied' };
}

/**
 * Recomputes what follows from the facts — order summary, order lifecycle, whether the cart was
 * ordered — after bounding the profile so it stays far below DynamoDB's item limit.
 */
export function withDerivedFields(profile: Profile): Profile {
  fitProfile(profile);
  profile.orderSummary = summarizeOrders(profile.orders, profile.archivedOrders);
  const { first, last } = firstAndLastOrderAt(profile.orders, profile.archivedOrders);
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
    profile.anonymousIds = [...profile.anonymousIds, anonymousId].slice(-PROFILE_LIMITS.anonymousIds);
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
    profile.cart = applyCartLineChange(profile.cart, {
      cartId: data.cartId,
      ...data.change,
      at,
      eventId: event.id,
    });
    if (data.change.action === 'added')
      addAffinity(profile, data.change.line.category, AFFINITY_WEIGHTS.addedToCart);
  } else {
    profile.cart = applyCartSnapshot(profile.cart, {
      cartId: data.cartId,
      lines: data.lines,
      total: data.total,
      at,
      eventId: event.id,
      stage: 'cart',
    });
  }
  profile.lifecycle.lastCartActivityAt = latest(profile.lifecycle.lastCartActivityAt, at);
}

function recordOrderPlaced(profile: Profile, event: CanonicalEventOf<'order.placed'>, at: string): void {
  const { orderId, cartId, checkoutId, lines, total, discount, cancelledAt } = event.data;
  if (isArchived(profile.archivedOrders, orderId)) return;
  const known = orderRecordOf(profile.orders, orderId);
  // Affinity counts an order once, even if the event comes back after leaving the de-duplication window.
  if (known.placedAt === undefined) addOrderAffinity(profile, lines);
  updateOrder(profile, orderId, {
    placedAt: at,
    updatedAt: at,
    total,
    ...(discount && { discount }),
    ...(cartId && { cartId }),
    ...(checkoutId && { checkoutId }),
    ...(cancelledAt && { cancelledAt: toUtc(cancelledAt) }),
    lines: lines.map(orderLineOf),
  });
}

/** An edited, paid or cancelled order: its content replaces older versions, its facts accumulate. */
function recordOrderUpdated(profile: Profile, event: CanonicalEventOf<'order.updated'>, at: string): void {
  const { orderId, placedAt, cartId, checkoutId, lines, total, cancelledAt } = event.data;
  const known = orderRecordOf(profile.orders, orderId);
  if (known.placedAt === undefined && placedAt !== undefined && lines !== undefined)
    addOrderAffinity(profile, lines);
  updateOrder(profile, orderId, {
    updatedAt: at,
    ...(placedAt && { placedAt: toUtc(placedAt) }),
    ...(cartId && { cartId }),
    ...(checkoutId && { checkoutId }),
    ...(total && { total }),
    ...(lines && { lines: lines.map(orderLineOf) }),
    ...(cancelledAt && { cancelledAt: toUtc(cancelledAt) }),
  });
}

/** Merges a change into one order; an order already folded into the archive is left as counted there. */
function updateOrder(profile: Profile, orderId: string, change: OrderRecord): void {
  if (isArchived(profile.archivedOrders, orderId)) return;
  setOwn(profile.orders, orderId, mergeOrderRecords(orderRecordOf(profile.orders, orderId), change));
}

function orderLineOf(line: Line): OrderLine {
  const { productId, variantId, sku, name, quantity, price, category } = line;
  return {
    ...(productId !== undefined && { productId }),
    ...(variantId !== undefined && { variantId }),
    ...(sku !== undefined && { sku: storedText(sku) }),
    ...(name !== undefined && { name: storedText(name) }),
    quantity,
    ...(price !== undefined && { price }),
    ...(category !== undefined && { category: storedText(category) }),
  };
}

function addOrderAffinity(profile: Profile, lines: Line[]): void {
  for (const line of lines) addAffinity(profile, line.category, AFFINITY_WEIGHTS.ordered);
}

function addAffinity(profile: Profile, category: string | undefined, weight: number): void {
  if (category === undefined) return;
  const key = storedText(category);
  setOwn(profile.categoryAffinity, key, (ownValue(profile.categoryAffinity, key) ?? 0) + weight);
}
