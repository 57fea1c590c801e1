/**
 * One customer profile per person and store. Everything here is plain data so the rules that change
 * it stay pure and testable; summaries (order count, total spent) are kept alongside the facts they
 * summarise because journeys read them with a single GetItem.
 */
import type { Attributes, Consent, Line, Money } from '#events/schemas.ts';
import type { IdentityKey } from './identity.ts';

export const PROFILE_SCHEMA_VERSION = 1;

export const PROFILE_LIMITS = {
  recentViews: 20,
  appliedEventIds: 200,
  cartLines: 500,
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
  lines: Line[];
  total?: Money;
  status: CartStatus;
  /** When the cart last changed; an update that happened earlier never overwrites it. */
  updatedAt: string;
  checkoutStartedAt?: string;
  orderId?: string;
}

export interface OrderLine {
  productId: string;
  quantity: number;
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
