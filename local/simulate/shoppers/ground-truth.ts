/**
 * What the simulation sent, tallied as it hands events out, to check the pipeline against: nothing lost,
 * nothing counted twice. Orders and revenue count as the profiles do: placed and not cancelled.
 */
import { EVENT_TYPES, type EventType } from '#events/schemas.ts';
import type { ScheduledEvent } from './shopper-state.ts';
import { formatCents, parseCents, STORE_CURRENCY } from './synthetic-store.ts';

export interface GroundTruth {
  customers: number;
  /** Events handed out by `eventsDue` so far. */
  events: number;
  eventsByType: Record<EventType, number>;
  orders: {
    placed: number;
    cancelled: number;
    fulfilled: number;
    /** Placed and not cancelled: what the profiles' order counts add up to. */
    counted: number;
  };
  /** Exact decimal strings; `counted` = `placed` − `cancelled`. */
  revenue: { currency: string; placed: string; cancelled: string; counted: string };
  /** Counted orders placed in the visit a mail click led to, by the mail's journey. */
  ordersAfterMailClick: Record<string, { orders: number; revenue: string }>;
  /** Customers with an order handed out, by customer id: counted orders and revenue. */
  byCustomer: Record<string, { orders: number; revenue: string }>;
}

interface OrderFacts {
  customerId: string;
  cents: number;
  cause: string | undefined;
}

export class GroundTruthTally {
  private readonly byType = new Map<EventType, number>(EVENT_TYPES.map((type) => [type, 0]));
  private readonly orders = new Map<string, OrderFacts>();
  private readonly byCustomer = new Map<string, { orders: number; cents: number }>();
  private readonly byCause = new Map<string, { orders: number; cents: number }>();
  private events = 0;
  private placedCents = 0;
  private cancelledCents = 0;

  record(item: ScheduledEvent): void {
    const { event, customerId } = item.planned;
    this.events += 1;
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    if (event.type === 'order.placed') {
      const cents = parseCents(event.data.total.amount);
      this.orders.set(event.data.orderId, { customerId, cents, cause: item.cause });
      this.placedCents += cents;
      this.add(customerId, item.cause, 1, cents);
    } else if (event.type === 'order.cancelled') {
      const order = this.orders.get(event.data.orderId);
      if (order === undefined) return;
      this.cancelledCents += order.cents;
      this.add(order.customerId, order.cause, -1, -order.cents);
    }
  }

  snapshot(customers: number): GroundTruth {
    const count = (type: EventType) => this.byType.get(type) ?? 0;
    const render = (tallies: Map<string, { orders: number; cents: number }>) =>
      Object.fromEntries(
        [...tallies.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, { orders, cents }]) => [key, { orders, revenue: formatCents(cents) }]),
      );
    return {
      customers,
      events: this.events,
      eventsByType: Object.fromEntries(EVENT_TYPES.map((type) => [type, count(type)])) as Record<
        EventType,
        number
      >,
      orders: {
        placed: count('order.placed'),
        cancelled: count('order.cancelled'),
        fulfilled: count('order.fulfilled'),
        counted: count('order.placed') - count('order.cancelled'),
      },
      revenue: {
        currency: STORE_CURRENCY,
        placed: formatCents(this.placedCents),
        cancelled: formatCents(this.cancelledCents),
        counted: formatCents(this.placedCents - this.cancelledCents),
      },
      ordersAfterMailClick: render(this.byCause),
      byCustomer: render(this.byCustomer),
    };
  }

  private add(customerId: string, cause: string | undefined, orders: number, cents: number): void {
    const customer = this.byCustomer.get(customerId) ?? { orders: 0, cents: 0 };
    this.byCustomer.set(customerId, { orders: customer.orders + orders, cents: customer.cents + cents });
    if (cause === undefined) return;
    const journey = this.byCause.get(cause) ?? { orders: 0, cents: 0 };
    this.byCause.set(cause, { orders: journey.orders + orders, cents: journey.cents + cents });
  }
}
