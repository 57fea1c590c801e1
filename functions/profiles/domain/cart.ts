import { fromMinorUnits, toMinorUnits } from '#events/money.ts';
import type { Line, Money } from '#events/schemas.ts';
import type { Cart, OrderRecord } from './profile.ts';
import { isAfter, latest } from './time.ts';

export interface CartSnapshot {
  cartId: string;
  checkoutId?: string;
  lines: Line[];
  total: Money;
  at: string;
}

/** A snapshot replaces the cart only if it is newer than what the profile already knows. */
export function applyCartSnapshot(cart: Cart | undefined, snapshot: CartSnapshot): Cart | undefined {
  if (cart !== undefined && !isAfter(snapshot.at, cart.updatedAt)) return cart;
  const sameCart = cart?.cartId === snapshot.cartId;
  const checkoutId = snapshot.checkoutId ?? (sameCart ? cart?.checkoutId : undefined);
  return {
    cartId: snapshot.cartId,
    ...(checkoutId !== undefined && { checkoutId }),
    ...(sameCart && cart?.checkoutStartedAt !== undefined && { checkoutStartedAt: cart.checkoutStartedAt }),
    lines: snapshot.lines,
    total: snapshot.total,
    status: 'open',
    updatedAt: snapshot.at,
  };
}

export interface CartLineChange {
  cartId: string;
  action: 'added' | 'removed';
  line: Line;
  at: string;
}

/**
 * Applies one added/removed line. Changes commute (quantities add up), so a late change to the open
 * cart still counts; a change older than the cart we hold for another cart id does not.
 */
export function applyCartLineChange(cart: Cart | undefined, change: CartLineChange): Cart | undefined {
  const sameCart = cart?.cartId === change.cartId;
  if (cart !== undefined && !sameCart && !isAfter(change.at, cart.updatedAt)) return cart;
  const startFresh =
    cart === undefined || !sameCart || (cart.status === 'ordered' && isAfter(change.at, cart.updatedAt));
  const lines = startFresh ? [] : cart.lines.map((line) => ({ ...line }));
  const signed = change.action === 'added' ? change.line.quantity : -change.line.quantity;
  const existing = lines.find(
    (line) => line.productId === change.line.productId && line.sku === change.line.sku,
  );
  if (existing) existing.quantity += signed;
  else if (signed > 0) lines.push({ ...change.line, quantity: signed });
  const kept = lines.filter((line) => line.quantity > 0);
  const total = totalOfLines(kept);
  return {
    ...(startFresh ? {} : cart),
    cartId: change.cartId,
    lines: kept,
    ...(total !== undefined && { total }),
    status: 'open',
    updatedAt: (startFresh ? change.at : latest(cart.updatedAt, change.at)) ?? change.at,
  } as Cart;
}

/** Exact sum of price × quantity; undefined when a price is missing or currencies differ. */
export function totalOfLines(lines: Line[]): Money | undefined {
  const currency = lines[0]?.price?.currency;
  if (currency === undefined) return undefined;
  let minor = 0n;
  for (const line of lines) {
    if (line.price === undefined || line.price.currency !== currency) return undefined;
    minor += toMinorUnits(line.price.amount, currency) * BigInt(line.quantity);
  }
  return { amount: fromMinorUnits(minor, currency), currency };
}

/**
 * The cart is "ordered" when an order placed at or after its last change belongs to it (same cart or
 * checkout id), or names no cart at all. Derived from the orders every time, so an order that arrives
 * before the cart updates it emptied still closes the cart.
 */
export function withOrderStatus(
  cart: Cart | undefined,
  orders: Record<string, OrderRecord>,
): Cart | undefined {
  if (cart === undefined) return undefined;
  const covering = Object.entries(orders).find(([, order]) => {
    if (order.placedAt === undefined || order.placedAt < cart.updatedAt) return false;
    if (order.cartId === undefined && order.checkoutId === undefined) return true;
    return (
      order.cartId === cart.cartId || (order.checkoutId !== undefined && order.checkoutId === cart.checkoutId)
    );
  });
  if (covering === undefined) {
    const { orderId: _orderId, ...open } = cart;
    return { ...open, status: 'open' };
  }
  return { ...cart, status: 'ordered', orderId: covering[0] };
}
