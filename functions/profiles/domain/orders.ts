import { createHash } from 'node:crypto';
import { addAmounts, fromMinorUnits, toMinorUnits } from '#events/money.ts';
import type { Money } from '#events/schemas.ts';
import { ownEntriesRecord, ownValue } from '#shared/own-keys.ts';
import type { ArchivedOrders, OrderRecord, OrderSummary } from './profile.ts';
import { earliest, latest } from './time.ts';

/** What the customer has paid for the order after refunds, in the order's currency. */
export function netTotal(order: OrderRecord): Money | undefined {
  if (order.total === undefined) return undefined;
  const { currency } = order.total;
  let minor = toMinorUnits(order.total.amount, currency);
  for (const refund of Object.values(order.refunds ?? {})) {
    if (refund.currency === currency) minor -= toMinorUnits(refund.amount, currency);
  }
  return { amount: fromMinorUnits(minor > 0n ? minor : 0n, currency), currency };
}

/** Refunded in full: a paid order whose refunds reach its total. */
function isFullyRefunded(order: OrderRecord): boolean {
  if (order.total === undefined || order.refunds === undefined) return false;
  const total = toMinorUnits(order.total.amount, order.total.currency);
  const net = netTotal(order);
  return total > 0n && net !== undefined && toMinorUnits(net.amount, net.currency) === 0n;
}

/** An order counts once it is known to be placed, and is neither cancelled nor refunded in full. */
export function isCounted(order: OrderRecord): order is OrderRecord & { placedAt: string } {
  return order.placedAt !== undefined && order.cancelledAt === undefined && !isFullyRefunded(order);
}

/**
 * Combines two views of the same order (from two deliveries, an order update, or two merged
 * profiles). Facts only accumulate (placed, fulfilled, cancelled, refunds by id); the content
 * (total, lines) is the most recently updated one, so an edited order replaces its first version.
 */
export function mergeOrderRecords(a: OrderRecord, b: OrderRecord): OrderRecord {
  const newer = (b.updatedAt ?? '') > (a.updatedAt ?? '') ? b : a;
  const older = newer === a ? b : a;
  const refunds = { ...(a.refunds ?? {}), ...(b.refunds ?? {}) };
  const merged: OrderRecord = {
    placedAt: earliest(a.placedAt, b.placedAt),
    cartId: a.cartId ?? b.cartId,
    checkoutId: a.checkoutId ?? b.checkoutId,
    total: newer.total ?? older.total,
    discount: newer.discount ?? older.discount,
    lines: newer.lines ?? older.lines,
    fulfilledAt: latest(a.fulfilledAt, b.fulfilledAt),
    cancelledAt: latest(a.cancelledAt, b.cancelledAt),
    updatedAt: latest(a.updatedAt, b.updatedAt),
    ...(Object.keys(refunds).length > 0 && {
      refunds: ownEntriesRecord([...Object.entries(a.refunds ?? {}), ...Object.entries(b.refunds ?? {})]),
    }),
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as OrderRecord;
}

export function emptyArchive(): ArchivedOrders {
  return { count: 0, totalSpent: {}, countByCurrency: {}, idHashes: [] };
}

/** A short, stable stand-in for an archived order id: 12 base64url characters of its SHA-256. */
export function orderIdHash(orderId: string): string {
  return createHash('sha256').update(orderId).digest('base64url').slice(0, 12);
}

export function isArchived(archive: ArchivedOrders | undefined, orderId: string): boolean {
  return archive?.idHashes.includes(orderIdHash(orderId)) ?? false;
}

/** Folds one order into the archive's sums (its id kept as a hash so a repeat is recognised). */
export function archiveOrder(archive: ArchivedOrders, orderId: string, order: OrderRecord): ArchivedOrders {
  const next: ArchivedOrders = {
    ...archive,
    totalSpent: { ...archive.totalSpent },
    countByCurrency: { ...archive.countByCurrency },
    idHashes: [...archive.idHashes, orderIdHash(orderId)],
  };
  if (!isCounted(order)) return next;
  next.count += 1;
  const net = netTotal(order);
  if (net !== undefined) {
    next.totalSpent[net.currency] = addAmounts(
      next.totalSpent[net.currency] ?? '0',
      net.amount,
      net.currency,
    );
    next.countByCurrency[net.currency] = (next.countByCurrency[net.currency] ?? 0) + 1;
  }
  const firstOrderAt = earliest(next.firstOrderAt, order.placedAt);
  const lastOrderAt = latest(next.lastOrderAt, order.placedAt);
  return { ...next, ...(firstOrderAt && { firstOrderAt }), ...(lastOrderAt && { lastOrderAt }) };
}

/**
 * Derives the order summary from the order records and the archive; recomputed, never incremented,
 * so it cannot drift. Revenue is net of refunds; cancelled and fully refunded orders do not count.
 */
export function summarizeOrders(
  orders: Record<string, OrderRecord>,
  archive: ArchivedOrders = emptyArchive(),
): OrderSummary {
  const totalSpent: Record<string, string> = { ...archive.totalSpent };
  const countByCurrency: Record<string, number> = { ...archive.countByCurrency };
  let count = archive.count;
  let lastOrder: OrderSummary['lastOrder'];
  for (const [orderId, order] of Object.entries(orders)) {
    if (!isCounted(order)) continue;
    count += 1;
    const net = netTotal(order);
    if (net !== undefined) {
      const { amount, currency } = net;
      totalSpent[currency] = addAmounts(totalSpent[currency] ?? '0', amount, currency);
      countByCurrency[currency] = (countByCurrency[currency] ?? 0) + 1;
    }
    if (lastOrder === undefined || order.placedAt > lastOrder.placedAt) {
      lastOrder = { orderId, placedAt: order.placedAt, ...(net && { total: net }) };
    }
  }
  const averageOrderValue: Record<string, string> = {};
  for (const [currency, total] of Object.entries(totalSpent)) {
    const orderCount = BigInt(countByCurrency[currency] || 1);
    // Integer division of minor units rounds toward zero: the average is a display figure.
    averageOrderValue[currency] = fromMinorUnits(toMinorUnits(total, currency) / orderCount, currency);
  }
  return { count, totalSpent, averageOrderValue, ...(lastOrder && { lastOrder }) };
}

export function firstAndLastOrderAt(
  orders: Record<string, OrderRecord>,
  archive?: ArchivedOrders,
): { first?: string; last?: string } {
  let first = archive?.firstOrderAt;
  let last = archive?.lastOrderAt;
  for (const order of Object.values(orders)) {
    if (!isCounted(order)) continue;
    first = earliest(first, order.placedAt);
    last = latest(last, order.placedAt);
  }
  return { ...(first && { first }), ...(last && { last }) };
}

/** The record of one order, or an empty one; safe for any order id (see `own-keys.ts`). */
export function orderRecordOf(orders: Record<string, OrderRecord>, orderId: string): OrderRecord {
  return ownValue(orders, orderId) ?? {};
}
