/** The kinds of visit, each planned from the shopper's state when it begins, and when the next one comes. */
import { assertUnreachable } from '#shared/errors.ts';
import { BEHAVIOUR, personaBehaviour } from './behaviour.ts';
import type { Random } from './random.ts';
import {
  type CartLine,
  postponeOverlappedVisits,
  type ShopperState,
  scheduleVisit,
  type Visit,
} from './shopper-state.ts';
import { addToCart, checkout, forgetStaleCart, introduce, pickQuantity, view } from './shopping.ts';
import { DAY_MS, localDaytime, MINUTE_MS, type World } from './simulated-time.ts';
import {
  pickByPopularity,
  pickProduct,
  productById,
  REPLENISHABLE_PRODUCTS,
  type SyntheticProduct,
} from './synthetic-store.ts';
import { VisitWriter } from './visit-writer.ts';

export function runVisit(world: World, state: ShopperState, visit: Visit, at: number): void {
  const random = visit.kind === 'mail-click' ? visit.random : state.random;
  const writer = new VisitWriter(
    world,
    state,
    random,
    at,
    visit.kind === 'mail-click' ? visit.journey : undefined,
  );
  forgetStaleCart(state, at);
  introduce(writer, state);
  switch (visit.kind) {
    case 'organic':
      organicVisit(writer, state);
      break;
    case 'reorder':
      reorderVisit(writer, state, visit.productId);
      break;
    case 'mail-click':
      mailClickVisit(writer, state, visit);
      break;
    default:
      assertUnreachable(visit);
  }
  postponeOverlappedVisits(world, state);
  if (visit.kind === 'organic') scheduleOrganicVisit(world, state, state.busyUntil);
}

/** The first visits: a new shopper's registration, an existing one's next visit and pending reorder. */
export function planFirstVisits(world: World, state: ShopperState): void {
  const { shopper, random } = state;
  if (shopper.isNew) {
    const around = world.start + random.float() * (world.end - world.start);
    scheduleVisit(world, state, localDaytime(random, shopper.utcOffsetMinutes, around, world.start), {
      kind: 'organic',
    });
    return;
  }
  if (shopper.persona === 'loyal-reorderer') {
    // Bought before the start (not sent: see BEHAVIOUR) and runs out at some point within the interval.
    const product = favouriteReplenishable(random, state);
    const interval = (product.reorderIntervalDays ?? 30) * DAY_MS;
    const due = world.start + random.float() * interval;
    state.lastBought.set(product.productId, { at: due - interval, quantity: pickQuantity(random) });
    scheduleVisit(world, state, localDaytime(random, shopper.utcOffsetMinutes, due, world.start), {
      kind: 'reorder',
      productId: product.productId,
    });
  }
  scheduleOrganicVisit(world, state, world.start);
}

function scheduleOrganicVisit(world: World, state: ShopperState, after: number): void {
  const { random, shopper } = state;
  const from = Math.max(after, world.start);
  const around = from + random.exponential(DAY_MS / personaBehaviour(shopper.persona).sessionsPerDay);
  const at = localDaytime(random, shopper.utcOffsetMinutes, around, from + 30 * MINUTE_MS);
  scheduleVisit(world, state, at, { kind: 'organic' });
}

function organicVisit(writer: VisitWriter, state: ShopperState): void {
  const { random } = writer;
  const persona = personaBehaviour(state.shopper.persona);
  if (state.openCart !== undefined && random.chance(persona.resumeCartChance)) {
    checkout(writer, state, persona.orderChance);
    return;
  }
  const viewed: SyntheticProduct[] = [];
  const views = random.int(...persona.viewsPerSession);
  for (let i = 0; i < views; i += 1) {
    const product = random.chance(persona.categoryLoyalty)
      ? pickProduct(random, state.shopper.favouriteCategory)
      : pickProduct(random);
    // A second look at the product just seen is not a new view.
    if (product === viewed.at(-1)) continue;
    if (!view(writer, state, product)) return;
    viewed.push(product);
  }
  if (state.orders >= persona.maxOrganicOrders || !random.chance(persona.cartChance)) return;
  const lines: CartLine[] = [{ product: random.pick(viewed), quantity: pickQuantity(random) }];
  const other = viewed.find((product) => product !== lines[0]?.product);
  if (other !== undefined && random.chance(BEHAVIOUR.cart.secondLineChance))
    lines.push({ product: other, quantity: pickQuantity(random) });
  if (!addToCart(writer, state, lines)) return;
  if (random.chance(persona.checkoutChance)) checkout(writer, state, persona.orderChance);
}

function reorderVisit(writer: VisitWriter, state: ShopperState, productId: string): void {
  const product = productById(productId);
  if (product === undefined || !view(writer, state, product)) return;
  const quantity = state.lastBought.get(productId)?.quantity ?? 1;
  if (!addToCart(writer, state, [{ product, quantity }])) return;
  checkout(writer, state, personaBehaviour(state.shopper.persona).orderChance);
}

/** The click lands on what the mail was about; when the shopper buys, they buy that. */
function mailClickVisit(
  writer: VisitWriter,
  state: ShopperState,
  visit: Extract<Visit, { kind: 'mail-click' }>,
): void {
  if (visit.journey === 'cart-abandonment') {
    // The reminder links to the cart; a cart ordered or forgotten meanwhile leaves nothing to buy.
    const cart = state.openCart;
    if (cart !== undefined && visit.purchase) checkout(writer, state, 1);
    else view(writer, state, cart?.lines[0]?.product ?? productOfMail(writer.random, state, visit.journey));
    return;
  }
  const product = productOfMail(writer.random, state, visit.journey);
  if (!view(writer, state, product) || !visit.purchase) return;
  const quantity =
    visit.journey === 'replenishment'
      ? (state.lastBought.get(product.productId)?.quantity ?? 1)
      : pickQuantity(writer.random);
  if (addToCart(writer, state, [{ product, quantity }])) checkout(writer, state, 1);
}

function productOfMail(random: Random, state: ShopperState, journey: string): SyntheticProduct {
  if (journey === 'browse-abandonment') {
    const last = state.recentViews.at(-1);
    if (last !== undefined) return last;
  }
  if (journey === 'replenishment') {
    const latest = [...state.lastBought.entries()].sort(([, a], [, b]) => b.at - a.at)[0];
    const product = latest === undefined ? undefined : productById(latest[0]);
    if (product !== undefined) return product;
  }
  return random.chance(0.6) ? pickProduct(random, state.shopper.favouriteCategory) : pickProduct(random);
}

function favouriteReplenishable(random: Random, state: ShopperState): SyntheticProduct {
  const favourites = REPLENISHABLE_PRODUCTS.filter(
    (product) => product.category === state.shopper.favouriteCategory,
  );
  return pickByPopularity(random, favourites.length > 0 ? favourites : REPLENISHABLE_PRODUCTS);
}
