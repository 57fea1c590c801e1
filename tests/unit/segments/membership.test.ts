import { describe, expect, it } from 'vitest';
import type { Condition } from '#journeys/definition/conditions.ts';
import { membershipChange, membershipOf, nextTimeFlip, reviewDayOf } from '#segments/domain/membership.ts';

const lapsedTeaLovers: Condition = {
  'profile.categoryAffinity.tea': { gte: 3 },
  'profile.lifecycle.lastOrderAt': { notWithin: '60d' },
};

const profile = (lastOrderAt: string | undefined, tea = 5) => ({
  categoryAffinity: { tea },
  lifecycle: lastOrderAt === undefined ? {} : { lastOrderAt },
});

describe('Function: membershipOf', () => {
  it('is not yet a member 30 days after the last order, and says when that may change: just after 60 days', () => {
    const membership = membershipOf(lapsedTeaLovers, {
      profile: profile('2026-03-01T10:00:00.000Z'),
      now: new Date('2026-03-31T10:00:00Z'),
    });

    expect(membership).toEqual({ member: false, reviewAt: '2026-04-30T10:00:00.001Z' });
  });

  it('is a member at the review, with nothing more for time to change', () => {
    const membership = membershipOf(lapsedTeaLovers, {
      profile: profile('2026-03-01T10:00:00.000Z'),
      now: new Date('2026-04-30T10:00:00.001Z'),
    });

    expect(membership).toEqual({ member: true });
  });

  it('needs no review when only an event can change the answer', () => {
    expect(
      membershipOf(
        { 'profile.orderSummary.count': { gte: 2 } },
        { profile: { orderSummary: { count: 1 } }, now: new Date() },
      ),
    ).toEqual({
      member: false,
    });
    // No order at all: "not within 60 days" holds, and time alone never changes it.
    expect(
      membershipOf(lapsedTeaLovers, { profile: profile(undefined), now: new Date('2026-04-30T10:00:00Z') }),
    ).toEqual({ member: true });
  });
});

describe('Function: nextTimeFlip', () => {
  it('takes the earliest flip over every within/notWithin test, inside all, any and not', () => {
    const condition: Condition = {
      any: [
        { 'profile.lifecycle.lastOrderAt': { within: '30d' } },
        { not: { 'profile.lifecycle.lastViewedAt': { within: '7d' } } },
      ],
    };
    const flip = nextTimeFlip(condition, {
      profile: {
        lifecycle: { lastOrderAt: '2026-03-01T00:00:00.000Z', lastViewedAt: '2026-03-20T00:00:00.000Z' },
      },
      now: new Date('2026-03-21T00:00:00Z'),
    });

    // The view leaves its 7-day window on 03-27, before the order leaves its 30 days on 03-31.
    expect(new Date(flip ?? 0).toISOString()).toBe('2026-03-27T00:00:00.001Z');
  });

  it('counts a future date entering its window, and reads every element of a list', () => {
    const flip = nextTimeFlip(
      { 'profile.orders.placedAt': { within: '1d' } },
      {
        profile: {
          orders: [{ placedAt: '2026-03-01T00:00:00.000Z' }, { placedAt: '2026-03-25T00:00:00.000Z' }],
        },
        now: new Date('2026-03-21T00:00:00Z'),
      },
    );

    expect(new Date(flip ?? 0).toISOString()).toBe('2026-03-25T00:00:00.000Z');
  });
});

describe('Function: membershipChange', () => {
  it('names entering and leaving, and nothing when the answer stays', () => {
    expect(membershipChange(false, true)).toBe('entered');
    expect(membershipChange(true, false)).toBe('exited');
    expect(membershipChange(true, true)).toBeUndefined();
    expect(reviewDayOf('2026-04-30T10:00:00.000Z')).toBe('2026-04-30');
  });
});
