/**
 * The canonical storefront event: the one contract between the edge adapters (own API, Segment,
 * Shopify) and everything downstream. Stored discriminants (`type`, `version`) are never renamed;
 * a breaking change to a payload adds a new version.
 */
import * as z from 'zod';
import { isCurrencyCode, toMinorUnits } from './money.ts';

export const EVENT_TYPES = [
  'customer.registered',
  'customer.updated',
  'product.viewed',
  'cart.updated',
  'checkout.started',
  'order.placed',
  'order.fulfilled',
  'order.cancelled',
  'order.updated',
  'order.refunded',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Cart ids an edge adapter made up for a cart the source did not name (Segment's Product Added
 * without `cart_id`). No order can name such a cart, so any later order of the customer closes it.
 */
export const ANONYMOUS_CART_PREFIX = 'anon-cart:';

/** The EventBridge `source` of every canonical event on the bus. */
export const EVENT_SOURCE = 'storefront-journeys.ingest';

const id = z.string().trim().min(1).max(128);
const text = z.string().max(2048);
/** Absolute http(s) only: a `javascript:` or `data:` link would run or render wherever it is shown. */
const url = z
  .url({
    protocol: z.regexes.httpProtocol,
    error: (issue) => (issue.code === 'invalid_format' ? 'must be an http(s) URL' : undefined),
  })
  .max(2048);
/** An absolute http(s) link, as every link the product stores or mails must be. */
export const webUrlSchema = url;
const timestamp = z.iso.datetime({ offset: true });
/** An ISO-8601 date and time with an offset, as every canonical timestamp. */
export const timestampSchema = timestamp;

export const currencySchema = z
  .string()
  .transform((value) => value.toUpperCase())
  .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code' });

export const moneySchema = z
  .object({
    amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "27.50"'),
    currency: currencySchema,
  })
  .superRefine((money, ctx) => {
    try {
      toMinorUnits(money.amount, money.currency);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['amount'] });
    }
  });
export type Money = z.infer<typeof moneySchema>;

export const productSchema = z.object({
  productId: id,
  sku: text.optional(),
  name: text.optional(),
  category: text.optional(),
  price: moneySchema.optional(),
  url: url.optional(),
  imageUrl: url.optional(),
});
export type Product = z.infer<typeof productSchema>;

/**
 * A line of a cart or order. Most lines are catalogue products; some are not (a custom item, shipping
 * protection, a gift card, a service) and have no productId, but still a name, sku or variant, a price
 * and a quantity, so an order's lines account for the whole order.
 */
export const lineSchema = productSchema
  .extend({
    productId: id.optional(),
    variantId: id.optional(),
    quantity: z.number().int().positive().max(100_000),
  })
  .refine((line) => line.productId !== undefined || line.name !== undefined || line.sku !== undefined, {
    message: 'a line needs a productId, a name or a sku',
  });
export type Line = z.infer<typeof lineSchema>;

export const consentSchema = z.object({
  channel: z.enum(['email', 'sms']),
  /** Marketing consent gates promotional mail; transactional mail never needs it. */
  purpose: z.enum(['marketing']).default('marketing'),
  status: z.enum(['granted', 'revoked']),
  /** Where the consent was given or withdrawn, e.g. "checkout-checkbox", "unsubscribe-link". */
  source: z.string().min(1).max(256),
  recordedAt: timestamp,
});
export type Consent = z.infer<typeof consentSchema>;

export const attributesSchema = z
  .object({
    firstName: z.string().max(256),
    lastName: z.string().max(256),
    locale: z.string().max(35),
    timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
    phone: z.string().max(64),
  })
  .partial();
export type Attributes = z.infer<typeof attributesSchema>;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const identitySchema = z
  .object({
    customerId: id.optional(),
    anonymousId: id.optional(),
    email: z.email().max(320).optional(),
    /**
     * The order an event is about, as identity: set on every order event so that one naming only
     * the order (a Shopify refund) reaches the buyer's profile through it.
     */
    orderId: id.optional(),
  })
  .refine(
    (who) =>
      who.customerId !== undefined ||
      who.anonymousId !== undefined ||
      who.email !== undefined ||
      who.orderId !== undefined,
    { message: 'needs at least one of customerId, anonymousId, email or orderId' },
  );
