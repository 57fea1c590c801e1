import { describe, expect, it } from 'vitest';
import { attributeOrder, convertOrdersAfterEntry } from '#engagement/domain/attribute-order.ts';
import { recordEngagement } from '#engagement/domain/record-engagement.ts';
import type { CanonicalEventOf } from '#events/schemas.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';
import { clicked, customer, opened, sentMessage } from './engagement-events.ts';
import { InMemoryEngagementStore } from './in-memory-engagement-store.ts';

/** Long after the mails were sent: an unknown message is not waited for. */
const NOW = new Date('2026-03-20T00:00:00Z');

function placed(overrides: { id?: string; occurredAt?: string; identity?: object } = {}) {
  return canonical({
    id: overrides.id ?? 'evt-order-1',
    type: 'order.placed',
    occurredAt: overrides.occurredAt ?? '2026-03-02T12:00:00Z',
    identity: overrides.identity ?? { customerId: 'c-1', email: 'ann@example.com' },
    data: { orderId: 'o-1', lines: [], total: usd('80.00') },
  }) as CanonicalEventOf<'order.placed'>;
}

async function world() {
  const profiles = new InMemoryProfileStore();
  await profiles.save(emptyProfile('demo', 'customer:c-1'), undefined);
  const store = new InMemoryEngagementStore();
  store.addSentMessage(sentMessage({ messageId: 'ses-1', journey: 'cart-abandonment', step: 'reminder-1' }));
  store.addSentMessage(sentMessage({ messageId: 'ses-2', journey: 'browse-abandonment', step: 'reminder' }));
  return { profiles, store, deps: { profiles, store } };
}

describe('Function: attributeOrder', () => {
  it('credits the order to the last click before it', async () => {
    // Prepare
    const { store, deps } = await world();
    await recordEngagement(store, clicked('2026-03-01T11:00:00Z', { messageId: 'ses-1' }), NOW);
    await recordEngagement(store, opened('2026-03-02T09:00:00Z', { messageId: 'ses-2' }), NOW);

    // Act
    const result = await attributeOrder(deps, placed());

    // Assess
    expect(result).toMatchObject({ outcome: 'recorded', customerKey: 'customer:c-1', conversions: [] });
    expect(store.attributionOf(customer, 'o-1')).toEqual({
      orderId: 'o-1',
      at: '2026-03-02T12:00:00.000Z',
      revenue: usd('80.00'),
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'cart-abandonment.reminder-1',
      messageId: 'ses-1',
      touch: 'click',
      touchAt: '2026-03-01T11:00:00.000Z',
    });
  });

  it('records one attribution when the same order arrives twice', async () => {
    // Prepare
    const { store, deps } = await world();
    await recordEngagement(store, clicked('2026-03-01T11:00:00Z', { messageId: 'ses-1' }), NOW);

    // Act
    const first = await attributeOrder(deps, placed());
    const second = await attributeOrder(deps, placed());

    // Assess
    expect(first.outcome).toBe('recorded');
    expect(second).toEqual({ ...first, outcome: 'duplicate' });
    expect(store.attributions.size).toBe(1);
  });

  it('keeps the recorded attribution when an earlier open arrives after the order', async () => {
    // Prepare
    const { store, deps } = await world();
    const first = await attributeOrder(deps, placed());
    await recordEngagement(store, opened('2026-03-02T09:00:00Z', { messageId: 'ses-2' }), NOW);

    // Act
    const redelivered = await attributeOrder(deps, placed());

    // Assess
    expect(first.attribution).toMatchObject({ unattributed: true });
    expect(redelivered.outcome).toBe('duplicate');
    expect(store.attributionOf(customer, 'o-1')).toEqual(first.attribution);
  });

  it('finds the touches of mails sent before the visitor became a known customer', async () => {
    // Prepare: the mail went to the e-mail profile, which was later folded into the customer
    const { profiles, store, deps } = await world();
    const emailCustomer = { storeId: 'demo', customerKey: 'email:ann@example.com' };
    store.addSentMessage(
      sentMessage({ ...emailCustomer, messageId: 'ses-9', journey: 'welcome', step: 'welcome' }),
    );
    await recordEngagement(store, clicked('2026-03-02T08:00:00Z', { messageId: 'ses-9' }), NOW);
    const stored = await profiles.load('demo', 'customer:c-1');
    await profiles.save(
      { ...emptyProfile('demo', 'customer:c-1'), aliasKeys: ['email:ann@example.com'] },
      stored?.version,
    );

    // Act
    const result = await attributeOrder(deps, placed());

    // Assess
    expect(result.customerKey).toBe('customer:c-1');
    expect(result.attribution).toMatchObject({ journey: 'welcome', messageId: 'ses-9' });
  });

  it('still finds an attribution recorded under a key that was folded into another since', async () => {
    // Prepare: a guest order first attributed under the e-mail, redelivered after the e-mail joined c-1
    const { profiles, store, deps } = await world();
    await attributeOrder(deps, placed({ identity: { email: 'ann@example.com' } }));
    await profiles.save(
      { ...emptyProfile('demo', 'email:ann@example.com'), mergedInto: 'customer:c-1' },
      undefined,
    );
    const stored = await profiles.load('demo', 'customer:c-1');
    await profiles.save(
      { ...emptyProfile('demo', 'customer:c-1'), aliasKeys: ['email:ann@example.com'] },
      stored?.version,
    );

    // Act
    const redelivered = await attributeOrder(deps, placed({ identity: { email: 'ann@example.com' } }));

    // Assess
    expect(redelivered.outcome).toBe('duplicate');
    expect(store.attributions.size).toBe(1);
  });

  it('counts a conversion for each journey entered in the week before, treated or held out', async () => {
    // Prepare
    const { store, deps } = await world();
    store.addEntry(customer, {
      journey: 'cart-abandonment',
      subjectKey: 'cart-1',
      at: '2026-03-01T10:00:00.000Z',
      heldOut: false,
    });
    store.addEntry(customer, {
      journey: 'welcome',
      subjectKey: 'c-1',
      at: '2026-02-27T10:00:00.000Z',
      heldOut: true,
    });
    store.addEntry(customer, {
      journey: 'win-back',
      subjectKey: 'c-1:2026-01-01',
      at: '2026-01-01T06:00:00.000Z',
      heldOut: false,
    });

    // Act
    const result = await attributeOrder(deps, placed());

    // Assess
    expect(result.conversions.map(({ journey, group }) => ({ journey, group }))).toEqual([
      { journey: 'cart-abandonment', group: 'treated' },
      { journey: 'welcome', group: 'heldout' },
    ]);
    expect(store.conversionsOf(customer)).toHaveLength(2);
  });

  it('completes a crashed attribution on redelivery without counting a conversion twice', async () => {
    // Prepare
    const { store, deps } = await world();
    store.addEntry(customer, {
      journey: 'cart-abandonment',
      subjectKey: 'cart-1',
      at: '2026-03-01T10:00:00.000Z',
      heldOut: false,
    });
    store.crashOnNextConversion = true;
    await expect(attributeOrder(deps, placed())).rejects.toThrow('simulated crash');

    // Act
    const retried = await attributeOrder(deps, placed());
    const again = await attributeOrder(deps, placed());

    // Assess: the redelivery finds the attribution and completes the conversion, once
    expect(retried).toMatchObject({ outcome: 'duplicate', conversions: [{ journey: 'cart-abandonment' }] });
    expect(again).toMatchObject({ outcome: 'duplicate', conversions: [] });
    expect(store.conversionsOf(customer)).toHaveLength(1);
    expect(store.attributionOf(customer, 'o-1')).toMatchObject({ unattributed: true });
  });

  it('attributes an order of someone without a profile under the key the order names', async () => {
    // Prepare
    const { store, deps } = await world();

    // Act
    const result = await attributeOrder(deps, placed({ identity: { email: 'new@example.com' } }));

    // Assess
    expect(result.customerKey).toBe('email:new@example.com');
    expect(
      store.attributionOf({ storeId: 'demo', customerKey: 'email:new@example.com' }, 'o-1'),
    ).toMatchObject({
      unattributed: true,
    });
  });
});

