import { addAmounts } from '#events/money.ts';
import { ownValue, setOwn } from '#shared/own-keys.ts';
import { withDerivedFields } from './apply-event.ts';
import { cartOutranks } from './cart.ts';
import { isArchived, mergeOrderRecords, orderRecordOf } from './orders.ts';
import { type ArchivedOrders, PROFILE_LIMITS, type Profile } from './profile.ts';
import { earliest, isAfter, latest } from './time.ts';

/**
 * Folds the profile kept under a weaker identity (an anonymous visitor, a guest e-mail) into the
 * customer's profile when the person identifies. Facts are combined with the same rules as events
 * (latest wins, orders by id); the fold is recorded in `mergedKeys` so it never happens twice.
 */
export function mergeProfiles(target: Profile, source: Profile): Profile {
  if (target.mergedKeys.includes(source.key) || source.key === target.key) return target;
  const merged = structuredClone(target);

  if (source.email !== undefined && isAfter(source.emailUpdatedAt ?? '', merged.emailUpdatedAt)) {
    merged.email = source.email;
    if (source.emailUpdatedAt !== undefined) merged.emailUpdatedAt = source.emailUpdatedAt;
  }
  merged.anonymousIds = [...new Set([...merged.anonymousIds, ...source.anonymousIds])];
  for (const [name, value] of Object.entries(source.attributes) as [keyof Profile['attributes'], string][]) {
    const sourceAt = source.attributesUpdatedAt[name];
    if (sourceAt !== undefined && isAfter(sourceAt, merged.attributesUpdatedAt[name])) {
      merged.attributes[name] = value;
      merged.attributesUpdatedAt[name] = sourceAt;
    }
  }
  for (const channel of ['email', 'sms'] as const) {
    const theirs = source.consent[channel];
    if (theirs !== undefined && isAfter(theirs.recordedAt, merged.consent[channel]?.recordedAt)) {
      merged.consent[channel] = theirs;
    }
  }
  merged.firstSeenAt = earliest(merged.firstSeenAt, source.firstSeenAt);
  merged.lastSeenAt = latest(merged.lastSeenAt, source.lastSeenAt);
  for (const [orderId, order] of Object.entries(source.orders)) {
    if (isArchived(merged.archivedOrders, orderId)) continue;
    setOwn(merged.orders, orderId, mergeOrderRecords(orderRecordOf(merged.orders, orderId), order));
  }
  if (source.archivedOrders !== undefined) {
    merged.archivedOrders = combineArchives(merged.archivedOrders, source.archivedOrders);
  }
  const seen = new Set<string>();
  merged.recentViews = [...merged.recentViews, ...source.recentViews]
    .sort((a, b) => (a.viewedAt < b.viewedAt ? 1 : -1))
    .filter((view) => !seen.has(view.productId) && seen.add(view.productId))
    .slice(0, PROFILE_LIMITS.recentViews);
  for (const [category, score] of Object.entries(source.categoryAffinity)) {
    setOwn(merged.categoryAffinity, category, (ownValue(merged.categoryAffinity, category) ?? 0) + score);
  }
  if (source.cart !== undefined && (merged.cart === undefined || cartOutranks(source.cart, merged.cart))) {
    merged.cart = source.cart;
  }
  for (const [stage, at] of Object.entries(source.lifecycle) as [keyof Profile['lifecycle'], string][]) {
    merged.lifecycle[stage] =
      stage === 'registeredAt' ? earliest(merged.lifecycle[stage], at) : latest(merged.lifecycle[stage], at);
  }
  merged.appliedEventIds = [...new Set([...merged.appliedEventIds, ...source.appliedEventIds])].slice(
    -PROFILE_LIMITS.appliedEventIds,
  );
  merged.mergedKeys = [
    ...merged.mergedKeys,
    source.key,
    ...source.mergedKeys.filter((k) => !merged.mergedKeys.includes(k)),
  ];
  return withDerivedFields(merged);
}

function combineArchives(a: ArchivedOrders | undefined, b: ArchivedOrders): ArchivedOrders {
  if (a === undefined) return b;
  const totalSpent = { ...a.totalSpent };
  for (const [currency, amount] of Object.entries(b.totalSpent))
    totalSpent[currency] = addAmounts(totalSpent[currency] ?? '0', amount, currency);
  const countByCurrency = { ...a.countByCurrency };
  for (const [currency, count] of Object.entries(b.countByCurrency))
    countByCurrency[currency] = (countByCurrency[currency] ?? 0) + count;
  const firstOrderAt = earliest(a.firstOrderAt, b.firstOrderAt);
  const lastOrderAt = latest(a.lastOrderAt, b.lastOrderAt);
  return {
    count: a.count + b.count,
    totalSpent,
    countByCurrency,
    ...(firstOrderAt && { firstOrderAt }),
    ...(lastOrderAt && { lastOrderAt }),
    idHashes: [...new Set([...a.idHashes, ...b.idHashes])],
  };
}
