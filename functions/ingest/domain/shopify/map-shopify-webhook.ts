/**
 * One Shopify webhook (topic header + JSON body parsed by `parseShopifyJson`) to canonical events.
 * Shopify retries any webhook not answered with 2xx and eventually deletes the subscription, so a
 * webhook that is well-formed but not about anyone we can reach is `ignored`, never `invalid`.
 */
import type * as z from 'zod';
import { addAmounts } from '#events/money.ts';
import {
  type Attributes,
  attributesSchema,
  type Consent,
  type Identity,
  identitySchema,
  productSchema,
  type UnstampedEvent,
  webUrlSchema,
} from '#events/schemas.ts';
import {
  checkField,
  describeIssues,
  ignored,
  invalid,
  type MappingResult,
  mappedIfCanonical,
} from '../mapping-result.ts';
import { moneyOf } from '../source-money.ts';
import { currencyOf, linesOf } from './shopify-commerce.ts';
import { buyerConsentOf, customerConsentOf } from './shopify-consent.ts';
import {
  type ShopifyCheckout,
  type ShopifyCustomer,
  type ShopifyOrder,
  type ShopifyOrderRef,
  shopifyCheckoutSchema,
  shopifyCustomerSchema,
  shopifyOrderRefSchema,
  shopifyOrderSchema,
  shopifyRefundSchema,
} from './shopify-payload-schema.ts';
import { normaliseShopifyTimestamp } from './shopify-timestamp.ts';

export const SHOPIFY_TOPICS = [
  'customers/create',
  'customers/update',
  'checkouts/create',
  'checkouts/update',
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/cancelled',
  'refunds/create',
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export type ShopifyWebhook = {
  /** X-Shopify-Topic, e.g. "orders/create". */
  topic: string;
  /** X-Shopify-Webhook-Id: the same on every retry of one delivery, so it is the de-duplication key. */
  webhookId: string;
  /** X-Shopify-Triggered-At: when the change happened, before any retry delay. */
  triggeredAt?: string;
  payload: unknown;
};

/** What the store decides about its Shopify data. */
export interface ShopifyStoreOptions {
  /** Test orders (bogus gateway, development store) count like real ones; off by default. */
  acceptTestOrders: boolean;
  /** For the rare payload that names no currency (a refund without transactions' currency). */
  defaultCurrency: string;
}

type Envelope = Pick<UnstampedEvent, 'id' | 'occurredAt'>;
type Mapped = { events: UnstampedEvent[] } | { ignored: string } | undefined;
type Context = {
  id: string;
  triggeredAt: string | undefined;
  options: ShopifyStoreOptions;
  problems: string[];
};

/** The canonical id rule (trimmed, 1 to 128 characters), shared by every id field. */
const canonicalId = productSchema.shape.productId;
/** The canonical free-text rule (at most 2048 characters). */
const canonicalText = productSchema.shape.name;

export function mapShopifyWebhook(
  input: ShopifyWebhook,
  options: ShopifyStoreOptions = { acceptTestOrders: false, defaultCurrency: 'USD' },
): MappingResult {
  const topic = input.topic.trim().toLowerCase();
  if (!isMappedTopic(topic)) return ignored(`Shopify topic "${input.topic}" has no canonical event`);
  if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) {
    return invalid(['(root): a Shopify webhook body must be a JSON object']);
  }
  const mismatch = topicMismatch(topic, input.payload as Record<string, unknown>);
  if (mismatch !== undefined) {
    return invalid([`X-Shopify-Topic: ${topic} does not match the body (${mismatch})`]);
  }
  const problems: string[] = [];
  const id = checkField(canonicalId, input.webhookId, 'webhookId (X-Shopify-Webhook-Id)', problems);
  const context: Context = { id: id ?? '', triggeredAt: input.triggeredAt, options, problems };
  const mapped = mapTopic(topic, input.payload, context);
  if (problems.length > 0 || mapped === undefined) return invalid(problems);
  if ('ignored' in mapped) return ignored(mapped.ignored);
  return mappedIfCanonical(mapped.events, 'shopify');
}

/**
 * The HMAC covers the body, not the X-Shopify-Topic header: a signed body sent again under another
 * topic must not change what it means (an order replayed as `orders/cancelled`, a refund as an order).
 * Checks the body is the topic's kind of resource; Shopify's own test notifications pass.
 */
