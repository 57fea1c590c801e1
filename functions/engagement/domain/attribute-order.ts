import type { CanonicalEventOf } from '#events/schemas.ts';
import type { CustomerRef, JourneyEntry } from '#messaging/domain/ports.ts';
import { type IdentityKey, identityKeys } from '#profiles/domain/identity.ts';
import type { ProfileStore } from '#profiles/domain/ports.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { InvalidEngagementMessageError } from '../errors.ts';
import {
  type AttributionRecord,
  type AttributionWindows,
  attributionFor,
  type ConversionRecord,
  conversionsFor,
  DEFAULT_ATTRIBUTION_WINDOWS,
  type PlacedOrder,
} from './attribution-rules.ts';
import { normalizeTimestamp } from './engagement-event.ts';
import type { Touch } from './engagement-summary.ts';
import type { AttributionStore } from './ports.ts';

/** Enough for any real merge history; bounds the reads per order. */
const MAX_CUSTOMER_KEYS = 8;

export interface AttributeOrderDependencies {
  /** Read only: the order's identity leads to the profile, as it does for the journeys. */
  profiles: ProfileStore;
  store: AttributionStore;
}

export interface AttributeOrderResult {
  /** `duplicate`: the order was attributed before, and nothing is counted again. */
  outcome: 'recorded' | 'duplicate';
  customerKey: string;
  attribution: AttributionRecord;
  /** Conversions this call recorded. */
  conversions: ConversionRecord[];
}

/**
 * Credits an order to the last journey mail touch before it, and counts it as a conversion of every
 * journey the customer entered shortly before it (treated or held out), each exactly once.
 *
 * Conversions are written before the attribution, each with a put-if-absent; the attribution is the
 * order's "done" mark. A redelivered order finds it and stops, and a crash in between is completed by
 * the next delivery without counting anything twice. Touches and entries recorded after the
 * attribution (a late open) cannot change it.
 */
export async function attributeOrder(
  deps: AttributeOrderDependencies,
  event: CanonicalEventOf<'order.placed'>,
  windows: AttributionWindows = DEFAULT_ATTRIBUTION_WINDOWS,
): Promise<AttributeOrderResult> {
  const keys = await customerKeys(deps.profiles, event);
  const [customerKey] = keys;
  if (customerKey === undefined) throw new InvalidEngagementMessageError('order carries no identity');
  const customers = keys.map((key) => ({ storeId: event.storeId, customerKey: key }));
  const customer = { storeId: event.storeId, customerKey };

  const existing = await findAttribution(deps.store, customers, event.data.orderId);
  if (existing !== undefined)
    return { outcome: 'duplicate', customerKey, attribution: existing, conversions: [] };

  const order: PlacedOrder = {
    orderId: event.data.orderId,
    at: normalizeTimestamp(event.occurredAt),
    revenue: event.data.total,
  };
  const since = new Date(Date.parse(order.at) - windows.conversionMs).toISOString();
  const touches: Touch[] = [];
  const entries: JourneyEntry[] = [];
  for (const each of customers) {
    touches.push(...((await deps.store.loadSummary(each))?.summary.touches ?? []));
    entries.push(...(await deps.store.listEntries(each, since)));
  }

  const conversions: ConversionRecord[] = [];
  for (const conversion of conversionsFor(order, entries, windows)) {
    if ((await deps.store.recordConversion(customer, conversion)) === 'recorded')
      conversions.push(conversion);
  }
  const attribution = attributionFor(order, touches, windows);
  if ((await deps.store.recordAttribution(customer, attribution)) === 'exists') {
    // A concurrent delivery of the same order won the race; its record stands.
    const winner = (await deps.store.findAttribution(customer, order.orderId)) ?? attribution;
    return { outcome: 'duplicate', customerKey, attribution: winner, conversions };
  }
  return { outcome: 'recorded', customerKey, attribution, conversions };
}

/**
 * The profile key the order leads to (records are written there), then the weaker keys folded into
 * it: mails sent before an identity join were recorded under the key the customer had then.
 */
async function customerKeys(
  profiles: ProfileStore,
  event: CanonicalEventOf<'order.placed'>,
): Promise<IdentityKey[]> {
  const [strongest] = identityKeys(event.identity);
  if (strongest === undefined) return [];
  const resolved = await resolveProfile(profiles, event.storeId, strongest);
  const aliases = resolved.stored?.profile.aliasKeys ?? [];
  return [...new Set([resolved.key, ...resolved.viaAliases, ...aliases])].slice(0, MAX_CUSTOMER_KEYS);
}

/** An order attributed under a key that has since been folded into a stronger one is still found. */
async function findAttribution(
  store: AttributionStore,
  customers: CustomerRef[],
  orderId: string,
): Promise<AttributionRecord | undefined> {
  for (const customer of customers) {
    const found = await store.findAttribution(customer, orderId);
    if (found !== undefined) return found;
  }
  return undefined;
}
