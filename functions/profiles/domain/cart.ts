import { fromMinorUnits, toMinorUnits } from '#events/money.ts';
import { ANONYMOUS_CART_PREFIX, type Line, type Money } from '#events/schemas.ts';
import type { Cart, OrderRecord } from './profile.ts';
import { latest } from './time.ts';

/** How far along the funnel a cart change is: at the same instant a checkout outranks a cart. */
type Stage = 'cart' | 'checkout';
const STAGE_RANK: Record<Stage, number> = { cart: 0, checkout: 1 };

export interface CartSnapshot {
  cartId: string;
  checkoutId?: string;
  checkoutOrderId?: string;
  recoveryUrl?: string;
  lines: Line[];
  total: Money;
  at: string;
  eventId: string;
  stage: Stage;
}

/**
 * Whether a change replaces the cart the profile holds: the later one wins; at the same instant (one
 * batch, one millisecond) the checkout outranks the cart, then the greater event id wins. A total
 * order on (time, stage, event id), so every arrival order ends with the same cart.
 */
function outranks(change: { at: string; stage: Stage; eventId: string }, cart: Cart): boolean {
  if (change.at !== cart.updatedAt) return change.at > cart.updatedAt;
  const cartStage: Stage = cart.checkoutId === undefined ? 'cart' : 'checkout';
  if (STAGE_RANK[change.stage] !== STAGE_RANK[cartStage])
    return STAGE_RANK[change.stage] > STAGE_RANK[cartStage];
  return change.eventId > (cart.updatedBy ?? '');
}

/** Whether cart `a` is the one to keep over `b` when two profiles are folded together. */
export function cartOutranks(a: Cart, b: Cart): boolean {
  return outranks(
    { at: a.updatedAt, stage: a.checkoutId === undefined ? 'cart' : 'checkout', eventId: a.updatedBy ?? '' },
    b,
  );
}

/** A snapshot replaces the cart when it outranks what the profile already knows. */
export function applyCartSnapshot(cart: Cart | undefined, snapshot: CartSnapshot): Cart | undefined {
  if (cart !== undefined && !outranks(snapshot, cart)) return cart;
  const sameCart = cart?.cartId === snapshot.cartId;
  const checkoutId = snapshot.checkoutId ?? (sameCart ? cart?.checkoutId : undefined);
  const checkoutOrderId = snapshot.checkoutOrderId ?? (sameCart ? cart?.checkoutOrderId : undefined);
  const recoveryUrl = snapshot.recoveryUrl ?? (sameCart ? cart?.recoveryUrl : undefined);
  return {
    cartId: snapshot.cartId,
    ...(checkoutId !== undefined && { checkoutId }),
    ...(checkoutOrderId !== undefined && { checkoutOrderId }),
    ...(recoveryUrl !== undefined && { recoveryUrl }),
    ...(sameCart && cart?.checkoutStartedAt !== undefined && { checkoutStartedAt: cart.checkoutStartedAt }),
    lines: snapshot.lines,
    total: snapshot.total,
    status: 'open',
    updatedAt: snapshot.at,
    updatedBy: snapshot.eventId,
  };
}

export interface CartLineChange {
  cartId: string;
  action: 'added' | 'removed';
  line: Line;
  at: string;
  eventId: string;
}

/**
 * Applies one added/removed line. Changes to the same cart commute (quantities add up), so a late
 * change to the open cart still counts; a change to another cart replaces this one only if it
 * outranks it.
 */
