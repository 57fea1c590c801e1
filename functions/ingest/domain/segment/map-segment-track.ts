/**
 * Segment track calls to canonical events, after the e-commerce v2 spec (and `Signed Up` from
 * Segment's B2B/lifecycle spec). Event names are matched ignoring case, spaces, `_` and `-`, since
 * senders write "Order Completed", "order_completed" and "order completed" for the same event.
 */
import { productSchema, type UnstampedEvent } from '#events/schemas.ts';
import { checkField, describeIssues } from '../mapping-result.ts';
import { moneyOf } from '../source-money.ts';
import { currencyOf, lineOf, linesOf, productOf, totalOf } from './segment-commerce.ts';
import {
  type SegmentCommerceProperties,
  type SegmentMessage,
  segmentCommercePropertiesSchema,
} from './segment-message-schema.ts';
import { attributesOf } from './segment-profile.ts';

/** The parts every canonical event shares, already worked out from the message. */
export type Envelope = Pick<UnstampedEvent, 'id' | 'occurredAt' | 'identity'>;

type Track = {
  message: SegmentMessage;
  properties: SegmentCommerceProperties;
  envelope: Envelope;
  defaultCurrency: string;
};
type Mapped = UnstampedEvent | undefined;
type TrackMapper = (track: Track, problems: string[]) => Mapped;

/** The canonical id rule (trimmed, 1 to 128 characters), shared by every id field. */
const canonicalId = productSchema.shape.productId;
/** The canonical free-text rule (at most 2048 characters). */
const canonicalText = productSchema.shape.name;

const MAPPED_EVENTS = {
  'product viewed': productViewed,
  'product added': cartChange('added'),
  'product removed': cartChange('removed'),
  // Moving a wishlist item into the cart changes the cart as surely as Product Added does, and the
  // spec does not ask senders to also send Product Added, so ignoring it would leave the cart short.
  'wishlist product added to cart': cartChange('added'),
  'cart viewed': cartViewed,
  'checkout started': checkoutStarted,
  'order completed': orderCompleted,
  'order updated': orderUpdated,
  'order refunded': orderRefunded,
  'order cancelled': orderCancelled,
  'signed up': signedUp,
} satisfies Record<string, TrackMapper>;

/** The rest of e-commerce v2: known, but nothing downstream acts on them (yet). */
const UNMAPPED_ECOMMERCE_EVENTS = new Set([
  'products searched',
  'product list viewed',
  'product list filtered',
  'promotion viewed',
  'promotion clicked',
  'product clicked',
  'product shared',
  'product reviewed',
  'cart shared',
  'checkout step viewed',
  'checkout step completed',
  'payment info entered',
  'coupon entered',
  'coupon applied',
  'coupon denied',
  'coupon removed',
  'product added to wishlist',
  'product removed from wishlist',
]);

export type TrackOutcome =
  | { kind: 'event'; event: UnstampedEvent }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problems: string[] };

export function mapSegmentTrack(
  event: string,
  message: SegmentMessage,
  envelope: Envelope,
  defaultCurrency: string,
): TrackOutcome {
  const name = event
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  if (!isMappedEvent(name)) {
    return {
      kind: 'ignored',
      reason: UNMAPPED_ECOMMERCE_EVENTS.has(name)
        ? `Segment e-commerce event "${event}" has no canonical counterpart`
        : `track event "${event}" is not one that maps to a canonical event`,
    };
  }
  const parsed = segmentCommercePropertiesSchema.safeParse(message.properties ?? {});
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problems: describeIssues(parsed.error.issues, message.properties, 'properties'),
    };
  }
  const problems: string[] = [];
  const mapped = MAPPED_EVENTS[name](
    { message, properties: parsed.data, envelope, defaultCurrency },
    problems,
  );
  if (mapped === undefined || problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'event', event: mapped };
}

function isMappedEvent(name: string): name is keyof typeof MAPPED_EVENTS {
  return Object.hasOwn(MAPPED_EVENTS, name);
}

