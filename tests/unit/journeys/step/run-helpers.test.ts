import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import type { Condition } from '#journeys/definition/conditions.ts';
import { chooseRandomSplit, chooseSplit } from '#journeys/step/branches.ts';
import { type ExitGoal, exitGoalReached } from '#journeys/step/exit-goals.ts';
import { cartIdOf } from '#journeys/step/subject.ts';
import { dateFromContext, nextLocalTime } from '#journeys/step/wait-until.ts';
import { applyEvent } from '#profiles/domain/apply-event.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

describe('Function: nextLocalTime', () => {
  it("finds the next 10:00 on the customer's allowed weekdays", () => {
    // Act: Friday 2026-06-05 12:00 in Tokyo; Tuesday to Thursday only.
    const next = nextLocalTime(new Date('2026-06-05T03:00:00Z'), 'Asia/Tokyo', '10:00', [
      'tue',
      'wed',
      'thu',
    ]);

    // Assess: Tuesday 2026-06-09 10:00 JST.
    expect(next.toISOString()).toBe('2026-06-09T01:00:00.000Z');
  });

  it('takes today when the time is still to come, and any day without a list', () => {
    // Act
    const next = nextLocalTime(new Date('2026-06-05T06:00:00Z'), 'Europe/Berlin', '10:00');

    // Assess
    expect(next.toISOString()).toBe('2026-06-05T08:00:00.000Z');
  });

  it('takes the first instant after a DST gap that swallows the time', () => {
    // Act: 02:30 does not exist in Berlin on 2026-03-29.
    const next = nextLocalTime(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin', '02:30');

    // Assess
    expect(next.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('Function: dateFromContext', () => {
  it('reads a date and moves it by the offset, never to before now', () => {
    // Prepare
    const context = {
      now: new Date('2026-06-01T00:00:00Z'),
      facts: { reorderDueAt: '2026-06-30T09:00:00.000Z' },
    };

    // Act + Assess
    expect(dateFromContext('facts.reorderDueAt', '-3d', context)?.toISOString()).toBe(
      '2026-06-27T09:00:00.000Z',
    );
    expect(dateFromContext('facts.reorderDueAt', '-60d', context)?.toISOString()).toBe(
      '2026-06-01T00:00:00.000Z',
    );
    expect(dateFromContext('facts.missing', undefined, context)).toBeUndefined();
  });
});

describe('Functions: chooseSplit and chooseRandomSplit', () => {
  const context = { now: new Date(), profile: { orderSummary: { count: 2 } } };
  const when = (count: number): Condition => ({ 'profile.orderSummary.count': { gte: count } });

  it('takes the first branch whose condition holds, else the else, else none', () => {
    expect(
      chooseSplit([{ when: when(3), to: 'a' }, { when: when(2), to: 'b' }, { else: 'c' }], context),
    ).toBe('b');
    expect(chooseSplit([{ when: when(3), to: 'a' }, { else: 'c' }], context)).toBe('c');
    expect(chooseSplit([{ when: when(3), to: 'a' }], context)).toBeUndefined();
  });

  it('splits customers by weight, the same way every time', () => {
    // Act
    const picks = Array.from({ length: 4000 }, (_, n) =>
      chooseRandomSplit(
        [
          { weight: 1, to: 'a' },
          { weight: 3, to: 'b' },
        ],
        `journey:node:customer-${n}`,
      ),
    );

    // Assess
    const share = picks.filter((pick) => pick === 'b').length / picks.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    expect(
      chooseRandomSplit(
        [
          { weight: 1, to: 'a' },
          { weight: 3, to: 'b' },
        ],
        'journey:node:customer-7',
      ),
    ).toBe(picks[7]);
  });
});

describe('Function: exitGoalReached, against the exit conditions the hand-written journeys check today', () => {
  const journeys = loadJourneys();
  const goalsOf = (id: string) =>
    (journeys.find((journey) => journey.id === id)?.exitWhen ?? []) as ExitGoal[];
  const who = { customerId: 'c-1', email: 'ann@example.com' };
  const at = (minutes: number) => new Date(Date.UTC(2026, 5, 1, 10, minutes)).toISOString();
  const line = { productId: 'tea', quantity: 1, price: usd('5.00') };
  const events = {
    view: canonical({
      id: 'v',
      type: 'product.viewed',
      occurredAt: at(0),
      identity: who,
      data: { product: { productId: 'tea' } },
    }),
    cart: canonical({
      id: 'c',
      type: 'cart.updated',
      occurredAt: at(1),
      identity: who,
      data: { cartId: 'k-1', lines: [line], total: usd('5.00') },
    }),
    otherCart: canonical({
      id: 'c2',
      type: 'cart.updated',
      occurredAt: at(5),
      identity: who,
      data: { cartId: 'k-2', lines: [line], total: usd('5.00') },
    }),
    emptied: canonical({
      id: 'c3',
      type: 'cart.updated',
      occurredAt: at(6),
      identity: who,
      data: { cartId: 'k-1', lines: [], total: usd('0.00') },
    }),
    checkout: canonical({
      id: 'ch',
      type: 'checkout.started',
      occurredAt: at(2),
      identity: who,
      data: { checkoutId: 'co-1', cartId: 'k-1', lines: [line], total: usd('5.00') },
    }),
    order: canonical({
      id: 'o',
      type: 'order.placed',
      occurredAt: at(3),
      identity: who,
      data: { orderId: 'o-1', cartId: 'k-1', lines: [line], total: usd('5.00') },
    }),
    cancelled: canonical({
      id: 'x',
      type: 'order.cancelled',
      occurredAt: at(4),
      identity: who,
      data: { orderId: 'o-1' },
    }),
    revoked: canonical({
      id: 'r',
      type: 'customer.updated',
      occurredAt: at(7),
      identity: who,
      data: { consent: [{ channel: 'email', status: 'revoked', source: 'test', recordedAt: at(7) }] },
    }),
  };
  type Key = keyof typeof events;
  const profileAfter = (keys: Key[]): Profile =>
    keys.reduce(
      (profile, key) => applyEvent(profile, events[key]).profile,
      emptyProfile('demo', 'customer:c-1'),
    );

  // The reasons the hand-written journeys' exit conditions gave for the same stories.
  const cases: Array<[string, Key, Key[], string | undefined]> = [
    ['welcome', 'view', ['view'], undefined],
    ['welcome', 'view', ['view', 'order'], 'ordered'],
    ['browse-abandonment', 'view', ['view'], undefined],
    ['browse-abandonment', 'view', ['view', 'order'], 'ordered'],
    ['browse-abandonment', 'view', ['view', 'checkout'], 'checkout-started'],
    ['browse-abandonment', 'view', ['view', 'cart'], 'cart-changed'],
    ['cart-abandonment', 'cart', ['cart'], undefined],
    ['cart-abandonment', 'cart', ['cart', 'order'], 'ordered'],
    ['cart-abandonment', 'cart', ['cart', 'otherCart'], 'cart-replaced'],
    ['cart-abandonment', 'emptied', ['cart', 'emptied'], 'emptied'],
    ['post-purchase', 'order', ['cart', 'order'], undefined],
    ['post-purchase', 'order', ['cart', 'order', 'cancelled'], 'cancelled'],
    ['win-back', 'view', ['view', 'order'], 'ordered'],
  ];

  it.each(cases)('%s, started by %s, after %j: %s as before', (journey, triggerKey, happened, expected) => {
    // Prepare
    const trigger = events[triggerKey] as CanonicalEvent;
    const profile = profileAfter(happened);
    const cartId = cartIdOf(trigger);
    const subject = trigger.type === 'order.placed' ? trigger.data.orderId : undefined;
    const context = {
      now: new Date(at(30)),
      event: trigger,
      profile,
      ...(subject && { subject }),
      facts: { ...(cartId && { cartId }) },
    };

    // Act
    const reached = exitGoalReached(goalsOf(journey), trigger, profile, context);

    // Assess: today's journeys check the profile the same way (their no-profile case aside; a newer
    // change of the same cart is the reentry policy's `supersede`, not a goal).
    expect(reached).toBe(expected);
  });

  it('ends any marketing run once consent is withdrawn', () => {
    // Prepare
    const profile = profileAfter(['view', 'revoked']);

    // Act + Assess
    expect(
      exitGoalReached(goalsOf('welcome'), events.view, profile, { now: new Date(at(30)), profile }),
    ).toBe('unsubscribed');
  });
});

describe('Function: executionNameFor', () => {
  it('names a scheduled run deterministically, without the e-mail its profile key holds', async () => {
    // Prepare
    const { executionNameFor } = await import('#journeys/domain/execution-name.ts');
    const trigger = canonical({
      id: 'dormant:email:ann@example.com:2026-06-01',
      type: 'customer.updated',
      occurredAt: '2026-06-01T06:00:00Z',
      identity: { email: 'ann@example.com' },
      data: {},
    });

    // Act
    const name = executionNameFor(trigger);

    // Assess
    expect(name).toMatch(/^[a-f0-9]{64}$/);
    expect(name).toBe(executionNameFor(trigger));
    expect(name).not.toContain('ann');
    expect(executionNameFor({ ...trigger, storeId: 'another-store' })).not.toBe(name);
  });
});
