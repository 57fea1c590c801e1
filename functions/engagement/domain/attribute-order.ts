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
 * The attribution is written first (once per order), then the entries are read: journey entry is
 * decided by another consumer of the same events, and it writes its entry before reading the
 * attributions (`convertOrdersAfterEntry`). Of two such write-then-read sides, at least one sees the
 * other's write, so a conversion never depends on which consumer ran first; conversions are
 * put-if-absent, so the side that sees both counts nothing twice. A redelivered order (its
 * attribution found) records the conversions again, which completes a crash in between. Touches
 * recorded after the attribution (a late open) cannot change it.
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

  const existing = await findAttribution(deps.store, customers, event.data.orderId);
  if (existing !== undefined) {
    const conversions = await recordConversions(
      deps.store,
      existing.customer,
      customers,
      existing.record,
      windows,
    );
    return { outcome: 'duplicate', customerKey, attribution: existing.record, conversions };
  }

  const customer = { storeId: event.storeId, customerKey };
  const order: PlacedOrder = {
    orderId: event.data.orderId,
    at: normalizeTimestamp(event.occurredAt),
    revenue: event.data.total,
  };
  const touches: Touch[] = [];
  for (const each of customers)
    touches.push(...((await deps.store.loadSummary(each))?.summary.touches ?? []));
  let attribution = attributionFor(order, touches, windows);
  let outcome: AttributeOrderResult['outcome'] = 'recorded';
  if ((await deps.store.recordAttribution(customer, attribution)) === 'exists') {
    // A concurrent delivery of the same order won the race; its record stands.
    attribution = (await deps.store.findAttribution(customer, order.orderId)) ?? attribution;
    outcome = 'duplicate';
  }
  const conversions = await recordConversions(deps.store, customer, customers, attribution, windows);
  return { outcome, customerKey, attribution, conversions };
}

/** Records the order's conversions under the key that holds its attribution; returns the new ones. */
async function recordConversions(
  store: AttributionStore,
  owner: CustomerRef,
  customers: readonly CustomerRef[],
  order: PlacedOrder,
  windows: AttributionWindows,
): Promise<ConversionRecord[]> {
  const since = new Date(Date.parse(order.at) - windows.conversionMs).toISOString();
  const entries: JourneyEntry[] = [];
  for (const each of customers) entries.push(...(await store.listEntries(each, since)));
  const recorded: ConversionRecord[] = [];
  for (const conversion of conversionsFor(order, entries, windows)) {
    if ((await store.recordConversion(owner, conversion)) === 'recorded') recorded.push(conversion);
  }
  return recorded;
}

/**
 * The other half of `attributeOrder`: after a journey entry is recorded, the customer's orders
 * already attributed within the conversion window after it are converted, so an entry stored after
 * its order was attributed still counts. Returns the conversions this call recorded.
 */
export async function convertOrdersAfterEntry(
  store: AttributionStore,
  customer: CustomerRef,
  entry: JourneyEntry,
  windows: AttributionWindows = DEFAULT_ATTRIBUTION_WINDOWS,
): Promise<ConversionRecord[]> {
  const until = new Date(Date.parse(entry.at) + windows.conversionMs).toISOString();
  const orders = await store.listAttributions(customer, entry.at, until);
  const recorded: ConversionRecord[] = [];
  for (const order of orders) {
    const conversions = await recordConversions(store, customer, [customer], order, windows);
    recorded.push(...conversions);
  }
  return recorded;
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
): Promise<{ customer: CustomerRef; record: AttributionRecord } | undefined> {
  for (const customer of customers) {
    const record = await store.findAttribution(customer, orderId);
    if (record !== undefined) return { customer, record };
  }
  return undefined;
}
