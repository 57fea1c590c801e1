/** Canonical events in the exact shapes of `functions/events/schemas.ts`, with ids derived from the seed. */
import type { EventType, Line, Money } from '#events/schemas.ts';
import type { PlannedEvent, SimulatedEvent } from './planned-event.ts';
import type { CartLine, ShopperState } from './shopper-state.ts';
import type { World } from './simulated-time.ts';
import { formatCents, STORE_CURRENCY } from './synthetic-store.ts';

export type DataOf<T extends EventType> = Extract<SimulatedEvent, { type: T }>['data'];

/** One event of the shopper at `at`, with the next id and sequence number. */
export function plannedEvent<T extends EventType>(
  world: World,
  state: ShopperState,
  at: number,
  type: T,
  data: DataOf<T>,
): PlannedEvent {
  const { customerId, email } = state.shopper;
  const sequence = state.counters.event++;
  const event = {
    id: `ev-${world.tag}-${customerId}-${sequence}`,
    type,
    version: 1,
    occurredAt: new Date(at).toISOString(),
    identity: { customerId, email },
    data,
  } as SimulatedEvent;
  return { at, customerId, sequence, event };
}

/** Who the shopper is: registration for a new shopper, an account sync for an existing one. */
export function introduction(state: ShopperState, at: number): DataOf<'customer.registered'> {
  const { firstName, timeZone, locale, marketingConsent, isNew } = state.shopper;
  return {
    attributes: { firstName, timeZone, locale },
    consent: marketingConsent
      ? [
          {
            channel: 'email',
            purpose: 'marketing',
            status: 'granted',
            source: isNew ? 'signup-form' : 'account-sync',
            recordedAt: new Date(at).toISOString(),
          },
        ]
      : [],
  };
}

export function lineTotals(lines: readonly CartLine[]): { lines: Line[]; total: Money } {
  let cents = 0;
  for (const line of lines) cents += line.product.priceCents * line.quantity;
  return {
    lines: lines.map((line) => ({ ...line.product.event, quantity: line.quantity })),
    total: { amount: formatCents(cents), currency: STORE_CURRENCY },
  };
}

export const ids = {
  cart: (world: World, state: ShopperState) =>
    `cart-${world.tag}-${state.shopper.customerId}-${++state.counters.cart}`,
  checkout: (world: World, state: ShopperState) =>
    `checkout-${world.tag}-${state.shopper.customerId}-${++state.counters.checkout}`,
  order: (world: World, state: ShopperState) =>
    `order-${world.tag}-${state.shopper.customerId}-${++state.counters.order}`,
};
