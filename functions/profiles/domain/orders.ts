import { addAmounts, fromMinorUnits, toMinorUnits } from '#events/money.ts';
import type { OrderRecord, OrderSummary } from './profile.ts';
import { earliest, latest } from './time.ts';

/** An order counts once it is known to be placed and not cancelled. */
export function isCounted(order: OrderRecord): order is OrderRecord & { placedAt: string } {
  return order.placedAt !== undefined && order.cancelledAt === undefined;
}

/** Combines two views of the same order (from two deliveries or two merged profiles). */
export function mergeOrderRecords(a: OrderRecord, b: OrderRecord): OrderRecord {
  const merged: OrderRecord = {
    placedAt: earliest(a.placedAt, b.placedAt),
    cartId: a.cartId ?? b.cartId,
    checkoutId: a.checkoutId ?? b.checkoutId,
    total: a.total ?? b.total,
    discount: a.discount ?? b.discount,
    lines: a.lines ?? b.lines,
    fulfilledAt: latest(a.fulfilledAt, b.fulfilledAt),
    cancelledAt: latest(a.cancelledAt, b.cancelledAt),
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as OrderRecord;
}

/** Derives the order summary from the order records; recomputed, never incremented, so it cannot drift. */
export function summarizeOrders(orders: Record<string, OrderRecord>): OrderSummary {
  const totalSpent: Record<string, string> = {};
  const countByCurrency: Record<string, number> = {};
  let count = 0;
  let lastOrder: OrderSummary['lastOrder'];
  for (const [orderId, order] of Object.entries(orders)) {
    if (!isCounted(order)) continue;
    count += 1;
    if (order.total !== undefined) {
      const { amount, currency } = order.total;
      totalSpent[currency] = addAmounts(totalSpent[currency] ?? '0', amount, currency);
      countByCurrency[currency] = (countByCurrency[currency] ?? 0) + 1;
    }
    if (lastOrder === undefined || order.placedAt > lastOrder.placedAt) {
      lastOrder = { orderId, placedAt: order.placedAt, ...(order.total && { total: order.total }) };
    }
  }
  const averageOrderValue: Record<string, string> = {};
  for (const [currency, total] of Object.entries(totalSpent)) {
    const orderCount = BigInt(countByCurrency[currency] ?? 1);
    // Integer division of minor units rounds toward zero: the average is a display figure.
    averageOrderValue[currency] = fromMinorUnits(toMinorUnits(total, currency) / orderCount, currency);
  }
  return { count, totalSpent, averageOrderValue, ...(lastOrder && { lastOrder }) };
}

export function firstAndLastOrderAt(orders: Record<string, OrderRecord>): { first?: string; last?: string } {
  let first: string | undefined;
  let last: string | undefined;
  for (const order of Object.values(orders)) {
    if (!isCounted(order)) continue;
    first = earliest(first, order.placedAt);
    last = latest(last, order.placedAt);
  }
  return { ...(first && { first }), ...(last && { last }) };
}
