import type { CanonicalEvent } from '#events/schemas.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { type CatalogConfig, reorderIntervalDays } from '../config/catalog-config.ts';
import type { JourneyId } from '../config/journey-schema.ts';
import { cartIdOf } from './subject.ts';

const utc = (timestamp: string) => new Date(timestamp).toISOString();
const after = (at: string | undefined, reference: string) => at !== undefined && at > reference;
/** At or after: an order in the same millisecond as a view (one batch) ends that browse session too. */
const atOrAfter = (at: string | undefined, reference: string) => at !== undefined && at >= reference;

/**
 * What each journey's exit condition can answer: a small fixed set per journey, so the dashboard can
 * draw every reason a journey exits for. Metric dimensions and stored on exits: never renamed.
 */
export const EXIT_CONDITION_REASONS = {
  welcome: ['no-profile', 'ordered'],
  'browse-abandonment': ['no-profile', 'ordered', 'checkout-started', 'cart-changed'],
  // `superseded`: a newer update of the same cart started a run that carries on; `cart-replaced`: the
  // customer's cart is another one now, whose own run carries on.
  'cart-abandonment': ['no-profile', 'cart-replaced', 'ordered', 'superseded', 'emptied'],
  'post-purchase': ['cancelled'],
  replenishment: ['no-profile', 'reordered'],
  'win-back': ['no-profile', 'ordered'],
} as const satisfies Record<JourneyId, readonly string[]>;
export type ExitConditionReason<Id extends JourneyId = JourneyId> =
  (typeof EXIT_CONDITION_REASONS)[Id][number];

type ExitCondition<Id extends JourneyId> = (
  profile: Profile | undefined,
  trigger: CanonicalEvent,
  catalog: CatalogConfig,
) => ExitConditionReason<Id> | undefined;

/** One condition per journey, each typed to answer only its journey's reasons. */
const EXIT_CONDITIONS: { readonly [Id in JourneyId]: ExitCondition<Id> } = {
  welcome: (profile) => {
    if (profile === undefined) return 'no-profile';
    return profile.orderSummary.count > 0 ? 'ordered' : undefined;
  },
  'browse-abandonment': (profile, trigger) => {
    if (profile === undefined) return 'no-profile';
    const since = utc(trigger.occurredAt);
    if (atOrAfter(profile.lifecycle.lastOrderAt, since)) return 'ordered';
    if (atOrAfter(profile.lifecycle.checkoutStartedAt, since)) return 'checkout-started';
    return after(profile.lifecycle.lastCartActivityAt, since) ? 'cart-changed' : undefined;
  },
  'cart-abandonment': (profile, trigger) => {
    if (profile === undefined) return 'no-profile';
    const cart = profile.cart;
    if (cart === undefined || cart.cartId !== cartIdOf(trigger)) return 'cart-replaced';
    if (cart.status === 'ordered') return 'ordered';
    if (cart.updatedAt > utc(trigger.occurredAt)) return 'superseded';
    return cart.lines.length === 0 ? 'emptied' : undefined;
  },
  // An order confirmation goes out even before the profile has the order.
  'post-purchase': (profile, trigger) => {
    const orderId = trigger.type === 'order.placed' ? trigger.data.orderId : undefined;
    return orderId !== undefined && profile?.orders[orderId]?.cancelledAt !== undefined
      ? 'cancelled'
      : undefined;
  },
  replenishment: (profile, trigger, catalog) => {
    if (profile === undefined) return 'no-profile';
    const since = utc(trigger.occurredAt);
    const products = new Set(replenishableLines(trigger, catalog).map((line) => line.productId));
    const reordered = Object.values(profile.orders).some(
      (order) =>
        order.placedAt !== undefined &&
        order.placedAt > since &&
        order.cancelledAt === undefined &&
        (order.lines ?? []).some((line) => line.productId !== undefined && products.has(line.productId)),
    );
    return reordered ? 'reordered' : undefined;
  },
  'win-back': (profile, trigger) => {
    if (profile === undefined) return 'no-profile';
    return after(profile.lifecycle.lastOrderAt, utc(trigger.occurredAt)) ? 'ordered' : undefined;
  },
};

/**
 * Why a journey run should stop now, re-checked after every wait. Undefined means "carry on".
 * Only facts from the profile count, so the answer is the same however many times it is asked.
 */
export function exitReason(
  journey: JourneyId,
  profile: Profile | undefined,
  trigger: CanonicalEvent,
  catalog: CatalogConfig,
): ExitConditionReason | undefined {
  return EXIT_CONDITIONS[journey](profile, trigger, catalog);
}

export interface ReplenishableLine {
  productId: string;
  category?: string;
  name?: string;
  intervalDays: number;
}

/** The trigger order's lines that have a reorder interval in the catalog. */
export function replenishableLines(trigger: CanonicalEvent, catalog: CatalogConfig): ReplenishableLine[] {
  if (trigger.type !== 'order.placed') return [];
  return trigger.data.lines.flatMap((line) => {
    // Lines that are no catalogue product (a fee, a gift card) are never replenished.
    if (line.productId === undefined) return [];
    const intervalDays = reorderIntervalDays(catalog, { ...line, productId: line.productId });
    if (intervalDays === undefined) return [];
    return [
      {
        productId: line.productId,
        intervalDays,
        ...(line.category && { category: line.category }),
        ...(line.name && { name: line.name }),
      },
    ];
  });
}
