/**
 * A journey's `exitWhen` goals, checked at every step: the first goal reached ends the run with its
 * reason. Goals on events are read from what the profile keeps of them (orders with their placement,
 * fulfilment and cancellation, the last checkout, cart change and views), so the check costs one
 * profile read and no event store; an event of the trigger's own type counts only after the
 * trigger, one of another type from the trigger's instant on (an order in the same millisecond as a
 * view ends that browse session).
 */
import type { EventType } from '#events/schemas.ts';
import { type Condition, type ConditionContext, evaluate } from '#journeys/definition/conditions.ts';
import type { Profile } from '#profiles/domain/profile.ts';

export type ExitGoal =
  | { event: EventType; where?: Condition; as: string }
  | { consent: 'email'; is: 'revoked'; as: string }
  | { when: Condition; as: string };

interface Occurrence {
  at: string;
  event: { type: EventType; data: Record<string, unknown> };
}

/** The reason of the first goal reached, or undefined to go on. */
export function exitGoalReached(
  goals: readonly ExitGoal[],
  trigger: { type: string; occurredAt: string },
  profile: Profile | undefined,
  context: ConditionContext,
): string | undefined {
  const since = new Date(trigger.occurredAt).toISOString();
  for (const goal of goals) {
    if ('consent' in goal) {
      if (profile?.consent.email?.status === 'revoked') return goal.as;
    } else if ('when' in goal) {
      if (evaluate(goal.when, context)) return goal.as;
    } else {
      const after = (at: string) => (goal.event === trigger.type ? at > since : at >= since);
      const seen = occurrencesOf(profile, goal.event).some(
        (occurrence) =>
          after(occurrence.at) &&
          (goal.where === undefined || evaluate(goal.where, { ...context, event: occurrence.event })),
      );
      if (seen) return goal.as;
    }
  }
  return undefined;
}

/** What the profile keeps of the events of one type, with their times. */
export function occurrencesOf(profile: Profile | undefined, type: EventType): Occurrence[] {
  if (profile === undefined) return [];
  const orders = Object.entries(profile.orders);
  const orderEvent = (orderId: string, order: Profile['orders'][string]) => ({
    orderId,
    ...(order.cartId && { cartId: order.cartId }),
    ...(order.checkoutId && { checkoutId: order.checkoutId }),
    ...(order.total && { total: order.total }),
    ...(order.lines && { lines: order.lines }),
  });
  const at = (time: string | undefined, data: Record<string, unknown>): Occurrence[] =>
    time === undefined ? [] : [{ at: time, event: { type, data } }];
  switch (type) {
    case 'order.placed':
      return orders.flatMap(([orderId, order]) => at(order.placedAt, orderEvent(orderId, order)));
    case 'order.fulfilled':
      return orders.flatMap(([orderId, order]) => at(order.fulfilledAt, { orderId }));
    case 'order.cancelled':
      return orders.flatMap(([orderId, order]) => at(order.cancelledAt, { orderId }));
    case 'order.updated':
      return orders.flatMap(([orderId, order]) => at(order.updatedAt, orderEvent(orderId, order)));
    case 'checkout.started':
      return at(profile.lifecycle.checkoutStartedAt, {
        ...(profile.cart?.checkoutId && { checkoutId: profile.cart.checkoutId }),
      });
    case 'cart.updated':
      return at(profile.lifecycle.lastCartActivityAt, {
        ...(profile.cart && { cartId: profile.cart.cartId }),
      });
    case 'product.viewed':
      return profile.recentViews.flatMap((view) => at(view.viewedAt, { product: view }));
    case 'customer.registered':
      return at(profile.lifecycle.registeredAt, {});
    case 'customer.updated':
    case 'order.refunded':
      return [];
  }
}
