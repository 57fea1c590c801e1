import { describe, expect, it } from 'vitest';
import { type Condition, conditionSchema, evaluate, resolvePath } from '#journeys/definition/conditions.ts';
import { durationSeconds, offsetSeconds } from '#journeys/definition/duration.ts';

const NOW = new Date('2026-06-10T12:00:00.000Z');
const context = {
  now: NOW,
  subject: 'cart-1',
  event: {
    type: 'cart.updated',
    identity: { email: 'ann@example.com' },
    data: {
      cartId: 'cart-1',
      lines: [
        { productId: 'tea', category: 'tea', quantity: 2, price: { amount: '12.50', currency: 'USD' } },
        { productId: 'mug', category: 'kitchen', quantity: 1, price: { amount: '8.00', currency: 'USD' } },
      ],
      total: { amount: '33.00', currency: 'USD' },
    },
  },
  profile: {
    orderSummary: { count: 3, totalSpent: { USD: '120.00' } },
    lifecycle: { lastOrderAt: '2026-05-01T09:00:00.000Z', lastViewedAt: '2026-06-10T10:00:00.000Z' },
    tags: ['vip', 'tea-lover'],
    consent: { email: { status: 'granted' } },
    cart: { lines: [] },
  },
  messages: { 'browse-abandonment': { sent: 1, lastSentAt: '2026-06-08T09:00:00.000Z' } },
};
const holds = (condition: Condition) => evaluate(conditionSchema.parse(condition), context);

describe('Condition language: operators', () => {
  it.each<[string, Condition, boolean]>([
    ['equals a text', { 'data.cartId': { equals: 'cart-1' } }, true],
    ['equals a reference', { 'data.cartId': { equals: '$subject' } }, true],
    ['equals: fails on another value', { 'data.cartId': { equals: 'cart-2' } }, false],
    ['equals: some line of a list', { 'data.lines.category': { equals: 'tea' } }, true],
    ['in', { 'profile.consent.email.status': { in: ['granted', 'pending'] } }, true],
    ['in: fails', { 'profile.consent.email.status': { in: ['revoked'] } }, false],
    ['exists', { 'identity.email': { exists: true } }, true],
    ['exists: false for an absent path', { 'identity.customerId': { exists: false } }, true],
    ['exists: fails for an absent path', { 'identity.customerId': { exists: true } }, false],
    ['gt on numbers', { 'profile.orderSummary.count': { gt: 2 } }, true],
    ['gt: not for equal numbers', { 'profile.orderSummary.count': { gt: 3 } }, false],
    ['gte on numbers', { 'profile.orderSummary.count': { gte: 3 } }, true],
    ['lt on numbers', { 'profile.orderSummary.count': { lt: 3 } }, false],
    ['lte on numbers', { 'profile.orderSummary.count': { lte: 3 } }, true],
    ['gte on exact money', { 'data.total': { gte: { amount: '33.00', currency: 'USD' } } }, true],
    ['gt on money written as text', { 'data.total': { gt: '32.99 USD' } }, true],
    ['lt on money: 33.00 is not below 33', { 'data.total': { lt: '33 USD' } }, false],
    ['money of another currency never compares', { 'data.total': { gte: '1.00 EUR' } }, false],
    ['gt on dates', { 'profile.lifecycle.lastOrderAt': { gt: '2026-04-30T00:00:00Z' } }, true],
    [
      'lt on dates with an offset',
      { 'profile.lifecycle.lastOrderAt': { lt: '2026-05-01T10:00:00+02:00' } },
      false,
    ],
    ['within', { 'profile.lifecycle.lastViewedAt': { within: '3h' } }, true],
    ['within: fails for an older date', { 'profile.lifecycle.lastOrderAt': { within: '30d' } }, false],
    ['notWithin', { 'profile.lifecycle.lastOrderAt': { notWithin: '30d' } }, true],
    ['notWithin holds without a date', { 'profile.lifecycle.firstOrderAt': { notWithin: '30d' } }, true],
    [
      'within a week, through message history',
      { 'messages.browse-abandonment.lastSentAt': { within: '7d' } },
      true,
    ],
    ['contains an element', { 'profile.tags': { contains: 'vip' } }, true],
    ['contains a part of a text', { 'identity.email': { contains: '@example.com' } }, true],
    ['contains: fails', { 'profile.tags': { contains: 'new' } }, false],
    ['nonEmpty', { 'data.lines': { nonEmpty: true } }, true],
    ['nonEmpty: false for an empty list', { 'profile.cart.lines': { nonEmpty: false } }, true],
    ['nonEmpty: false for an absent path', { 'profile.wishlist': { nonEmpty: false } }, true],
    ['several tests on one path all hold', { 'profile.orderSummary.count': { gte: 1, lt: 5 } }, true],
  ])('%s', (_name, condition, expected) => {
    // Act + Assess
    expect(holds(condition)).toBe(expected);
  });
});

describe('Condition language: combinators', () => {
  it.each<[string, Condition, boolean]>([
    [
      'all',
      { all: [{ 'data.cartId': { exists: true } }, { 'profile.orderSummary.count': { gte: 3 } }] },
      true,
    ],
    [
      'all fails on one',
      { all: [{ 'data.cartId': { exists: true } }, { 'profile.orderSummary.count': { gte: 4 } }] },
      false,
    ],
    [
      'any',
      { any: [{ 'identity.customerId': { exists: true } }, { 'identity.email': { exists: true } }] },
      true,
    ],
    [
      'any fails on none',
      { any: [{ 'identity.customerId': { exists: true } }, { 'identity.phone': { exists: true } }] },
      false,
    ],
    ['not', { not: { 'profile.consent.email.status': { equals: 'revoked' } } }, true],
    [
      'nested',
      {
        all: [
          { not: { any: [{ 'data.lines.category': { equals: 'shoes' } }] } },
          { 'data.lines': { nonEmpty: true } },
        ],
      },
      true,
    ],
  ])('%s', (_name, condition, expected) => {
    // Act + Assess
    expect(holds(condition)).toBe(expected);
  });

  it('reads keys named like Object.prototype members as data, never as the prototype', () => {
    // Prepare
    const withOddKeys = { now: NOW, profile: { categoryAffinity: { constructor: 3 } } };

    // Act + Assess
    expect(resolvePath('profile.categoryAffinity.constructor', withOddKeys)).toEqual([3]);
    expect(resolvePath('profile.categoryAffinity.toString', withOddKeys)).toEqual([]);
  });
});

describe('Condition language: validation', () => {
  it.each([
    [{ 'data.cartId': {} }, 'names no test'],
    [{ 'data.cartId': { equal: 'x' } }, 'Unrecognized key'],
    [{ 'data..cartId': { exists: true } }, 'is not a path'],
    [{ 'profile.lastOrderAt': { within: 'soon' } }, 'is not a duration'],
  ])('rejects %j with a message saying what is wrong', (condition, message) => {
    // Act
    const parsed = conditionSchema.safeParse(condition);

    // Assess
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });
});

describe('Durations', () => {
  it.each([
    ['30m', 1800],
    ['23h', 82_800],
    ['3d', 259_200],
    ['2w', 1_209_600],
    ['1d12h', 129_600],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'soon', '3 days', '12h3d', '-1d'])('does not read %j', (text) => {
    expect(durationSeconds(text)).toBeUndefined();
  });

  it('reads signed offsets', () => {
    expect([offsetSeconds('-3d'), offsetSeconds('+2h'), offsetSeconds('1h')]).toEqual([-259_200, 7200, 3600]);
  });
});
