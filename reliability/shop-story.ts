/**
 * A seeded stream of canonical events from shoppers who browse anonymously, check out as guests,
 * register, order, cancel and get their orders fulfilled — and, next to it, the ground truth every
 * reliability run checks the stored profiles against: per person the orders that count and the
 * revenue per currency in exact minor units, computed here from the facts, not by the profile code.
 */
import type { UnstampedEvent } from '#events/schemas.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { type SeededRandom, seededRandom } from './seeded-random.ts';

export interface ShopStoryOptions {
  seed: number;
  events: number;
  /** @default - one shopper per 40 events */
  shoppers?: number;
  /** Time of the first event, ms since the epoch. */
  startAt: number;
  /** Event times are this far apart, so every event has its own time. @default 1000 */
  spacingMs?: number;
  /** The shoppers' time zone (journeys keep quiet hours in it). @default 'Etc/UTC' */
  timeZone?: string;
}

export interface PersonTruth {
  /** The strongest identity the person's events carry: where their profile must be found. */
  key: IdentityKey;
  /** Every identity the person could have appeared under, strongest first. */
  keys: IdentityKey[];
  /** Orders placed and not cancelled. */
  orderCount: number;
  /** Revenue of those orders per currency, in minor units. */
  revenueMinor: Record<string, bigint>;
  eventIds: string[];
}

export interface ShopStory {
  /** In the order they happened. */
  events: UnstampedEvent[];
  people: PersonTruth[];
}

/** Minor-unit digits of the currencies the story uses (JPY has none, which catches rounding to cents). */
export const CURRENCY_DIGITS: Readonly<Record<string, number>> = { USD: 2, EUR: 2, JPY: 0 };

/** A profile keeps its last 200 event ids; staying below that keeps every event visible to the audit. */
const MAX_EVENTS_PER_SHOPPER = 150;
const CATEGORIES = ['tea', 'coffee', 'mugs', 'snacks', 'gifts'] as const;
const PRODUCTS = Array.from({ length: 60 }, (_, index) => ({
  productId: `p-${index}`,
  category: CATEGORIES[index % CATEGORIES.length] as string,
  baseMinor: 199 + ((index * 733) % 4800),
}));

interface OrderFact {
  orderId: string;
  currency: string;
  minor: bigint;
  cancelled: boolean;
  fulfilled: boolean;
}

interface Shopper {
  customerId: string;
  email: string;
  anonymousId: string;
  registered: boolean;
  usedEmail: boolean;
  events: string[];
  cartId: string | undefined;
  /** Set once checkout started on the current cart; orders then sometimes name the checkout instead. */
  checkoutId: string | undefined;
  carts: number;
  orders: OrderFact[];
}

export function generateShopStory(options: ShopStoryOptions): ShopStory {
  const random = seededRandom(options.seed);
  const shopperCount = options.shoppers ?? Math.max(1, Math.ceil(options.events / 40));
  if (shopperCount * MAX_EVENTS_PER_SHOPPER < options.events) {
    throw new RangeError(
      `${options.events} events need at least ${Math.ceil(options.events / MAX_EVENTS_PER_SHOPPER)} shoppers`,
    );
  }
  const prefix = `r${options.seed}`;
  const shoppers: Shopper[] = Array.from({ length: shopperCount }, (_, index) => ({
    customerId: `${prefix}-customer-${index}`,
    email: `shopper-${index}@example.com`,
    anonymousId: `${prefix}-device-${index}`,
    registered: false,
    usedEmail: false,
    events: [],
    cartId: undefined,
    checkoutId: undefined,
    carts: 0,
    orders: [],
  }));
  // Half of them browse anonymously first, so their profiles are joined when they identify.
  const anonymousFirst = shoppers.map(() => random.chance(0.5));
  const spacingMs = options.spacingMs ?? 1000;
  const timeZone = options.timeZone ?? 'Etc/UTC';

  const events: UnstampedEvent[] = [];
  for (let index = 0; index < options.events; index += 1) {
    let shopperIndex = random.int(shopperCount);
    while ((shoppers[shopperIndex] as Shopper).events.length >= MAX_EVENTS_PER_SHOPPER) {
      shopperIndex = (shopperIndex + 1) % shopperCount;
    }
    const shopper = shoppers[shopperIndex] as Shopper;
    const base = {
      id: `${prefix}-event-${index}`,
      version: 1 as const,
      occurredAt: new Date(options.startAt + index * spacingMs).toISOString(),
    };
    const context: StepContext = { random, shopper, base, timeZone, orderId: `${prefix}-order-${index}` };
    const staysAnonymous =
      anonymousFirst[shopperIndex] === true && (shopper.events.length === 0 || random.chance(0.75));
    const event = shopper.registered
      ? customerEvent(context)
      : staysAnonymous
        ? anonymousEvent(context)
        : registration(context);
    shopper.events.push(event.id);
    events.push(event);
  }
  return { events, people: shoppers.map(truthOf) };
}

