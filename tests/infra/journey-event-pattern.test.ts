import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#events/schemas.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { eventPatternOf } from '#infra/journeys/event-pattern.ts';
import { type Condition, conditionSchema, evaluate } from '#journeys/definition/conditions.ts';
import { compileEventPattern, matchesEventPattern } from '#local/eventbridge/pattern/index.ts';

const journeys = loadJourneys();
/** The patterns the hand-written journeys' rules had before journeys were data. */
const WELCOME_EVENT_PATTERN = {
  source: [EVENT_SOURCE],
  'detail-type': ['customer.registered'],
  detail: { data: { consent: { channel: ['email'], status: ['granted'] } } },
};
const BROWSE_ABANDONMENT_EVENT_PATTERN = {
  source: [EVENT_SOURCE],
  'detail-type': ['product.viewed'],
  detail: { identity: { $or: [{ customerId: [{ exists: true }] }, { email: [{ exists: true }] }] } },
};
const POST_PURCHASE_EVENT_PATTERN = {
  source: [EVENT_SOURCE],
  'detail-type': ['order.placed'],
  detail: { data: { cancelledAt: [{ exists: false }] } },
};
const triggerOf = (id: string) => {
  const trigger = journeys.find((journey) => journey.id === id)?.trigger;
  if (trigger === undefined || !('event' in trigger)) throw new Error(`${id} has no event trigger`);
  return trigger;
};
const busEvent = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'e-1',
  source: EVENT_SOURCE,
  account: '123456789012',
  time: '2026-06-01T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  'detail-type': detailType,
  detail,
});

describe('Compiler: journey triggers to EventBridge patterns', () => {
  it.each([
    ['welcome', WELCOME_EVENT_PATTERN],
    ['post-purchase', POST_PURCHASE_EVENT_PATTERN],
  ])('gives %s the pattern its hand-written rule has today', (id, pattern) => {
    expect(eventPatternOf(triggerOf(id))).toEqual(pattern);
  });

  it('gives browse-abandonment a pattern that lets the same views through as its hand-written rule', () => {
    // Prepare
    const compiled = compileEventPattern(eventPatternOf(triggerOf('browse-abandonment')));
    const today = compileEventPattern(BROWSE_ABANDONMENT_EVENT_PATTERN);
    const views = [
      { customerId: 'c' },
      { email: 'a@example.com' },
      { anonymousId: 'x' },
      { customerId: 'c', anonymousId: 'x' },
    ].map((identity) => busEvent('product.viewed', { identity, data: { product: { productId: 'p' } } }));

    // Act + Assess
    expect(views.map((view) => matchesEventPattern(compiled, view))).toEqual(
      views.map((view) => matchesEventPattern(today, view)),
    );
    expect(views.map((view) => matchesEventPattern(compiled, view))).toEqual([true, true, false, true]);
  });

  const conditions: Array<[string, Condition]> = [
    ['equals', { 'data.cartId': { equals: 'c-1' } }],
    ['in', { 'data.lines.category': { in: ['tea', 'coffee'] } }],
    ['exists', { 'identity.email': { exists: true } }],
    ['not exists', { 'data.cancelledAt': { exists: false } }],
    ['numbers', { 'data.lines.quantity': { gte: 2 } }],
    ['any', { any: [{ 'identity.customerId': { exists: true } }, { 'identity.email': { exists: true } }] }],
    ['all', { all: [{ 'data.cartId': { equals: 'c-1' } }, { 'identity.email': { exists: true } }] }],
    ['not equals', { not: { 'data.cartId': { equals: 'c-2' } } }],
    ['money (left to the entry)', { 'data.total': { gte: '20.00 USD' } }],
    [
      'any with a part it cannot say',
      { any: [{ 'data.total': { gte: '20.00 USD' } }, { 'identity.email': { exists: true } }] },
    ],
    ['profile (left to the entry)', { 'profile.orderSummary.count': { gte: 1 } }],
  ];
  const events = [
    {
      identity: { email: 'a@example.com' },
      data: {
        cartId: 'c-1',
        lines: [{ category: 'tea', quantity: 1 }],
        total: { amount: '25.00', currency: 'USD' },
      },
    },
    {
      identity: { customerId: 'c' },
      data: {
        cartId: 'c-2',
        lines: [{ category: 'kitchen', quantity: 3 }],
        total: { amount: '5.00', currency: 'USD' },
      },
    },
    {
      identity: { anonymousId: 'x' },
      data: { cartId: 'c-3', cancelledAt: '2026-06-01T10:00:00Z', lines: [] },
    },
  ];

  it.each(conditions)('never filters out an event its condition accepts: %s', (_name, condition) => {
    // Prepare
    const where = conditionSchema.parse(condition);
    const compiled = compileEventPattern(eventPatternOf({ event: 'cart.updated', where }));

    // Act + Assess: every event the condition accepts passes the pattern (the entry decides the rest).
    for (const detail of events) {
      const accepted = evaluate(where, { now: new Date('2026-06-02T00:00:00Z'), event: detail });
      const passes = matchesEventPattern(compiled, busEvent('cart.updated', detail));
      if (accepted) expect(passes, JSON.stringify(detail)).toBe(true);
    }
  });

  it('filters exactly when EventBridge can say the whole condition', () => {
    // Prepare
    const where = conditionSchema.parse({
      any: [{ 'identity.customerId': { exists: true } }, { 'data.lines.quantity': { gte: 3 } }],
    });
    const compiled = compileEventPattern(eventPatternOf({ event: 'cart.updated', where }));

    // Act
    const passes = events.map((detail) => matchesEventPattern(compiled, busEvent('cart.updated', detail)));

    // Assess
    expect(passes).toEqual([false, true, false]);
  });
});
