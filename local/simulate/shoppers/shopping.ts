/**
 * What a shopper does within a visit. Each step writes its event first and changes the shopper's state
 * only when the event was written, so the state never runs ahead of what the storefront sent.
 */
import { BEHAVIOUR, personaBehaviour } from './behaviour.ts';
import type { Random } from './random.ts';
import { ids, introduction, lineTotals } from './shopper-events.ts';
import { type CartLine, dropReorderVisits, type ShopperState, scheduleVisit } from './shopper-state.ts';
import { DAY_MS, HOUR_MS, localDaytime } from './simulated-time.ts';
import type { SyntheticProduct } from './synthetic-store.ts';
import type { VisitWriter } from './visit-writer.ts';

const RECENT_VIEWS = 5;

/** The first visit says who the shopper is: a registration, or the sync of an existing account. */
export function introduce(writer: VisitWriter, state: ShopperState): void {
  if (state.introduced) return;
  const type = state.shopper.isNew ? 'customer.registered' : 'customer.updated';
  if (writer.write(type, (at) => introduction(state, at)) !== undefined) state.introduced = true;
}

export function forgetStaleCart(state: ShopperState, now: number): void {
  if (
    state.openCart !== undefined &&
    now - state.openCart.updatedAt > BEHAVIOUR.cart.forgetAfterDays * DAY_MS
  ) {
    state.openCart = undefined;
  }
}

export function view(writer: VisitWriter, state: ShopperState, product: SyntheticProduct): boolean {
  if (writer.write('product.viewed', { product: product.event }) === undefined) return false;
  state.recentViews = [...state.recentViews.filter((seen) => seen !== product), product].slice(-RECENT_VIEWS);
  return true;
}

export function pickQuantity(random: Random): number {
  return Number(random.weightedKey(BEHAVIOUR.cart.quantityWeights));
}

/** Adds the lines one by one (a `cart.updated` with the whole cart each time) to the open or a new cart. */
export function addToCart(writer: VisitWriter, state: ShopperState, lines: readonly CartLine[]): boolean {
  for (const line of lines) {
    const cart = state.openCart ?? { cartId: ids.cart(writer.world, state), lines: [], updatedAt: 0 };
    const existing = cart.lines.find((held) => held.product === line.product);
    const updated = existing
      ? cart.lines.map((held) =>
          held === existing ? { ...held, quantity: held.quantity + line.quantity } : held,
        )
      : [...cart.lines, line];
    const at = writer.write('cart.updated', { cartId: cart.cartId, ...lineTotals(updated) });
    if (at === undefined) return false;
    state.openCart = { cartId: cart.cartId, lines: updated, updatedAt: at };
  }
  return true;
}

/** Starts checkout of the open cart; it becomes an order with the given probability. */
export function checkout(writer: VisitWriter, state: ShopperState, orderChance: number): void {
  const cart = state.openCart;
  if (cart === undefined) return;
  const checkoutId = ids.checkout(writer.world, state);
  const at = writer.write('checkout.started', { checkoutId, cartId: cart.cartId, ...lineTotals(cart.lines) });
  if (at === undefined) return;
  state.openCart = { ...cart, updatedAt: at };
  if (writer.random.chance(orderChance)) placeOrder(writer, state, checkoutId);
}

function placeOrder(writer: VisitWriter, state: ShopperState, checkoutId: string): void {
  const cart = state.openCart;
  if (cart === undefined) return;
  const { world, random } = writer;
  const orderId = ids.order(world, state);
  const at = writer.write('order.placed', {
    orderId,
    cartId: cart.cartId,
    checkoutId,
    ...lineTotals(cart.lines),
  });
  if (at === undefined) return;
  state.openCart = undefined;
  state.orders += 1;
  const persona = personaBehaviour(state.shopper.persona);
  for (const line of cart.lines) {
    const interval = line.product.reorderIntervalDays;
    if (interval === undefined) continue;
    state.lastBought.set(line.product.productId, { at, quantity: line.quantity });
    dropReorderVisits(state, line.product.productId);
    if (!random.chance(persona.reorderChance)) continue;
    const { intervalFactorMedian, intervalFactorSigma } = BEHAVIOUR.reorder;
    const due = at + interval * DAY_MS * random.logNormal(intervalFactorMedian, intervalFactorSigma);
    const visitAt = localDaytime(random, state.shopper.utcOffsetMinutes, due, at + DAY_MS);
    scheduleVisit(world, state, visitAt, { kind: 'reorder', productId: line.product.productId });
  }
  const { cancellation, fulfilment } = BEHAVIOUR;
  if (random.chance(cancellation.chance)) {
    const after = random.logNormal(cancellation.medianHours, cancellation.sigma) * HOUR_MS;
    writer.later(at + after, 'order.cancelled', { orderId, reason: 'customer-request' });
  } else {
    const after = random.logNormal(fulfilment.medianHours, fulfilment.sigma) * HOUR_MS;
    writer.later(at + after, 'order.fulfilled', { orderId });
  }
}
