import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { recordEvent } from '#profiles/domain/record-event.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';

const view = (id: string, identity: Record<string, string>, at: string) =>
  canonical({
    id,
    type: 'product.viewed',
    occurredAt: at,
    identity,
    data: { product: { productId: `p-${id}`, category: 'tea' } },
  });

async function recordAll(store: InMemoryProfileStore, events: CanonicalEvent[]) {
  for (const event of events) await recordEvent(store, event);
}

describe('Function: recordEvent', () => {
  it('joins anonymous browsing to the customer when the person signs up', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    await recordAll(store, [view('1', { anonymousId: 'a-1' }, '2026-03-01T09:00:00Z')]);
    const signUp = canonical({
      id: 'reg',
      type: 'customer.registered',
      occurredAt: '2026-03-01T09:05:00Z',
      identity: { customerId: 'c-1', anonymousId: 'a-1', email: 'ann@example.com' },
      data: {},
    });

    // Act
    const result = await recordEvent(store, signUp);
    await recordEvent(store, view('2', { anonymousId: 'a-1' }, '2026-03-01T09:10:00Z'));

    // Assess
    const profile = store.profile('demo', 'customer:c-1');
    expect(result.merged).toEqual(['anonymous:a-1']);
    expect(profile?.recentViews.map((seen) => seen.productId)).toEqual(['p-2', 'p-1']);
    expect(profile?.anonymousIds).toEqual(['a-1']);
    expect(store.profile('demo', 'anonymous:a-1')?.mergedInto).toBe('customer:c-1');
    expect(store.profile('demo', 'email:ann@example.com')?.mergedInto).toBe('customer:c-1');
  });

  it('joins a guest checkout by e-mail, then the e-mail profile to the account created later', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const checkout = canonical({
      id: 'chk',
      type: 'checkout.started',
      occurredAt: '2026-03-01T10:00:00Z',
      identity: { anonymousId: 'a-7', email: 'guest@example.com' },
      data: { checkoutId: 'k-1', lines: [{ productId: 'p', quantity: 1 }], total: usd('3.00') },
    });
    const account = canonical({
      id: 'acc',
      type: 'customer.registered',
      occurredAt: '2026-03-02T10:00:00Z',
      identity: { customerId: 'c-7', email: 'GUEST@example.com' },
      data: {},
    });

    // Act
    await recordAll(store, [view('1', { anonymousId: 'a-7' }, '2026-03-01T09:00:00Z'), checkout, account]);
    await recordEvent(store, view('3', { anonymousId: 'a-7' }, '2026-03-03T09:00:00Z'));

    // Assess
    const profile = store.profile('demo', 'customer:c-7');
    expect(profile?.cart?.checkoutId).toBe('k-1');
    expect(profile?.recentViews.map((seen) => seen.productId)).toEqual(['p-3', 'p-1']);
    expect(profile?.mergedKeys).toEqual(expect.arrayContaining(['email:guest@example.com', 'anonymous:a-7']));
  });

  it('writes nothing for a duplicate delivery', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const event = view('1', { customerId: 'c-1' }, '2026-03-01T09:00:00Z');
    await recordEvent(store, event);
    const savesBefore = store.saves;

    // Act
    const result = await recordEvent(store, event);

    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(store.saves).toBe(savesBefore);
  });

  it('completes a merge interrupted after the anonymous profile was frozen', async () => {
    // Prepare: the process dies on the second save (after freezing the alias, before the customer write)
    const store = new InMemoryProfileStore();
    await recordAll(store, [view('1', { anonymousId: 'a-1' }, '2026-03-01T09:00:00Z')]);
    const signUp = canonical({
      id: 'reg',
      type: 'customer.registered',
      occurredAt: '2026-03-01T09:05:00Z',
      identity: { customerId: 'c-1', anonymousId: 'a-1' },
      data: {},
    });
    store.crashOnSave = [store.saves + 2];
    await expect(recordEvent(store, signUp)).rejects.toThrow('simulated crash');

    // Act: the queue redelivers the event
    await recordEvent(store, signUp);

    // Assess
    const profile = store.profile('demo', 'customer:c-1');
    expect(profile?.recentViews.map((seen) => seen.productId)).toEqual(['p-1']);
    expect(profile?.categoryAffinity.tea).toBe(1);
    expect(profile?.lifecycle.registeredAt).toBe('2026-03-01T09:05:00.000Z');
  });

  it('folds in an anonymous profile frozen by a guest checkout that lost its race to the sign-up', async () => {
    // Prepare: the checkout freezes the anonymous profile as an alias of the e-mail; before it writes the
    // e-mail profile, the sign-up makes the e-mail an alias of the customer, so the checkout starts again
    const store = new InMemoryProfileStore();
    await recordAll(store, [view('1', { anonymousId: 'a-12' }, '2026-03-01T09:00:00Z')]);
    const checkout = canonical({
      id: 'chk',
      type: 'checkout.started',
      occurredAt: '2026-03-01T09:10:00Z',
      identity: { anonymousId: 'a-12', email: 'guest@example.com' },
      data: { checkoutId: 'k-12', lines: [{ productId: 'p', quantity: 1 }], total: usd('3.00') },
    });
    const signUp = canonical({
      id: 'reg',
      type: 'customer.registered',
      occurredAt: '2026-03-01T09:11:00Z',
      identity: { customerId: 'c-12', email: 'guest@example.com' },
      data: {},
    });
    store.afterSave = { save: store.saves + 1, run: () => recordEvent(store, signUp) };

    // Act
    await recordEvent(store, checkout);

    // Assess
    const profile = store.profile('demo', 'customer:c-12');
    expect(store.profile('demo', 'anonymous:a-12')?.mergedInto).toBe('email:guest@example.com');
    expect(profile?.appliedEventIds).toEqual(expect.arrayContaining(['1', 'chk', 'reg']));
    expect(profile?.recentViews.map((seen) => seen.productId)).toEqual(['p-1']);
    expect(profile?.mergedKeys).toEqual(['anonymous:a-12']);
    expect(profile?.aliasKeys).toEqual(['email:guest@example.com', 'anonymous:a-12']);
  });

  it('reaches the same profile whatever order and however often the events arrive', async () => {
    // Prepare: a fixed story, then any permutation with any duplicates
    const identity = { customerId: 'c-1', anonymousId: 'a-1' };
    const story = [
      view('v1', { anonymousId: 'a-1' }, '2026-03-01T09:00:00Z'),
      canonical({
        id: 'cart',
        type: 'cart.updated',
        occurredAt: '2026-03-01T09:10:00Z',
        identity: { anonymousId: 'a-1' },
        data: {
          cartId: 'k',
          lines: [{ productId: 'p', quantity: 2, price: usd('5.00') }],
          total: usd('10.00'),
        },
      }),
      canonical({
        id: 'reg',
        type: 'customer.registered',
        occurredAt: '2026-03-01T09:20:00Z',
        identity,
        data: {},
      }),
      canonical({
        id: 'ord',
        type: 'order.placed',
        occurredAt: '2026-03-01T09:30:00Z',
        identity,
        data: { orderId: 'o-1', cartId: 'k', lines: [{ productId: 'p', quantity: 2 }], total: usd('10.00') },
      }),
      canonical({
        id: 'ful',
        type: 'order.fulfilled',
        occurredAt: '2026-03-02T09:30:00Z',
        identity,
        data: { orderId: 'o-1' },
      }),
    ];
    const reference = new InMemoryProfileStore();
    await recordAll(reference, story);
    const expected = reference.profile('demo', 'customer:c-1');

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...story, ...story], { minLength: story.length * 2 }),
        async (deliveries) => {
          const store = new InMemoryProfileStore();
          await recordAll(store, deliveries);
          const profile = store.profile('demo', 'customer:c-1');
          expect(profile?.orderSummary).toEqual(expected?.orderSummary);
          expect(profile?.cart?.status).toBe('ordered');
          expect(profile?.lifecycle).toEqual(expected?.lifecycle);
        },
      ),
      { numRuns: 200 },
    );
  });
});
