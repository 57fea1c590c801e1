import { describe, expect, it } from 'vitest';
import { audienceFor, type ProductInterest, withInterest } from '#catalog/domain/product-interest.ts';

const empty: ProductInterest = { productId: 'sencha', interests: [] };

describe('Function: withInterest', () => {
  it('keeps one interest per customer, newest first, the latest one winning', () => {
    let interest = withInterest(empty, { customerKey: 'ann', kind: 'viewed', at: '2026-03-01T10:00:00Z' });
    interest = withInterest(interest, { customerKey: 'bob', kind: 'viewed', at: '2026-03-02T10:00:00Z' });
    interest = withInterest(interest, { customerKey: 'ann', kind: 'carted', at: '2026-03-03T10:00:00Z' });
    // An older interest arriving late changes nothing.
    interest = withInterest(interest, { customerKey: 'bob', kind: 'wishlisted', at: '2026-03-01T09:00:00Z' });

    expect(interest.interests).toEqual([
      { customerKey: 'ann', kind: 'carted', at: '2026-03-03T10:00:00Z' },
      { customerKey: 'bob', kind: 'viewed', at: '2026-03-02T10:00:00Z' },
    ]);
  });

  it('keeps only the most recent customers of a popular product', () => {
    let interest = empty;
    for (let day = 1; day <= 9; day++) {
      interest = withInterest(
        interest,
        { customerKey: `c${day}`, kind: 'viewed', at: `2026-03-0${day}T10:00:00Z` },
        3,
      );
    }

    expect(interest.interests.map((kept) => kept.customerKey)).toEqual(['c9', 'c8', 'c7']);
  });
});

describe('Function: audienceFor', () => {
  const interest: ProductInterest = {
    productId: 'sencha',
    interests: [
      { customerKey: 'ann', kind: 'carted', at: '2026-03-10T10:00:00Z' },
      { customerKey: 'bob', kind: 'viewed', at: '2026-03-09T10:00:00Z' },
      { customerKey: 'cid', kind: 'wishlisted', at: '2026-03-08T10:00:00Z' },
      { customerKey: 'dan', kind: 'viewed', at: '2026-02-01T10:00:00Z' },
    ],
  };
  const now = new Date('2026-03-11T10:00:00Z');

  it('tells the customers interested within the window who have not bought it since', () => {
    const audience = audienceFor(interest, {
      now,
      windowDays: 14,
      lastBoughtAt: (customer) =>
        (({ bob: '2026-03-09T12:00:00Z', cid: '2026-01-01T00:00:00Z' }) as Record<string, string>)[customer],
    });

    // bob bought after viewing; cid bought long before wishlisting; dan looked too long ago.
    expect(audience.map((kept) => kept.customerKey)).toEqual(['ann', 'cid']);
  });

  it('takes only the kinds of interest the journey asks for', () => {
    const audience = audienceFor(interest, {
      now,
      windowDays: 30,
      kinds: ['carted', 'wishlisted'],
      lastBoughtAt: () => undefined,
    });

    expect(audience.map((kept) => kept.customerKey)).toEqual(['ann', 'cid']);
  });
});
