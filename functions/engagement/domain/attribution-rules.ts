import type { Money } from '#events/schemas.ts';
import type { JourneyEntry } from '#messaging/domain/ports.ts';
import { byRecency, type Touch } from './engagement-summary.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How far before an order a touch or a journey entry may lie and still count. Every window is
 * `[order − window, order]`, both ends inclusive: a touch exactly `window` before the order counts,
 * one a millisecond earlier does not, and nothing after the order ever does.
 */
export interface AttributionWindows {
  clickMs: number;
  openMs: number;
  /** Journey entries within this window count the order as that journey's conversion (lift). */
  conversionMs: number;
}

export const DEFAULT_ATTRIBUTION_WINDOWS: AttributionWindows = {
  clickMs: 5 * DAY_MS,
  openMs: 5 * DAY_MS,
  conversionMs: 7 * DAY_MS,
};

export interface PlacedOrder {
  orderId: string;
  /** When the order was placed, as a normalised ISO string. */
  at: string;
  revenue: Money;
}

export type AttributionRecord =
  | {
      orderId: string;
      at: string;
      revenue: Money;
      journey: string;
      step: string;
      variant: string;
      messageId: string;
      touch: Touch['kind'];
      touchAt: string;
      /** What is left of `revenue` after refunds and cancellation; absent until the first. */
      netRevenue?: Money;
      /** Reversals applied (`refund:<id>`, `cancelled`), so each counts once. */
      adjustmentIds?: string[];
    }
  | { orderId: string; at: string; revenue: Money; unattributed: true };

export type HoldoutGroup = 'treated' | 'heldout';

export interface ConversionRecord {
  orderId: string;
  journey: string;
  subjectKey: string;
  group: HoldoutGroup;
  revenue: Money;
  at: string;
  enteredAt: string;
}

export function withinWindow(at: string, orderAt: string, windowMs: number): boolean {
  const time = Date.parse(at);
  const order = Date.parse(orderAt);
  return time <= order && time >= order - windowMs;
}

/** Last touch: the most recent click in its window, else the most recent open in its window. */
export function lastTouch(
  touches: readonly Touch[],
  orderAt: string,
  windows: AttributionWindows,
): Touch | undefined {
  const recent = [...touches].sort(byRecency);
  return (
    recent.find((touch) => touch.kind === 'click' && withinWindow(touch.at, orderAt, windows.clickMs)) ??
    recent.find((touch) => touch.kind === 'open' && withinWindow(touch.at, orderAt, windows.openMs))
  );
}

export function attributionFor(
  order: PlacedOrder,
  touches: readonly Touch[],
  windows: AttributionWindows,
): AttributionRecord {
  const { orderId, at, revenue } = order;
  const touch = lastTouch(touches, at, windows);
  if (touch === undefined) return { orderId, at, revenue, unattributed: true };
  return {
    orderId,
    at,
    revenue,
    journey: touch.journey,
    step: touch.step,
    variant: touch.variant,
    messageId: touch.messageId,
    touch: touch.kind,
    touchAt: touch.at,
  };
}

/**
 * One conversion per journey the customer entered within the conversion window, in the group of
 * the latest such entry. Held-out entrants convert too (they only got no mail): comparing the
 * groups' conversion rates is the journey's lift.
 */
export function conversionsFor(
  order: PlacedOrder,
  entries: readonly JourneyEntry[],
  windows: AttributionWindows,
): ConversionRecord[] {
  const latestPerJourney = new Map<string, JourneyEntry>();
  for (const entry of entries) {
    if (!withinWindow(entry.at, order.at, windows.conversionMs)) continue;
    // Entered strictly before the order: a trigger at the order's own instant came with it and cannot
    // have led to it.
    if (Date.parse(entry.at) >= Date.parse(order.at)) continue;
    // A run this order started (its confirmation, its reorder reminder) is not converted by it; whether
    // that entry is already stored when the order is attributed is a race, so it must not count.
    if (entry.subjectKey === order.orderId) continue;
    const current = latestPerJourney.get(entry.journey);
    if (current === undefined || isLater(entry, current)) latestPerJourney.set(entry.journey, entry);
  }
  return [...latestPerJourney.values()]
    .sort((a, b) => (a.journey < b.journey ? -1 : 1))
    .map((entry) => ({
      orderId: order.orderId,
      journey: entry.journey,
      subjectKey: entry.subjectKey,
      group: entry.heldOut ? 'heldout' : 'treated',
      revenue: order.revenue,
      at: order.at,
      enteredAt: entry.at,
    }));
}

function isLater(entry: JourneyEntry, than: JourneyEntry): boolean {
  const difference = Date.parse(entry.at) - Date.parse(than.at);
  return difference > 0 || (difference === 0 && entry.subjectKey > than.subjectKey);
}