function topicMismatch(topic: ShopifyTopic, body: Record<string, unknown>): string | undefined {
  const has = (field: string) => body[field] !== undefined && body[field] !== null;
  const isOrder = has('line_items') && has('order_number');
  switch (topic) {
    case 'customers/create':
    case 'customers/update':
      return has('line_items') || has('order_id')
        ? 'an order, checkout or refund, not a customer'
        : undefined;
    case 'checkouts/create':
    case 'checkouts/update':
      // What a checkout lacks (its token, its total) the schema names; an order or refund is refused here.
      return has('order_number') || has('order_id') ? 'an order or refund, not a checkout' : undefined;
    case 'orders/create':
    case 'orders/updated':
    case 'orders/paid':
    case 'orders/fulfilled':
      return isOrder ? undefined : 'not an order';
    case 'orders/cancelled':
      if (!isOrder) return 'not an order';
      return has('cancelled_at') ? undefined : 'the order has no cancelled_at';
    case 'refunds/create':
      return has('order_id') && has('refund_line_items') ? undefined : 'not a refund';
    default:
      return assertNever(topic);
  }
}

function isMappedTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

function mapTopic(topic: ShopifyTopic, payload: object, context: Context): Mapped {
  const { id, triggeredAt, problems } = context;
  switch (topic) {
    case 'customers/create':
      return mapCustomer('customer.registered', payload, id, triggeredAt, problems);
    case 'customers/update':
      return mapCustomer('customer.updated', payload, id, triggeredAt, problems);
    case 'checkouts/create':
    case 'checkouts/update':
      return mapCheckout(payload, context);
    case 'orders/create':
      return mapOrderPlaced(payload, context);
    case 'orders/updated':
    case 'orders/paid':
      return mapOrderUpdated(payload, context);
    case 'orders/fulfilled':
    case 'orders/cancelled':
      return mapOrderChange(topic, payload, id, triggeredAt, problems);
    case 'refunds/create':
      return mapRefund(payload, context);
    default:
      return assertNever(topic);
  }
}

function mapCustomer(
  type: 'customer.registered' | 'customer.updated',
  payload: object,
  id: string,
  triggeredAt: string | undefined,
  problems: string[],
): Mapped {
  const customer = parse(shopifyCustomerSchema, payload, problems);
  if (customer === undefined) return undefined;
  const envelope = envelopeOf(id, triggeredAt, customer, problems);
  const email = emailOf([['email', customer.email]], problems);
  const attributes = attributesOf(customer, problems);
  const updatedAt = customer.updated_at
    ? normaliseShopifyTimestamp(customer.updated_at, 'updated_at', problems)
    : envelope?.occurredAt;
  if (envelope === undefined || updatedAt === undefined) return undefined;
  const consent = customerConsentOf(customer, '', updatedAt, problems);
  const identity: Identity = { customerId: customer.id, ...(email && { email }) };
  return { events: [{ ...envelope, identity, type, version: 1, data: { attributes, consent } }] };
}

/**
 * checkouts/create and checkouts/update both carry the whole checkout as it now is. A completed
 * checkout is left to its order, which carries everything and closes the cart.
 */
