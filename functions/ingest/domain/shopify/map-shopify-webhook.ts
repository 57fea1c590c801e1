/**
 * One Shopify webhook (topic header + JSON body parsed by `parseShopifyJson`) to canonical events.
 * Shopify retries any webhook not answered with 2xx and eventually deletes the subscription, so a
 * webhook that is well-formed but not about anyone we can reach is `ignored`, never `invalid`.
 */
import type { z } from 'zod';
import {
  type Attributes,
  attributesSchema,
  type Identity,
  identitySchema,
  productSchema,
  type UnstampedEvent,
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
import { consentRecordsOf } from './shopify-consent.ts';
import {
  type ShopifyCheckout,
  type ShopifyCustomer,
  type ShopifyOrderRef,
  shopifyCheckoutSchema,
  shopifyCustomerSchema,
  shopifyOrderRefSchema,
  shopifyOrderSchema,
} from './shopify-payload-schema.ts';
import { normaliseShopifyTimestamp } from './shopify-timestamp.ts';

export const SHOPIFY_TOPICS = [
  'customers/create',
  'customers/update',
  'checkouts/create',
  'checkouts/update',
  'orders/create',
  'orders/fulfilled',
  'orders/cancelled',
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

type Envelope = Pick<UnstampedEvent, 'id' | 'occurredAt'>;
type Mapped = { event: UnstampedEvent } | { ignored: string } | undefined;

/** The canonical id rule (trimmed, 1 to 128 characters), shared by every id field. */
const canonicalId = productSchema.shape.productId;
/** The canonical free-text rule (at most 2048 characters). */
const canonicalText = productSchema.shape.name;

export function mapShopifyWebhook(input: ShopifyWebhook): MappingResult {
  const topic = input.topic.trim().toLowerCase();
  if (!isMappedTopic(topic)) return ignored(`Shopify topic "${input.topic}" has no canonical event`);
  if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) {
    return invalid(['(root): a Shopify webhook body must be a JSON object']);
  }
  const problems: string[] = [];
  const id = checkField(canonicalId, input.webhookId, 'webhookId (X-Shopify-Webhook-Id)', problems);
  const mapped = mapTopic(topic, input.payload, id ?? '', input.triggeredAt, problems);
  if (problems.length > 0 || mapped === undefined) return invalid(problems);
  if ('ignored' in mapped) return ignored(mapped.ignored);
  return mappedIfCanonical([mapped.event], 'shopify');
}

function isMappedTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

function mapTopic(
  topic: ShopifyTopic,
  payload: object,
  id: string,
  triggeredAt: string | undefined,
  problems: string[],
): Mapped {
  switch (topic) {
    case 'customers/create':
      return mapCustomer('customer.registered', payload, id, triggeredAt, problems);
    case 'customers/update':
      return mapCustomer('customer.updated', payload, id, triggeredAt, problems);
    case 'checkouts/create':
    case 'checkouts/update':
      return mapCheckout(payload, id, triggeredAt, problems);
    case 'orders/create':
      return mapOrderPlaced(payload, id, triggeredAt, problems);
    case 'orders/fulfilled':
    case 'orders/cancelled':
      return mapOrderChange(topic, payload, id, triggeredAt, problems);
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
  const consent = consentRecordsOf(
    [
      ['email', 'email_marketing_consent', customer.email_marketing_consent],
      // Canonical consent has an sms channel, and Shopify reports SMS consent the same way.
      ['sms', 'sms_marketing_consent', customer.sms_marketing_consent],
    ],
    updatedAt,
    problems,
  );
  const identity: Identity = { customerId: customer.id, ...(email && { email }) };
  return { event: { ...envelope, identity, type, version: 1, data: { attributes, consent } } };
}

/** checkouts/create and checkouts/update both carry the whole checkout as it now is. */
function mapCheckout(
  payload: object,
  id: string,
  triggeredAt: string | undefined,
  problems: string[],
): Mapped {
  const checkout = parse(shopifyCheckoutSchema, payload, problems);
  if (checkout === undefined) return undefined;
  const envelope = envelopeOf(id, triggeredAt, checkout, problems);
  const identity = buyerOf(checkout, checkout.token, problems);
  const cartId = optionalId(checkout.cart_token, 'cart_token', problems);
  // Checkout amounts are what the buyer was shown, so the buyer's (presentment) currency comes first.
  const currency = checkout.presentment_currency
    ? currencyOf(checkout.presentment_currency, 'presentment_currency', problems)
    : currencyOf(checkout.currency, 'currency', problems);
  if (currency === undefined) return undefined;
  const lines = linesOf(checkout.line_items, currency, problems);
  const total = moneyOf(checkout.total_price, currency, 'total_price', problems);
  if (envelope === undefined || lines === undefined || total === undefined) return undefined;
  if (identity === undefined) return { ignored: unattributed('checkout', checkout.token) };
  const data = { checkoutId: checkout.token, ...(cartId !== undefined && { cartId }), lines, total };
  return { event: { ...envelope, identity, type: 'checkout.started', version: 1, data } };
}

function mapOrderPlaced(
  payload: object,
  id: string,
  triggeredAt: string | undefined,
  problems: string[],
): Mapped {
  const order = parse(shopifyOrderSchema, payload, problems);
  if (order === undefined) return undefined;
  const envelope = envelopeOf(id, triggeredAt, order, problems);
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
  if (envelope === undefined || lines === undefined || total === undefined) return undefined;
  if (identity === undefined) return { ignored: unattributed('order', order.id) };
  const data = {
    orderId: order.id,
    ...(cartId !== undefined && { cartId }),
    ...(checkoutId !== undefined && { checkoutId }),
    lines,
    total,
    ...(discount !== undefined && { discount }),
  };
  return { event: { ...envelope, identity, type: 'order.placed', version: 1, data } };
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
  if (topic === 'orders/fulfilled') {
    return {
      event: { ...envelope, identity, type: 'order.fulfilled', version: 1, data: { orderId: order.id } },
    };
  }
  const data = { orderId: order.id, ...(reason !== undefined && { reason }) };
  return { event: { ...envelope, identity, type: 'order.cancelled', version: 1, data } };
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
