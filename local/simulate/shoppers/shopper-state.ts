/**
 * One shopper's state and agenda. Visits are planned when they begin, from the state at that moment, and
 * the state changes as the visit is planned (an ordered cart is gone at once), so every later visit, and
 * every reaction to mail, starts from what the shopper has already done.
 */
import type { PlannedEvent } from './planned-event.ts';
import { forkRandom, type Random } from './random.ts';
import type { Shopper } from './shopper-identity.ts';
import { atLeastOneTick, tickAtOrAfter, type World } from './simulated-time.ts';
import type { SyntheticProduct } from './synthetic-store.ts';

export interface CartLine {
  product: SyntheticProduct;
  quantity: number;
}

export interface OpenCart {
  cartId: string;
  lines: CartLine[];
  updatedAt: number;
}

export type Visit =
  | { kind: 'organic' }
  /** Runs out of a tea or coffee and buys it again. */
  | { kind: 'reorder'; productId: string }
  /** Follows a click in a mail; `purchase` was decided when the mail was clicked. */
  | { kind: 'mail-click'; journey: string; step: string; purchase: boolean; random: Random };

export interface ScheduledEvent {
  kind: 'event';
  at: number;
  order: number;
  planned: PlannedEvent;
  /** The journey whose mail led to this order, for the ground truth. */
  cause?: string;
}

export interface ScheduledVisit {
  kind: 'visit';
  at: number;
  order: number;
  visit: Visit;
}

export type AgendaItem = ScheduledEvent | ScheduledVisit;

export interface ShopperState {
  shopper: Shopper;
  /** The shopper's own stream for everything not caused by mail. */
  random: Random;
  /** Registered or synced: the first visit says who they are. */
  introduced: boolean;
  /** Sorted by time; events before visits at the same time, then by insertion. */
  agenda: AgendaItem[];
  /** Ticks of the events on the agenda, so no two events of one shopper share one. */
  takenTicks: Set<number>;
  /** Time of the last event of the latest visit: the next visit starts after it. */
  busyUntil: number;
  /** Time of the last event handed out; every new event comes later. */
  lastHandedOutAt: number;
  counters: { event: number; agenda: number; cart: number; checkout: number; order: number; mail: number };
  openCart: OpenCart | undefined;
  /** Most recent last, at most a few. */
  recentViews: SyntheticProduct[];
  /** Replenishable products bought, with the time and quantity of the latest purchase. */
  lastBought: Map<string, { at: number; quantity: number }>;
  orders: number;
}

export function createShopperState(world: World, shopper: Shopper): ShopperState {
  return {
    shopper,
    random: forkRandom(world.seed, 'behaviour', shopper.number),
    introduced: false,
    agenda: [],
    takenTicks: new Set(),
    busyUntil: world.start - world.tickMs,
    lastHandedOutAt: world.start - world.tickMs,
    counters: { event: 0, agenda: 0, cart: 0, checkout: 0, order: 0, mail: 0 },
    openCart: undefined,
    recentViews: [],
    lastBought: new Map(),
    orders: 0,
  };
}

/** The first free tick at or after `at`, after every event already handed out. */
export function claimTick(world: World, state: ShopperState, at: number): number {
  let tick = tickAtOrAfter(world, Math.max(at, state.lastHandedOutAt + world.tickMs));
  while (state.takenTicks.has(tick)) tick += world.tickMs;
  return tick;
}

export function scheduleEvent(state: ShopperState, item: Omit<ScheduledEvent, 'kind' | 'order'>): void {
  state.takenTicks.add(item.at);
  insert(state, { kind: 'event', order: state.counters.agenda++, ...item });
}

/** Plans a visit; one that would start inside another visit starts after it. Nothing at or after the end. */
export function scheduleVisit(world: World, state: ShopperState, at: number, visit: Visit): void {
  const start = tickAtOrAfter(world, Math.max(at, state.busyUntil + world.tickMs));
  if (start >= world.end) return;
  insert(state, { kind: 'visit', at: start, order: state.counters.agenda++, visit });
}

/** After a visit was planned, moves visits it now overlaps to after it. */
export function postponeOverlappedVisits(world: World, state: ShopperState): void {
  if (!state.agenda.some((item) => item.kind === 'visit' && item.at <= state.busyUntil)) return;
  const overlapped = state.agenda.filter(
    (item): item is ScheduledVisit => item.kind === 'visit' && item.at <= state.busyUntil,
  );
  state.agenda = state.agenda.filter((item) => !overlapped.includes(item as ScheduledVisit));
  for (const item of overlapped) {
    scheduleVisit(world, state, state.busyUntil + atLeastOneTick(world, 5 * 60_000), item.visit);
  }
}

export function dropReorderVisits(state: ShopperState, productId: string): void {
  state.agenda = state.agenda.filter(
    (item) => item.kind !== 'visit' || item.visit.kind !== 'reorder' || item.visit.productId !== productId,
  );
}

function insert(state: ShopperState, item: AgendaItem): void {
  const { agenda } = state;
  let low = 0;
  let high = agenda.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (comesBefore(agenda[middle] as AgendaItem, item)) low = middle + 1;
    else high = middle;
  }
  agenda.splice(low, 0, item);
}

function comesBefore(a: AgendaItem, b: AgendaItem): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.kind !== b.kind) return a.kind === 'event';
  return a.order < b.order;
}