function mapCheckout(payload: object, context: Context): Mapped {
  const { id, triggeredAt, problems } = context;
  const checkout = parse(shopifyCheckoutSchema, payload, problems);
  if (checkout === undefined) return undefined;
  if (checkout.completed_at)
    return { ignored: `Shopify checkout ${checkout.token} is completed; its order follows` };
  const envelope = envelopeOf(id, triggeredAt, checkout, problems);
  const identity = buyerOf(checkout, checkout.token, problems);
  const cartId = optionalId(checkout.cart_token, 'cart_token', problems);
  const recoveryUrl = checkout.abandoned_checkout_url
    ? checkField(webUrlSchema, checkout.abandoned_checkout_url, 'abandoned_checkout_url', problems)
    : undefined;
  // Checkout amounts are what the buyer was shown, so the buyer's (presentment) currency comes first.
  const currency = checkout.presentment_currency
    ? currencyOf(checkout.presentment_currency, 'presentment_currency', problems)
    : currencyOf(checkout.currency, 'currency', problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(checkout.line_items, currency, problems);
  const total = moneyOf(checkout.total_price, currency, 'total_price', problems);
  if (envelope === undefined || lines === undefined || total === undefined) return undefined;
  if (identity === undefined) return { ignored: unattributed('checkout', checkout.token) };
  const data = {
    checkoutId: checkout.token,
    ...(cartId !== undefined && { cartId }),
    ...(recoveryUrl !== undefined && { recoveryUrl }),
    lines,
    total,
  };
  const consent = buyerConsentOf(checkout, envelope.occurredAt, problems);
  return {
    events: [
      { ...envelope, identity, type: 'checkout.started', version: 1, data },
      ...consentEvent(envelope, identity, consent),
    ],
  };
}

/** Test orders count only where the store says so; real stores never want them in revenue or mail. */
function testOrderIgnored(order: { id: string; test?: boolean | null | undefined }, context: Context) {
  return order.test === true && !context.options.acceptTestOrders
    ? { ignored: `Shopify order ${order.id} is a test order; this store does not accept test orders` }
    : undefined;
}

/** Cancelled, or its payment voided: a real order that is no revenue and starts no mail. */
function cancelledAtOf(order: ShopifyOrder, problems: string[]): string | undefined {
  if (order.cancelled_at) return normaliseShopifyTimestamp(order.cancelled_at, 'cancelled_at', problems);
  if (order.financial_status?.toLowerCase() !== 'voided') return undefined;
  const [path, text] = order.updated_at ? ['updated_at', order.updated_at] : ['created_at', order.created_at];
  return text ? normaliseShopifyTimestamp(text, path, problems) : undefined;
}

/** When the order was placed: `processed_at` (kept by imported orders), else `created_at`. */
function placedAtOf(order: ShopifyOrder, problems: string[]): string | undefined {
  const [path, text] = order.processed_at
    ? ['processed_at', order.processed_at]
    : ['created_at', order.created_at];
  return text ? normaliseShopifyTimestamp(text, path, problems) : undefined;
}

interface OrderContent {
  identity: Identity;
  cartId?: string;
  checkoutId?: string;
  lines: NonNullable<ReturnType<typeof linesOf>>;
  total: NonNullable<ReturnType<typeof moneyOf>>;
  discount?: NonNullable<ReturnType<typeof moneyOf>>;
  cancelledAt?: string;
  placedAt?: string;
}

function orderContentOf(
  order: ShopifyOrder,
  problems: string[],
): OrderContent | { ignored: string } | undefined {
  const identity = buyerOf(order, order.checkout_token, problems);
  const cartId = optionalId(order.cart_token, 'cart_token', problems);
  const checkoutId = optionalId(order.checkout_token, 'checkout_token', problems);
  // An order's totals are in the shop's currency (`currency`); `*_set` fields hold the buyer's.
  const currency = currencyOf(order.currency, 'currency', problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(order.line_items, currency, problems);
  const total = moneyOf(order.total_price, currency, 'total_price', problems);
  const discount =
    order.total_discounts == null
      ? undefined
      : moneyOf(order.total_discounts, currency, 'total_discounts', problems);
  const cancelledAt = cancelledAtOf(order, problems);
  const placedAt = placedAtOf(order, problems);
  if (lines === undefined || total === undefined) return undefined;
  if (identity === undefined) return { ignored: unattributed('order', order.id) };
  return {
    identity: { ...identity, orderId: order.id },
    ...(cartId !== undefined && { cartId }),
    ...(checkoutId !== undefined && { checkoutId }),
    lines,
    total,
    ...(discount !== undefined && { discount }),
    ...(cancelledAt !== undefined && { cancelledAt }),
    ...(placedAt !== undefined && { placedAt }),
  };
}

/** orders/create: the order's time is when Shopify placed it, not when the webhook was delivered. */
function mapOrderPlaced(payload: object, context: Context): Mapped {
  const { id, problems } = context;
  const order = parse(shopifyOrderSchema, payload, problems);
  if (order === undefined) return undefined;
  const test = testOrderIgnored(order, context);
  if (test !== undefined) return test;
  const content = orderContentOf(order, problems);
  if (content === undefined || 'ignored' in content) return content;
  const occurredAt = content.placedAt ?? envelopeOf(id, context.triggeredAt, order, problems)?.occurredAt;
  if (occurredAt === undefined) return undefined;
  const { identity, placedAt: _placedAt, ...data } = content;
  const envelope = { id, occurredAt };
  const consent = buyerConsentOf(order, occurredAt, problems);
  return {
    events: [
      { ...envelope, identity, type: 'order.placed', version: 1, data: { orderId: order.id, ...data } },
      ...consentEvent(envelope, identity, consent),
    ],
  };
}

/** orders/updated and orders/paid: the order as it now is (edited, paid, voided, cancelled). */
function mapOrderUpdated(payload: object, context: Context): Mapped {
  const { id, triggeredAt, problems } = context;
  const order = parse(shopifyOrderSchema, payload, problems);
  if (order === undefined) return undefined;
  const test = testOrderIgnored(order, context);
  if (test !== undefined) return test;
  const content = orderContentOf(order, problems);
  // The change's own time: updated_at, else the delivery's trigger time.
  const envelope = order.updated_at
    ? envelopeOf(id, undefined, order, problems)
    : envelopeOf(id, triggeredAt, order, problems);
  if (content === undefined || envelope === undefined) return undefined;
  if ('ignored' in content) return content;
  const { identity, discount: _discount, ...data } = content;
  return {
    events: [
      { ...envelope, identity, type: 'order.updated', version: 1, data: { orderId: order.id, ...data } },
    ],
  };
}

/**
 * refunds/create names only its order: the order id is the identity that leads to the buyer. The
 * amount is what went back to the buyer: the successful refund transactions.
 */
function mapRefund(payload: object, context: Context): Mapped {
  const { id, problems } = context;
  const refund = parse(shopifyRefundSchema, payload, problems);
  if (refund === undefined) return undefined;
  const [path, text] = refund.processed_at
    ? ['processed_at', refund.processed_at]
    : refund.created_at
      ? ['created_at', refund.created_at]
      : ['triggeredAt (X-Shopify-Triggered-At)', context.triggeredAt];
  if (!text) {
    problems.push('created_at: required when there is no X-Shopify-Triggered-At');
    return undefined;
  }
  const occurredAt = normaliseShopifyTimestamp(text, path, problems);
  const refunded = (refund.transactions ?? []).filter(
    (transaction) =>
      transaction.kind?.toLowerCase() === 'refund' &&
      (transaction.status ?? 'success').toLowerCase() === 'success',
  );
  const currencyText =
    refunded.find((transaction) => transaction.currency)?.currency ??
    refund.refund_line_items?.find((line) => line.subtotal_set?.shop_money?.currency_code)?.subtotal_set
      ?.shop_money?.currency_code ??
    context.options.defaultCurrency;
  const currency = currencyOf(currencyText, 'transactions[].currency', problems);
  if (currency === undefined || occurredAt === undefined) return undefined;
  let amount = '0';
  for (const [index, transaction] of refunded.entries()) {
    const money = moneyOf(transaction.amount, currency, `transactions[${index}].amount`, problems);
    if (money !== undefined) amount = addAmounts(amount, money.amount, currency);
  }
  if (problems.length > 0) return undefined;
  const data = { orderId: refund.order_id, refundId: refund.id, amount: { amount, currency } };
  return {
    events: [
      { id, occurredAt, identity: { orderId: refund.order_id }, type: 'order.refunded', version: 1, data },
    ],
  };
}

function mapOrderChange(
  topic: 'orders/fulfilled' | 'orders/cancelled',
  payload: object,
  id: string,
  triggeredAt: string | undefined,
  problems: string[],
): Mapped {
  const order = parse(shopifyOrderRefSchema, payload, problems);
  if (order === undefined) return undefined;
  const envelope = envelopeOf(id, triggeredAt, order, problems);
  const identity = buyerOf(order, order.checkout_token, problems);
  const reason = order.cancel_reason
    ? checkField(canonicalText, order.cancel_reason, 'cancel_reason', problems)
    : undefined;
  if (envelope === undefined) return undefined;
  if (identity === undefined) return { ignored: unattributed('order', order.id) };
  const who: Identity = { ...identity, orderId: order.id };
  if (topic === 'orders/fulfilled') {
    return {
      events: [
        { ...envelope, identity: who, type: 'order.fulfilled', version: 1, data: { orderId: order.id } },
      ],
    };
  }
  const data = { orderId: order.id, ...(reason !== undefined && { reason }) };
  return { events: [{ ...envelope, identity: who, type: 'order.cancelled', version: 1, data }] };
}

/**
 * Consent found on an order or checkout travels as its own `customer.updated` (id: the webhook's,
 * suffixed), so the profile records it with its source and time like any other consent.
 */
function consentEvent(envelope: Envelope, identity: Identity, consent: Consent[]): UnstampedEvent[] {
  if (consent.length === 0) return [];
  return [
    {
      id: `${envelope.id}#consent`,
      occurredAt: envelope.occurredAt,
      identity,
      type: 'customer.updated',
      version: 1,
      data: { attributes: {}, consent },
    },
  ];
}

/** id = the webhook id; occurredAt = triggeredAt ?? updated_at ?? created_at. */
function envelopeOf(
  id: string,
  triggeredAt: string | undefined,
  payload: { updated_at?: string | null; created_at?: string | null },
  problems: string[],
): Envelope | undefined {
  const [path, text] = triggeredAt
    ? ['triggeredAt (X-Shopify-Triggered-At)', triggeredAt]
    : payload.updated_at
      ? ['updated_at', payload.updated_at]
      : ['created_at', payload.created_at];
  if (!text) {
    problems.push('updated_at: required when there is no X-Shopify-Triggered-At (nor created_at)');
    return undefined;
  }
  const occurredAt = normaliseShopifyTimestamp(text, path, problems);
  return occurredAt === undefined ? undefined : { id, occurredAt };
}

/**
 * The buyer of a checkout or order: the customer id when there is a customer account, the email
 * for guests, and `shopify-checkout:<token>` whenever there is a checkout token. The token ties a
 * checkout that started anonymous, its later updates, and the order that completes it to one
 * profile, so an abandoned-checkout journey sees the order and stops.
 */
function buyerOf(
  payload: Pick<ShopifyCheckout | ShopifyOrderRef, 'email' | 'customer'>,
  checkoutToken: string | null | undefined,
  problems: string[],
): Identity | undefined {
  const customerId = payload.customer?.id ?? undefined;
  const email = emailOf(
    [
      ['email', payload.email],
      ['customer.email', payload.customer?.email],
    ],
    problems,
  );
  const anonymousId = checkoutToken ? `shopify-checkout:${checkoutToken}` : undefined;
  if (customerId === undefined && email === undefined && anonymousId === undefined) return undefined;
  return {
    ...(customerId !== undefined && { customerId }),
    ...(anonymousId !== undefined && { anonymousId }),
    ...(email !== undefined && { email }),
  };
}

/** A point-of-sale sale without a customer is a real order that no journey can follow up. */
function unattributed(what: string, id: string): string {
  return `Shopify ${what} ${id} has no customer, email or checkout token to attribute it to`;
}

function emailOf(
  candidates: ReadonlyArray<readonly [string, string | null | undefined]>,
  problems: string[],
) {
  const found = candidates.find(([, value]) => value != null && value.trim() !== '');
  return found && checkField(identitySchema.shape.email, found[1]?.trim(), found[0], problems);
}

/** first_name, last_name, phone and locale when present; an absent field is not a cleared one. */
function attributesOf(customer: ShopifyCustomer, problems: string[]): Attributes {
  const fields = [
    ['firstName', 'first_name', customer.first_name],
    ['lastName', 'last_name', customer.last_name],
    ['phone', 'phone', customer.phone],
    ['locale', 'locale', customer.locale],
  ] as const;
  const attributes: Attributes = {};
  for (const [key, path, value] of fields) {
    if (value == null || value.trim() === '') continue;
    const checked = checkField(attributesSchema.shape[key], value.trim(), path, problems);
    if (checked !== undefined) attributes[key] = checked;
  }
  return attributes;
}

function optionalId(value: string | null | undefined, path: string, problems: string[]): string | undefined {
  return value ? checkField(canonicalId, value, path, problems) : undefined;
}

function parse<T>(schema: z.ZodType<T>, payload: object, problems: string[]): T | undefined {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  problems.push(...describeIssues(parsed.error.issues, payload));
  return undefined;
}

function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
