/**
 * One customer profile per person and store. Everything here is plain data so the rules that change
 * it stay pure and testable; summaries (order count, total spent) are kept alongside the facts they
 * summarise because journeys read them with a single GetItem.
 */
import type { Attributes, Consent, Line, Money } from '#events/schemas.ts';
import type { IdentityKey } from './identity.ts';

export const PROFILE_SCHEMA_VERSION = 1;

/**
 * Bounds that keep a profile item far below DynamoDB's 400 KB limit whatever arrives (see
 * `fit-profile.ts`, which applies them and measures the result).
 */
export const PROFILE_LIMITS = {
  recentViews: 20,
  appliedEventIds: 200,
  cartLines: 100,
  /** Orders kept in full; older ones are folded into `archivedOrders`. */
  orders: 100,
  orderLines: 50,
  refundsPerOrder: 20,
  anonymousIds: 20,
  aliasKeys: 100,
  mergedKeys: 100,
  categories: 100,
  /** Stored names, categories and skus are cut to this many characters. */
  text: 200,
  /** Longer links are not kept on the profile (mails link to the store instead). */
  url: 1024,
  /** The measured size a profile is trimmed to, in bytes of its JSON: DynamoDB's limit is 400 KB. */
  itemBytes: 300_000,
} as const;

export type AttributeName = keyof Attributes;

export interface ConsentState {
  status: Consent['status'];
  source: string;
  recordedAt: string;
}

export interface ProductView {
  productId: string;
  name?: string;
  category?: string;
  price?: Money;
  url?: string;
  imageUrl?: string;
  viewedAt: string;
}

export type CartStatus = 'open' | 'ordered';

export interface Cart {
  cartId: string;
  checkoutId?: string;
  /** The order id the checkout announced (Segment's Checkout Started may carry it). */
  checkoutOrderId?: string;
  /** The store's own link back into the checkout, e.g. Shopify's abandoned_checkout_url. */
  recoveryUrl?: string;
  /** The event that set the cart, so two snapshots of the same instant are ordered the same everywhere. */
  updatedBy?: string;
  lines: Line[];
  total?: Money;
  status: CartStatus;
  /** When the cart last changed; an update that happened earlier never overwrites it. */
  updatedAt: string;
  checkoutStartedAt?: string;
  orderId?: string;
}

/** An order line as the profile keeps it: products and non-product lines (fees, gift cards, services). */
export interface OrderLine {
  productId?: string;
  variantId?: string;
  sku?: string;
  name?: string;
  quantity: number;
  price?: Money;
  category?: string;
}

/** What is known about one order, whatever order its events arrived in. */
export interface OrderRecord {
  placedAt?: string;
  cartId?: string;
  checkoutId?: string;
  total?: Money;
  discount?: Money;
  lines?: OrderLine[];
  fulfilledAt?: string;
  cancelledAt?: string;
  /** When total and lines were last set (an order update replaces older ones, never newer). */
  updatedAt?: string;
  /** Refunds by refund id: repeated deliveries of one refund count once. */
  refunds?: Record<string, Money>;
}

/** Orders beyond `PROFILE_LIMITS.orders`, kept as sums so the summary still counts them. */
export interface ArchivedOrders {
  count: number;
  /** Net of refunds, per currency. */
  totalSpent: Record<string, string>;
  countByCurrency: Record<string, number>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  /** Short hashes of the archived order ids, so a late repeat of one is not counted again. */
  idHashes: string[];
}

export interface OrderSummary {
  count: number;
  /** Per currency, as exact decimal strings. */
  totalSpent: Record<string, string>;
  averageOrderValue: Record<string, string>;
  lastOrder?: { orderId: string; placedAt: string; total?: Money };
}

export interface Lifecycle {
  registeredAt?: string;
  firstOrderAt?: string;
  lastOrderAt?: string;
  lastFulfilledAt?: string;
  lastViewedAt?: string;
  lastCartActivityAt?: string;
  checkoutStartedAt?: string;
}

export interface Profile {
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  storeId: string;
  key: IdentityKey;
  /**
   * When the person was last erased, for a profile started after it: events from before it (a replay
   * of the archive) are not theirs to bring back.
   */
  erasedBefore?: string;
  /** Set when this profile was folded into another one; later events for this key go there. */
  mergedInto?: IdentityKey;
  customerId?: string;
  email?: string;
  emailUpdatedAt?: string;
  anonymousIds: string[];
  attributes: Attributes;
  attributesUpdatedAt: Partial<Record<AttributeName, string>>;
  consent: { email?: ConsentState; sms?: ConsentState };
  firstSeenAt?: string;
  lastSeenAt?: string;
  orders: Record<string, OrderRecord>;
  archivedOrders?: ArchivedOrders;
  orderSummary: OrderSummary;
  recentViews: ProductView[];
  categoryAffinity: Record<string, number>;
  cart?: Cart;
  lifecycle: Lifecycle;
  /** Keys whose profiles were folded in; folding the same one twice would double-count affinity. */
  mergedKeys: IdentityKey[];
  /** Lower-priority keys that already point here, so later events skip the alias check. */
  aliasKeys: IdentityKey[];
  /** Recent event ids, newest last: the de-duplication window for effects that are not idempotent. */
  appliedEventIds: string[];
}

export function emptyProfile(storeId: string, key: IdentityKey): Profile {
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    storeId,
    key,
    anonymousIds: [],
    attributes: {},
    attributesUpdatedAt: {},
    consent: {},
    orders: {},
    orderSummary: { count: 0, totalSpent: {}, averageOrderValue: {} },
    recentViews: [],
    categoryAffinity: {},
    lifecycle: {},
    mergedKeys: [],
    aliasKeys: [],
    appliedEventIds: [],
  };
}