interface StepContext {
  random: SeededRandom;
  shopper: Shopper;
  base: { id: string; version: 1; occurredAt: string };
  timeZone: string;
  orderId: string;
}

function registration({ shopper, base, timeZone }: StepContext): UnstampedEvent {
  shopper.registered = true;
  shopper.usedEmail = true;
  return {
    ...base,
    type: 'customer.registered',
    identity: { customerId: shopper.customerId, email: shopper.email, anonymousId: shopper.anonymousId },
    data: {
      attributes: { firstName: 'Shopper', timeZone },
      consent: [
        {
          channel: 'email',
          purpose: 'marketing',
          status: 'granted',
          source: 'reliability-run',
          recordedAt: base.occurredAt,
        },
      ],
    },
  };
}

/** Before registering: browsing and carts under the device id, now and then a guest checkout by e-mail. */
function anonymousEvent(context: StepContext): UnstampedEvent {
  const { random, shopper, base } = context;
  const roll = random.next();
  if (roll < 0.15) {
    shopper.usedEmail = true;
    return orderPlaced(context, { email: shopper.email, anonymousId: shopper.anonymousId });
  }
  if (roll < 0.4) return cartUpdated(context, { anonymousId: shopper.anonymousId });
  return {
    ...base,
    type: 'product.viewed',
    identity: { anonymousId: shopper.anonymousId },
    data: { product: product(random) },
  };
}

function customerEvent(context: StepContext): UnstampedEvent {
  const { random, shopper, base } = context;
  const identity = { customerId: shopper.customerId };
  const roll = random.next();
  const unfulfilled = shopper.orders.filter((order) => !order.fulfilled && !order.cancelled);
  const cancellable = shopper.orders.filter((order) => !order.cancelled);
  if (roll < 0.15) return orderPlaced(context, { customerId: shopper.customerId, email: shopper.email });
  if (roll < 0.22 && unfulfilled.length > 0) {
    const order = random.pick(unfulfilled);
    order.fulfilled = true;
    return { ...base, type: 'order.fulfilled', identity, data: { orderId: order.orderId } };
  }
  if (roll < 0.25 && cancellable.length > 0) {
    const order = random.pick(cancellable);
    order.cancelled = true;
    return {
      ...base,
      type: 'order.cancelled',
      identity,
      data: { orderId: order.orderId, reason: 'customer' },
    };
  }
  if (roll < 0.3) {
    return {
      ...base,
      type: 'customer.updated',
      identity,
      data: { attributes: { firstName: random.pick(['Ada', 'Grace', 'Alan', 'Edsger']) }, consent: [] },
    };
  }
  if (roll < 0.35 && shopper.cartId !== undefined) {
    const lines = orderLines(random, 'USD');
    shopper.checkoutId = `${shopper.cartId}-checkout`;
    return {
      ...base,
      type: 'checkout.started',
      identity,
      data: { checkoutId: shopper.checkoutId, cartId: shopper.cartId, lines, total: totalOf(lines, 'USD') },
    };
  }
  if (roll < 0.55) return cartUpdated(context, identity);
  return { ...base, type: 'product.viewed', identity, data: { product: product(random) } };
}

