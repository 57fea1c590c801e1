import { fromMinorUnits, toMinorUnits } from '#events/money.ts';
import type { CanonicalEventOf, Money } from '#events/schemas.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import { identityKeys } from '#profiles/domain/identity.ts';
import { orderRecordOf } from '#profiles/domain/orders.ts';
import type { ProfileStore } from '#profiles/domain/ports.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { AttributionNotRecordedYetError } from '../errors.ts';
import type { AttributionRecord } from './attribution-rules.ts';
import type { AttributionStore } from './ports.ts';

const MAX_ATTEMPTS = 5;
/** Enough for any real merge history; bounds the reads per order. */
const MAX_CUSTOMER_KEYS = 8;

/** What takes revenue back from an order after it was attributed. */
export type OrderReversal =
  | CanonicalEventOf<'order.refunded'>
  | CanonicalEventOf<'order.cancelled'>
  | CanonicalEventOf<'order.updated'>;

export interface AdjustAttributionResult {
  /**
   * `reduced`: the attributed revenue went down by `reduction`; `duplicate`: this reversal was applied
   * before; `not-attributed`: the order is credited to no journey (or unknown), so nothing changes.
   */
  outcome: 'reduced' | 'duplicate' | 'not-attributed';
  attribution?: Extract<AttributionRecord, { journey: string }>;
  reduction?: Money;
}

/**
 * Reduces an order's attributed revenue by a refund, or to nothing by a cancellation, each reversal
 * once (by its id: the refund's, or `cancelled`). The remaining revenue (`netRevenue`) is kept on the
 * attribution with the ids applied, written with a condition on the value read, so two reversals of
 * one order racing each other both count and a redelivered one counts once.
 *
 * A reversal of an order that the profile knows but that is not attributed yet (its `order.placed` is
 * still queued) fails, and the queue brings it back.
 */
export async function adjustAttribution(
  deps: { profiles: ProfileStore; store: AttributionStore },
  event: OrderReversal,
): Promise<AdjustAttributionResult> {
  const reversal = reversalOf(event);
  if (reversal === undefined) return { outcome: 'not-attributed' };
  const { orderId } = event.data;
  const [strongest] = identityKeys(event.identity);
  if (strongest === undefined) return { outcome: 'not-attributed' };
  const resolved = await resolveProfile(deps.profiles, event.storeId, strongest);
  const keys = [
    ...new Set([resolved.key, ...resolved.viaAliases, ...(resolved.stored?.profile.aliasKeys ?? [])]),
  ].slice(0, MAX_CUSTOMER_KEYS);
  const placed = orderRecordOf(resolved.stored?.profile.orders ?? {}, orderId).placedAt !== undefined;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const found = await findAttribution(deps.store, keys, event.storeId, orderId);
    if (found === undefined) {
      if (placed) throw new AttributionNotRecordedYetError(`order ${orderId} is not attributed yet`);
      return { outcome: 'not-attributed' };
    }
    const { customer, attribution } = found;
    if ('unattributed' in attribution) return { outcome: 'not-attributed' };
    if ((attribution.adjustmentIds ?? []).includes(reversal.id)) return { outcome: 'duplicate', attribution };
    const net = attribution.netRevenue ?? attribution.revenue;
    const { currency } = net;
    const remaining = toMinorUnits(net.amount, currency);
    const wanted =
      reversal.amount === undefined || reversal.amount.currency !== currency
        ? remaining
        : toMinorUnits(reversal.amount.amount, currency);
    const reduced = wanted < remaining ? wanted : remaining;
    const netRevenue = { amount: fromMinorUnits(remaining - reduced, currency), currency };
    const applied = await deps.store.adjustAttribution(customer, orderId, {
      id: reversal.id,
      netRevenue,
      expectedNet: attribution.netRevenue,
    });
    if (applied === 'applied')
      return {
        outcome: 'reduced',
        attribution,
        reduction: { amount: fromMinorUnits(reduced, currency), currency },
      };
  }
  throw new AttributionNotRecordedYetError(`order ${orderId}: attribution still contended`);
}

/** A refund takes back its amount; a cancellation (or an update that cancels) all that is left. */
function reversalOf(event: OrderReversal): { id: string; amount?: Money } | undefined {
  switch (event.type) {
    case 'order.refunded':
      return { id: `refund:${event.data.refundId}`, amount: event.data.amount };
    case 'order.cancelled':
      return { id: 'cancelled' };
    case 'order.updated':
      return event.data.cancelledAt === undefined ? undefined : { id: 'cancelled' };
  }
}

async function findAttribution(
  store: AttributionStore,
  keys: string[],
  storeId: string,
  orderId: string,
): Promise<{ customer: CustomerRef; attribution: AttributionRecord } | undefined> {
  for (const customerKey of keys) {
    const customer = { storeId, customerKey };
    const attribution = await store.findAttribution(customer, orderId);
    if (attribution !== undefined) return { customer, attribution };
  }
  return undefined;
}