export type Identity = z.infer<typeof identitySchema>;

const envelope = {
  /** Stable across retries of the same fact: the de-duplication key. */
  id,
  occurredAt: timestamp,
  storeId: id,
  identity: identitySchema,
  /** Which edge adapter produced the event; set by ingest, never trusted from the client. */
  origin: z.enum(['api', 'segment', 'shopify']),
};

const lineTotals = { lines: z.array(lineSchema).max(500), total: moneySchema };

export const canonicalEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('customer.registered'),
    version: z.literal(1),
    data: z.object({
      attributes: attributesSchema.default({}),
      consent: z.array(consentSchema).max(10).default([]),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('customer.updated'),
    version: z.literal(1),
    data: z.object({
      attributes: attributesSchema.default({}),
      consent: z.array(consentSchema).max(10).default([]),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('product.viewed'),
    version: z.literal(1),
    data: z.object({ product: productSchema }),
  }),
  z.object({
    ...envelope,
    type: z.literal('cart.updated'),
    version: z.literal(1),
    data: z.union([
      /** The whole cart as it now is (our API, Segment `Cart Viewed`, Shopify checkouts). */
      z.object({ cartId: id, ...lineTotals }).strict(),
      /** One line changed (Segment `Product Added` / `Product Removed` carry only the product). */
      z
        .object({ cartId: id, change: z.object({ action: z.enum(['added', 'removed']), line: lineSchema }) })
        .strict(),
    ]),
  }),
  z.object({
    ...envelope,
    type: z.literal('checkout.started'),
    version: z.literal(1),
    data: z.object({
      checkoutId: id,
      cartId: id.optional(),
      /** The order id the checkout will complete as, when the source names it in advance (Segment). */
      orderId: id.optional(),
      /** The store's own link back into this checkout (Shopify's abandoned_checkout_url). */
      recoveryUrl: url.optional(),
      ...lineTotals,
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('order.placed'),
    version: z.literal(1),
    data: z.object({
      orderId: id,
      cartId: id.optional(),
      checkoutId: id.optional(),
      ...lineTotals,
      discount: moneySchema.optional(),
      /** Set when the order was already cancelled or its payment voided when it reached us. */
      cancelledAt: timestamp.optional(),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('order.fulfilled'),
    version: z.literal(1),
    data: z.object({ orderId: id }),
  }),
  z.object({
    ...envelope,
    type: z.literal('order.cancelled'),
    version: z.literal(1),
    data: z.object({ orderId: id, reason: text.optional() }),
  }),
  z.object({
    ...envelope,
    type: z.literal('order.updated'),
    version: z.literal(1),
    /** The order as it now is (edited lines and total, paid, cancelled); `occurredAt` is when it changed. */
    data: z.object({
      orderId: id,
      placedAt: timestamp.optional(),
      cartId: id.optional(),
      checkoutId: id.optional(),
      lines: lineTotals.lines.optional(),
      total: moneySchema.optional(),
      cancelledAt: timestamp.optional(),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('order.refunded'),
    version: z.literal(1),
    /** One refund of (part of) an order; the refund id makes a repeated refund count once. */
    data: z.object({ orderId: id, refundId: id, amount: moneySchema }),
  }),
]);

export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type CanonicalEventOf<T extends EventType> = Extract<CanonicalEvent, { type: T }>;
/** What an adapter produces before ingest stamps the authenticated store and origin on it. */
export type UnstampedEvent = DistributiveOmit<CanonicalEvent, 'storeId' | 'origin'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Limits of the ingest API, shared by the handlers and their tests. */
export const INGEST_LIMITS = {
  ownBatchMaxEvents: 100,
  ownBatchMaxBytes: 1_000_000,
  segmentEventMaxBytes: 32 * 1024,
  segmentBatchMaxBytes: 500 * 1024,
  shopifyMaxBytes: 1_000_000,
} as const;