export function applyCartLineChange(cart: Cart | undefined, change: CartLineChange): Cart | undefined {
  const sameCart = cart?.cartId === change.cartId;
  if (cart !== undefined && !sameCart && !outranks({ ...change, stage: 'cart' }, cart)) return cart;
  const startFresh =
    cart === undefined || !sameCart || (cart.status === 'ordered' && change.at > cart.updatedAt);
  const lines = startFresh ? [] : cart.lines.map((line) => ({ ...line }));
  const signed = change.action === 'added' ? change.line.quantity : -change.line.quantity;
  const existing = lines.find((line) => sameLine(line, change.line));
  if (existing) existing.quantity += signed;
  else if (signed > 0) lines.push({ ...change.line, quantity: signed });
  const kept = lines.filter((line) => line.quantity > 0);
  const total = totalOfLines(kept);
  const updatedAt = startFresh ? change.at : (latest(cart.updatedAt, change.at) ?? change.at);
  const { total: _previousTotal, ...previous } = startFresh ? ({} as Partial<Cart>) : cart;
  return {
    ...previous,
    cartId: change.cartId,
    lines: kept,
    ...(total !== undefined && { total }),
    status: 'open',
    updatedAt,
    updatedBy: updatedAt === change.at ? change.eventId : (cart?.updatedBy ?? change.eventId),
  };
}

function sameLine(a: Line, b: Line): boolean {
  return a.productId === b.productId && a.sku === b.sku && a.variantId === b.variantId;
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
 * Whether an order completes this cart. A checkout id, or the order id the checkout announced, is
 * used once, so a match closes the cart whenever the order was placed. Otherwise an order placed at
 * or after the cart's last change closes it unless it names another cart or another checkout: a
 * customer holds one cart at a time, and the spec's own Order Completed names no cart (and a checkout
 * id of its own), so demanding a match would leave bought carts open and remind people who paid.
 * A cart id the edge made up for a browser (an anonymous cart) can be named by no order.
 */
export function orderCompletesCart(orderId: string, order: OrderRecord, cart: Cart): boolean {
  if (order.placedAt === undefined) return false;
  if (order.checkoutId !== undefined && order.checkoutId === cart.checkoutId) return true;
  if (cart.checkoutOrderId !== undefined && cart.checkoutOrderId === orderId) return true;
  if (order.placedAt < cart.updatedAt) return false;
  if (cart.cartId.startsWith(ANONYMOUS_CART_PREFIX) && cart.checkoutId === undefined) return true;
  const anotherCart = order.cartId !== undefined && order.cartId !== cart.cartId;
  const anotherCheckout =
    order.checkoutId !== undefined && cart.checkoutId !== undefined && order.checkoutId !== cart.checkoutId;
  return !anotherCart && !anotherCheckout;
}

/**
 * When the order was placed that ended the previous cart under this id, for a cart changed at `at`:
 * the latest order before `at` that closes carts of this id by the rules above (one naming this
 * cart or no cart, or any order for an anonymous cart). Undefined for a cart id's first cart.
 * Derived from the orders alone, so it is the same whatever order the events arrived in: a browser's
 * cart id that comes back weeks after an order is a new cart, with journeys of its own.
 */
export function cartBeganAfter(
  orders: Record<string, OrderRecord>,
  cartId: string,
  at: string,
): string | undefined {
  let began: string | undefined;
  const anonymousCart = cartId.startsWith(ANONYMOUS_CART_PREFIX);
  for (const order of Object.values(orders)) {
    if (order.placedAt === undefined || order.placedAt >= at) continue;
    if (order.cartId === cartId || order.cartId === undefined || anonymousCart)
      began = latest(began, order.placedAt);
  }
  return began;
}

/**
 * The cart is "ordered" when one of the customer's orders completes it (see `orderCompletesCart`).
 * Derived from the orders every time, so an order that arrives before the cart updates it emptied
 * still closes the cart, whichever event came first.
 */
export function withOrderStatus(
  cart: Cart | undefined,
  orders: Record<string, OrderRecord>,
): Cart | undefined {
  if (cart === undefined) return undefined;
  const covering = Object.entries(orders).find(([orderId, order]) =>
    orderCompletesCart(orderId, order, cart),
  );
  if (covering === undefined) {
    const { orderId: _orderId, ...open } = cart;
    return { ...open, status: 'open' };
  }
  return { ...cart, status: 'ordered', orderId: covering[0] };
}