describe('Function: convertOrdersAfterEntry', () => {
  const browseEntry = {
    journey: 'browse-abandonment',
    subjectKey: 'p-1',
    at: '2026-03-02T10:00:00.000Z',
    heldOut: false,
  };

  it('converts an order attributed before the entry that came ahead of it was stored', async () => {
    // Prepare: the order was attributed first; the view that entered browse abandonment is stored after
    const { store, deps } = await world();
    const attributed = await attributeOrder(deps, placed());
    store.addEntry(customer, browseEntry);

    // Act
    const conversions = await convertOrdersAfterEntry(store, customer, browseEntry);

    // Assess
    expect(attributed.conversions).toEqual([]);
    expect(conversions).toEqual([
      {
        orderId: 'o-1',
        journey: 'browse-abandonment',
        subjectKey: 'p-1',
        group: 'treated',
        revenue: usd('80.00'),
        at: '2026-03-02T12:00:00.000Z',
        enteredAt: '2026-03-02T10:00:00.000Z',
      },
    ]);
    expect(store.conversionsOf(customer)).toHaveLength(1);
  });

  it('counts a conversion once when each side sees the other', async () => {
    // Prepare: both writes landed before both reads
    const { store, deps } = await world();
    store.addEntry(customer, browseEntry);
    const attributed = await attributeOrder(deps, placed());

    // Act
    const conversions = await convertOrdersAfterEntry(store, customer, browseEntry);

    // Assess
    expect(attributed.conversions.map(({ journey }) => journey)).toEqual(['browse-abandonment']);
    expect(conversions).toEqual([]);
    expect(store.conversionsOf(customer)).toHaveLength(1);
  });

  it('leaves orders before the entry, beyond the window, or at its own instant unconverted', async () => {
    // Prepare
    const { store, deps } = await world();
    await attributeOrder(deps, placed({ occurredAt: '2026-03-02T09:59:59Z' }));
    const late = { ...browseEntry, at: '2026-02-20T12:00:00.000Z' };
    const sameInstant = { ...browseEntry, subjectKey: 'p-2', at: '2026-03-02T09:59:59.000Z' };
    store.addEntry(customer, late);
    store.addEntry(customer, sameInstant);

    // Act
    const conversions = [
      ...(await convertOrdersAfterEntry(store, customer, browseEntry)),
      ...(await convertOrdersAfterEntry(store, customer, late)),
      ...(await convertOrdersAfterEntry(store, customer, sameInstant)),
    ];

    // Assess
    expect(conversions).toEqual([]);
    expect(store.conversionsOf(customer)).toEqual([]);
  });
});
