import type { CanonicalEvent } from '#events/schemas.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { type CatalogConfig, reorderIntervalDays } from '../config/catalog-config.ts';
import type { JourneyId } from '../config/journey-schema.ts';
import { subjectKeyOf } from './subject.ts';

const utc = (timestamp: string) => new Date(timestamp).toISOString();
const after = (at: string | undefined, reference: string) => at !== undefined && at > reference;

/**
 * Why a journey run should stop now, re-checked after every wait. Undefined means "carry on".
 * Only facts from the profile count, so the answer is the same however many times it is asked.
 */
export function exitReason(
  journey: JourneyId,
  profile: Profile | undefined,
  trigger: CanonicalEvent,
  catalog: CatalogConfig,
): string | undefined {
  const since = utc(trigger.occurredAt);
  if (profile === undefined) return journey === 'post-purchase' ? undefined : 'no-profile';
  switch (journey) {
    case 'welcome':
      return profile.orderSummary.count > 0 ? 'ordered' : undefined;
    case 'browse-abandonment': {
      if (after(profile.lifecycle.lastOrderAt, since)) return 'ordered';
      if (after(profile.lifecycle.checkoutStartedAt, since)) return 'checkout-started';
      return after(profile.lifecycle.lastCartActivityAt, since) ? 'cart-changed' : undefined;
    }
    case 'cart-abandonment': {
      const cart = profile.cart;
      if (cart === undefined || cart.cartId !== subjectKeyOf(journey, trigger)) return 'superseded';
      if (cart.status === 'ordered') return 'ordered';
      if (cart.updatedAt > since) return 'superseded';
      return cart.lines.length === 0 ? 'emptied' : undefined;
    }
    case 'post-purchase': {
      const orderId = trigger.type === 'order.placed' ? trigger.data.orderId : undefined;
      return orderId !== undefined && profile.orders[orderId]?.cancelledAt !== undefined
        ? 'cancelled'
        : undefined;
    }
    case 'replenishment': {
      const products = new Set(replenishableLines(trigger, catalog).map((line) => line.productId));
      const reordered = Object.values(profile.orders).some(
        (order) =>
          order.placedAt !== undefined &&
          order.placedAt > since &&
          order.cancelledAt === undefined &&
          (order.lines ?? []).some((line) => products.has(line.productId)),
      );
      return reordered ? 'reordered' : undefined;
    }
    case 'win-back':
      return after(profile.lifecycle.lastOrderAt, since) ? 'ordered' : undefined;
  }
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
    const intervalDays = reorderIntervalDays(catalog, line);
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