function cartUpdated(
  { random, shopper, base }: StepContext,
  identity: { customerId?: string; anonymousId?: string },
): UnstampedEvent {
  if (shopper.cartId === undefined || random.chance(0.2)) {
    shopper.carts += 1;
    shopper.cartId = `${shopper.anonymousId}-cart-${shopper.carts}`;
    shopper.checkoutId = undefined;
  }
  const lines = orderLines(random, 'USD');
  return {
    ...base,
    type: 'cart.updated',
    identity,
    data: { cartId: shopper.cartId, lines, total: totalOf(lines, 'USD') },
  };
}

function orderPlaced(
  { random, shopper, base, orderId }: StepContext,
  identity: { customerId?: string; email?: string; anonymousId?: string },
): UnstampedEvent {
  const roll = random.next();
  const currency = roll < 0.85 ? 'USD' : roll < 0.95 ? 'EUR' : 'JPY';
  const lines = orderLines(random, currency);
  const total = totalOf(lines, currency);
  shopper.orders.push({
    orderId,
    currency,
    minor: minorOf(lines, currency),
    cancelled: false,
    fulfilled: false,
  });
  // Shop systems name the cart, the checkout (Shopify orders carry only the checkout), or neither.
  const names = random.next();
  const link =
    shopper.checkoutId !== undefined && names < 0.5
      ? { checkoutId: shopper.checkoutId }
      : shopper.cartId !== undefined && names < 0.85
        ? { cartId: shopper.cartId }
        : {};
  // The cart is ordered; the next cart update starts a new one.
  shopper.cartId = undefined;
  shopper.checkoutId = undefined;
  return { ...base, type: 'order.placed', identity, data: { orderId, ...link, lines, total } };
}

function product(random: SeededRandom) {
  const { productId, category } = random.pick(PRODUCTS);
  return { productId, category };
}

interface PricedLine {
  productId: string;
  category: string;
  quantity: number;
  price: { amount: string; currency: string };
}

function orderLines(random: SeededRandom, currency: string): PricedLine[] {
  return Array.from({ length: 1 + random.int(3) }, () => {
    const { productId, category, baseMinor } = random.pick(PRODUCTS);
    // Yen prices are whole yen of about the same size as the dollar price in cents.
    const minor = currency === 'JPY' ? BigInt(baseMinor) : BigInt(baseMinor + random.int(100));
    return {
      productId,
      category,
      quantity: 1 + random.int(3),
      price: { amount: decimalOf(minor, currency), currency },
    };
  });
}

function minorOf(lines: PricedLine[], currency: string): bigint {
  return lines.reduce(
    (sum, line) => sum + minorFromDecimal(line.price.amount, currency) * BigInt(line.quantity),
    0n,
  );
}

function totalOf(lines: PricedLine[], currency: string) {
  return { amount: decimalOf(minorOf(lines, currency), currency), currency };
}

/** 1999n USD → "19.99"; written here rather than borrowed so the truth does not share the code under test. */
export function decimalOf(minor: bigint, currency: string): string {
  const digits = digitsOf(currency);
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** "19.9" USD → 1990n; throws on anything that is not a plain non-negative decimal. */
export function minorFromDecimal(amount: string, currency: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  if (match === null) throw new RangeError(`not a decimal amount: ${amount}`);
  const digits = digitsOf(currency);
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  if (fraction.length > digits) throw new RangeError(`${amount} has too many decimals for ${currency}`);
  return BigInt(`${match[1]}${fraction}`);
}

function digitsOf(currency: string): number {
  const digits = CURRENCY_DIGITS[currency];
  if (digits === undefined) throw new RangeError(`the story does not use ${currency}`);
  return digits;
}

function truthOf(shopper: Shopper): PersonTruth {
  const key: IdentityKey = shopper.registered
    ? `customer:${shopper.customerId}`
    : shopper.usedEmail
      ? `email:${shopper.email}`
      : `anonymous:${shopper.anonymousId}`;
  const revenueMinor: Record<string, bigint> = {};
  let orderCount = 0;
  for (const order of shopper.orders) {
    if (order.cancelled) continue;
    orderCount += 1;
    revenueMinor[order.currency] = (revenueMinor[order.currency] ?? 0n) + order.minor;
  }
  const keys: IdentityKey[] = [
    `customer:${shopper.customerId}`,
    `email:${shopper.email}`,
    `anonymous:${shopper.anonymousId}`,
  ];
  return { key, keys, orderCount, revenueMinor, eventIds: shopper.events };
}