function productViewed({ properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const product = productOf(properties, 'properties', currency, problems);
  if (product === undefined) return undefined;
  return { ...envelope, type: 'product.viewed', version: 1, data: { product } };
}

function cartChange(action: 'added' | 'removed'): TrackMapper {
  return ({ message, properties, envelope, defaultCurrency }, problems) => {
    const cartId = cartIdOf(properties, message, problems);
    const currency = currencyOf(properties.currency, defaultCurrency, problems);
    if (currency === undefined) return undefined;
    const line = lineOf(properties, 'properties', currency, problems);
    if (cartId === undefined || line === undefined) return undefined;
    return { ...envelope, type: 'cart.updated', version: 1, data: { cartId, change: { action, line } } };
  };
}

function cartViewed({ message, properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  const cartId = cartIdOf(properties, message, problems);
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(properties.products, currency, problems);
  const total = totalOf([['value', properties.value]], lines, currency, problems);
  if (cartId === undefined || lines === undefined || total === undefined) return undefined;
  return { ...envelope, type: 'cart.updated', version: 1, data: { cartId, lines, total } };
}

function checkoutStarted({ properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  // The spec's Checkout Started has an order_id and no checkout id; Order Completed then names a
  // checkout_id of its own. The order id the checkout announces is what ties the two together.
  const checkoutId =
    properties.checkout_id != null
      ? checkField(canonicalId, properties.checkout_id, 'properties.checkout_id', problems)
      : properties.order_id != null
        ? checkField(canonicalId, properties.order_id, 'properties.order_id', problems)
        : envelope.id;
  const cartId = optionalId(properties.cart_id, 'properties.cart_id', problems);
  const orderId = optionalId(properties.order_id, 'properties.order_id', problems);
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(properties.products, currency, problems);
  // Segment defines Checkout Started's total as `value`; `revenue` and `total` are what senders also use.
  const totalFields = [
    ['value', properties.value],
    ['revenue', properties.revenue],
    ['total', properties.total],
  ] as const;
  const total = totalOf(totalFields, lines, currency, problems);
  if (checkoutId === undefined || lines === undefined || total === undefined) return undefined;
  const data = {
    checkoutId,
    ...(cartId !== undefined && { cartId }),
    ...(orderId !== undefined && { orderId }),
    lines,
    total,
  };
  return { ...envelope, type: 'checkout.started', version: 1, data };
}

function orderCompleted({ properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  const orderId = requiredId(properties.order_id, 'properties.order_id', 'Order Completed', problems);
  const checkoutId = optionalId(properties.checkout_id, 'properties.checkout_id', problems);
  const cartId = optionalId(properties.cart_id, 'properties.cart_id', problems);
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(properties.products, currency, problems);
  // `total` includes shipping and tax; `revenue`, the spec's other figure, excludes them.
  const totalFields = [
    ['total', properties.total],
    ['revenue', properties.revenue],
  ] as const;
  const total = totalOf(totalFields, lines, currency, problems);
  const discount =
    properties.discount == null
      ? undefined
      : moneyOf(properties.discount, currency, 'properties.discount', problems);
  if (orderId === undefined || lines === undefined || total === undefined) return undefined;
  const data = {
    orderId,
    ...(cartId !== undefined && { cartId }),
    ...(checkoutId !== undefined && { checkoutId }),
    lines,
    total,
    ...(discount !== undefined && { discount }),
  };
  return { ...envelope, type: 'order.placed', version: 1, data };
}

/** Order Updated: the order as it now is (its products and total), with the same fields as Order Completed. */
function orderUpdated({ properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  const orderId = requiredId(properties.order_id, 'properties.order_id', 'Order Updated', problems);
  const checkoutId = optionalId(properties.checkout_id, 'properties.checkout_id', problems);
  const cartId = optionalId(properties.cart_id, 'properties.cart_id', problems);
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const lines = properties.products == null ? undefined : linesOf(properties.products, currency, problems);
  const totalFields = [
    ['total', properties.total],
    ['revenue', properties.revenue],
  ] as const;
  const total =
    totalFields.some(([, value]) => value != null) || lines !== undefined
      ? totalOf(totalFields, lines, currency, problems)
      : undefined;
  if (orderId === undefined || problems.length > 0) return undefined;
  const data = {
    orderId,
    ...(cartId !== undefined && { cartId }),
    ...(checkoutId !== undefined && { checkoutId }),
    ...(lines !== undefined && { lines }),
    ...(total !== undefined && { total }),
  };
  return { ...envelope, type: 'order.updated', version: 1, data };
}

/**
 * Order Refunded: the amount returned is `total` (the spec's field), else `revenue` or `value`, else
 * Σ price × quantity of the refunded products. Segment has no refund id: the message id is the
 * refund's, so a retried message counts once.
 */
function orderRefunded({ properties, envelope, defaultCurrency }: Track, problems: string[]): Mapped {
  const orderId = requiredId(properties.order_id, 'properties.order_id', 'Order Refunded', problems);
  const currency = currencyOf(properties.currency, defaultCurrency, problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(properties.products, currency, problems);
  const amountFields = [
    ['total', properties.total],
    ['revenue', properties.revenue],
    ['value', properties.value],
  ] as const;
  const amount = totalOf(amountFields, lines, currency, problems);
  if (orderId === undefined || amount === undefined || problems.length > 0) return undefined;
  return {
    ...envelope,
    type: 'order.refunded',
    version: 1,
    data: { orderId, refundId: envelope.id, amount },
  };
}

function orderCancelled({ properties, envelope }: Track, problems: string[]): Mapped {
  const orderId = requiredId(properties.order_id, 'properties.order_id', 'Order Cancelled', problems);
  const reason = properties.reason?.trim()
    ? checkField(canonicalText, properties.reason.trim(), 'properties.reason', problems)
    : undefined;
  if (orderId === undefined) return undefined;
  return { ...envelope, type: 'order.cancelled', version: 1, data: { orderId, ...(reason && { reason }) } };
}

/** Signed Up carries the new account's fields as properties (first_name, last_name, phone…). */
function signedUp({ message, envelope }: Track, problems: string[]): Mapped {
  const attributes = attributesOf(message.properties, 'properties', message, problems);
  return { ...envelope, type: 'customer.registered', version: 1, data: { attributes, consent: [] } };
}

/**
 * Product Added / Removed need not name a cart. The cart then belongs to the browser that filled
 * it: the anonymousId, which survives sign-in, else the userId for server-side senders. The
 * `anon-cart:` prefix keeps such ids apart from the store's own cart ids.
 */
function cartIdOf(
  properties: SegmentCommerceProperties,
  message: SegmentMessage,
  problems: string[],
): string | undefined {
  if (properties.cart_id != null)
    return checkField(canonicalId, properties.cart_id, 'properties.cart_id', problems);
  return `anon-cart:${message.anonymousId || message.userId}`;
}

function requiredId(
  value: string | null | undefined,
  path: string,
  event: string,
  problems: string[],
): string | undefined {
  if (value == null) {
    problems.push(`${path}: required for ${event}`);
    return undefined;
  }
  return checkField(canonicalId, value, path, problems);
}

function optionalId(value: string | null | undefined, path: string, problems: string[]): string | undefined {
  return value == null ? undefined : checkField(canonicalId, value, path, problems);
}
