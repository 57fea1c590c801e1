import { describe, expect, it } from 'vitest';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';
import { ingestEvents } from '#ingest/domain/ingest-events.ts';
import type { PlannedEvent } from '#local/simulate/shoppers/planned-event.ts';
import { SyntheticShoppers, type SyntheticShoppersOptions } from '#local/simulate/shoppers/shopper-model.ts';
import { formatCents, parseCents } from '#local/simulate/shoppers/synthetic-store.ts';

const START = Date.parse('2026-03-02T00:00:00Z');
const TICK = 60_000;
const HOUR = 60 * 60_000;

const shoppers = (options: Partial<SyntheticShoppersOptions> = {}) =>
  new SyntheticShoppers({ customers: 300, days: 30, seed: 7, start: START, tickMs: TICK, ...options });

const allEvents = (simulation: SyntheticShoppers) => simulation.eventsDue(simulation.end);

const ofCustomersUpTo = (events: PlannedEvent[], last: number) =>
  events.filter((planned) => Number(planned.customerId.slice(4)) <= last);

const linesCents = (lines: { quantity: number; price?: { amount: string } }[]) =>
  lines.reduce((sum, line) => sum + parseCents(line.price?.amount ?? 'missing') * line.quantity, 0);

describe('Function: SyntheticShoppers', () => {
  it('plans the same events for the same seed, however they are pulled', () => {
    // Prepare
    const atOnce = shoppers();
    const hourly = shoppers();

    // Act
    const first = allEvents(atOnce);
    const second: PlannedEvent[] = [];
    for (let until = START; until < hourly.end + HOUR; until += HOUR) second.push(...hourly.eventsDue(until));

    // Assess
    expect(first.length).toBeGreaterThan(1000);
    expect(second).toEqual(first);
    expect(hourly.groundTruth()).toEqual(atOnce.groundTruth());
  });

  it('plans different events for a different seed', () => {
    // Act
    const seven = allEvents(shoppers({ seed: 7 }));
    const eight = allEvents(shoppers({ seed: 8 }));

    // Assess
    expect(eight).not.toEqual(seven);
    const ids = new Set(seven.map((planned) => planned.event.id));
    expect(eight.some((planned) => ids.has(planned.event.id))).toBe(false);
  });

  it("keeps a customer's events the same when the customer count grows", () => {
    // Act
    const few = allEvents(shoppers({ customers: 50 }));
    const many = allEvents(shoppers({ customers: 300 }));

    // Assess
    expect(few.length).toBeGreaterThan(100);
    expect(ofCustomersUpTo(many, 50)).toEqual(few);
  });

  it('plans only events that the canonical schema and ingest accept unchanged', async () => {
    // Prepare
    const events = allEvents(shoppers());
    const published: CanonicalEvent[] = [];
    const publisher = {
      publish: async (batch: CanonicalEvent[]) => {
        published.push(...batch);
        return { unpublished: [] };
      },
    };

    // Act
    const parsed = events.map((planned) =>
      canonicalEventSchema.safeParse({ ...planned.event, storeId: 'store-1', origin: 'api' }),
    );
    const result = await ingestEvents(
      publisher,
      { storeId: 'store-1', origin: 'api' },
      events.map((planned) => ({
        kind: 'unchecked' as const,
        event: JSON.parse(JSON.stringify(planned.event)),
      })),
    );

    // Assess
    expect(parsed.filter((outcome) => !outcome.success).map((outcome) => outcome.error)).toEqual([]);
    parsed.forEach((outcome, index) => {
      expect(outcome.data).toEqual({ ...events[index]?.event, storeId: 'store-1', origin: 'api' });
    });
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toBe(events.length);
    expect(new Set(events.map((planned) => planned.event.id)).size).toBe(events.length);
    expect(new Set(events.map((planned) => planned.event.type)).size).toBe(8);
  });

  it('keeps every event on the tick grid, in order, and never two of one customer on one tick', () => {
    // Prepare
    const simulation = shoppers();

    // Act
    const events = allEvents(simulation);

    // Assess
    const ticks = new Set<string>();
    events.forEach((planned, index) => {
      expect(Date.parse(planned.event.occurredAt)).toBe(planned.at);
      expect((planned.at - START) % TICK).toBe(0);
      expect(planned.at).toBeGreaterThanOrEqual(START);
      expect(planned.at).toBeLessThan(simulation.end);
      expect(planned.event.identity).toEqual({
        customerId: planned.customerId,
        email: simulation.shopper(planned.customerId)?.email,
      });
      const previous = events[index - 1];
      if (previous !== undefined) {
        expect(previous.at <= planned.at).toBe(true);
        if (previous.at === planned.at) expect(previous.customerId < planned.customerId).toBe(true);
      }
      const key = `${planned.customerId}@${planned.at}`;
      expect(ticks.has(key)).toBe(false);
      ticks.add(key);
    });
  });

  it('makes every cart, checkout and order total the exact sum of its lines', () => {
    // Act
    const events = allEvents(shoppers());

    // Assess
    let checked = 0;
    for (const { event } of events) {
      if (
        event.type !== 'cart.updated' &&
        event.type !== 'checkout.started' &&
        event.type !== 'order.placed'
      ) {
        continue;
      }
      if (!('lines' in event.data)) throw new Error('a cart snapshot has lines');
      expect(event.data.lines.length).toBeGreaterThan(0);
      expect(event.data.total.amount).toBe(formatCents(linesCents(event.data.lines)));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('orders each cart at most once and ships or cancels each order at most once, after it was placed', () => {
    // Act
    const events = allEvents(shoppers());

    // Assess
    const orderedCarts = new Set<string>();
    const placedAt = new Map<string, number>();
    const closed = new Set<string>();
    for (const { event, at } of events) {
      if (event.type === 'order.placed') {
        expect(orderedCarts.has(event.data.cartId ?? '')).toBe(false);
        orderedCarts.add(event.data.cartId ?? '');
        placedAt.set(event.data.orderId, at);
      }
      if (event.type === 'order.fulfilled' || event.type === 'order.cancelled') {
        expect(placedAt.get(event.data.orderId)).toBeLessThan(at);
        expect(closed.has(event.data.orderId)).toBe(false);
        closed.add(event.data.orderId);
      }
    }
    expect(closed.size).toBeGreaterThan(10);
  });

  it('counts revenue in the ground truth as placed order totals minus cancelled ones', () => {
    // Prepare
    const simulation = shoppers();

    // Act
    const events = allEvents(simulation);
    const truth = simulation.groundTruth();

    // Assess
    const totals = new Map<string, { customerId: string; cents: number }>();
    for (const { event, customerId } of events) {
      if (event.type === 'order.placed') {
        totals.set(event.data.orderId, { customerId, cents: parseCents(event.data.total.amount) });
      }
      if (event.type === 'order.cancelled') totals.delete(event.data.orderId);
    }
    const counted = [...totals.values()];
    expect(truth.revenue.counted).toBe(formatCents(counted.reduce((sum, order) => sum + order.cents, 0)));
    expect(parseCents(truth.revenue.placed) - parseCents(truth.revenue.cancelled)).toBe(
      parseCents(truth.revenue.counted),
    );
    expect(truth.orders.counted).toBe(counted.length);
    const byCustomer = Object.values(truth.byCustomer);
    expect(byCustomer.reduce((sum, customer) => sum + customer.orders, 0)).toBe(counted.length);
    expect(byCustomer.reduce((sum, customer) => sum + parseCents(customer.revenue), 0)).toBe(
      parseCents(truth.revenue.counted),
    );
    expect(truth.events).toBe(events.length);
    expect(truth.eventsByType['product.viewed']).toBe(
      events.filter((planned) => planned.event.type === 'product.viewed').length,
    );
    expect(truth.customers).toBe(300);
  });

  it('says when the next event is due, and nothing once the period is over', () => {
    // Prepare
    const simulation = shoppers({ customers: 20 });

    // Act
    const next = simulation.nextEventAt();
    const early = simulation.eventsDue((next ?? START) - TICK);
    const due = simulation.eventsDue(next ?? START);
    allEvents(simulation);

    // Assess
    expect(early).toEqual([]);
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((planned) => planned.at === next)).toBe(true);
    expect(simulation.nextEventAt()).toBeUndefined();
    expect(simulation.eventsDue(simulation.end + 365 * 24 * HOUR)).toEqual([]);
  });

  it('plans a plausible month for 10,000 customers', () => {
    // Prepare
    const simulation = shoppers({ customers: 10_000, seed: 'plausible' });

    // Act
    let count = 0;
    for (let at = simulation.nextEventAt(); at !== undefined; at = simulation.nextEventAt()) {
      count += simulation.eventsDue(at).length;
    }
    const truth = simulation.groundTruth();

    // Assess
    console.info(
      `10,000 customers × 30 days: ${count} events, ${truth.orders.placed} orders, $${truth.revenue.counted} counted revenue`,
      truth.eventsByType,
    );
    expect(count).toBeGreaterThan(20_000);
    expect(count).toBeLessThan(200_000);
    expect(truth.orders.placed).toBeGreaterThan(1_000);
    expect(truth.orders.placed).toBeLessThan(truth.eventsByType['checkout.started']);
    expect(truth.orders.cancelled).toBeGreaterThan(0);
    expect(truth.eventsByType['customer.registered']).toBeGreaterThan(1_000);
    expect(truth.eventsByType['customer.registered']).toBeLessThan(2_000);
  });

  it('gives unique addresses, about 1 % bouncing and 0.1 % complaining at the SES simulator', () => {
    // Prepare
    const simulation = shoppers({ customers: 10_000, seed: 'addresses' });

    // Act
    const all = Array.from({ length: 10_000 }, (_, index) =>
      simulation.shopper(`sim-${String(index + 1).padStart(6, '0')}`),
    );

    // Assess
    const emails = all.map((shopper) => shopper?.email);
    expect(new Set(emails).size).toBe(10_000);
    const bounces = emails.filter((email) => email?.startsWith('bounce+sim-'));
    const complaints = emails.filter((email) => email?.startsWith('complaint+sim-'));
    expect(bounces.length).toBeGreaterThan(60);
    expect(bounces.length).toBeLessThan(150);
    expect(complaints.length).toBeGreaterThan(2);
    expect(complaints.length).toBeLessThan(30);
    expect(bounces.every((email) => email?.endsWith('@simulator.amazonses.com'))).toBe(true);
    const consenting = all.filter((shopper) => shopper?.marketingConsent).length;
    expect(consenting / 10_000).toBeGreaterThan(0.67);
    expect(consenting / 10_000).toBeLessThan(0.73);
  });

  it('fails for a customer count, period or tick it cannot simulate', () => {
    // Act
    const attempts = [
      () => shoppers({ customers: -1 }),
      () => shoppers({ customers: 1.5 }),
      () => shoppers({ customers: 1_000_000 }),
      () => shoppers({ days: 0 }),
      () => shoppers({ tickMs: 0 }),
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RangeError);
  });
});
