import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { CATALOG } from '#journeys/config/catalog-config.ts';
import type { JourneyId } from '#journeys/config/journey-schema.ts';
import { journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { runJourneyStep } from '#journeys/domain/run-journey-step.ts';
import { renderMessage } from '#messaging/rendering/render.ts';
import { recordEvent } from '#profiles/domain/record-event.ts';
import { fixedClock } from '#shared/clock.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryMessagingStore, RecordingMailer } from '#tests/helpers/in-memory-messaging.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';

const store: StoreRecord = {
  storeId: 'demo',
  name: 'Demo Store',
  defaultCurrency: 'USD',
  timeZone: 'UTC',
  senderName: 'Demo Store',
  senderEmail: 'hello@demo-store.example',
  postalAddress: '1 Market Street, San Francisco',
  storeUrl: 'https://demo-store.example',
  unsubscribeSigningKey: 'key',
};
const identity = { customerId: 'c-1', email: 'ann@example.com' };
const consent = canonical({
  id: 'reg',
  type: 'customer.registered',
  occurredAt: '2026-03-01T08:00:00Z',
  identity,
  data: {
    attributes: { firstName: 'Ann', timeZone: 'UTC' },
    consent: [{ channel: 'email', status: 'granted', source: 'signup', recordedAt: '2026-03-01T08:00:00Z' }],
  },
});
const cartUpdate = (id: string, at: string) =>
  canonical({
    id,
    type: 'cart.updated',
    occurredAt: at,
    identity,
    data: {
      cartId: 'cart-1',
      lines: [{ productId: 'tea', name: 'Sencha', quantity: 2, price: usd('12.50') }],
      total: usd('25.00'),
    },
  });

async function world(events: CanonicalEvent[], at: string) {
  const profiles = new InMemoryProfileStore();
  for (const event of events) await recordEvent(profiles, event);
  const messaging = new InMemoryMessagingStore();
  const mailer = new RecordingMailer();
  /** The step as the Lambda answers it at `time`, over this world's stores. */
  const stepAt = (time: string) => (journey: JourneyId, name: string, trigger: CanonicalEvent) =>
    runJourneyStep(
      {
        profiles,
        messaging,
        mailer,
        findStore: async (storeId: string) => (storeId === 'demo' ? store : undefined),
        render: renderMessage,
        clock: fixedClock(time),
        catalog: CATALOG,
        publicApiUrl: 'https://api.demo-store.example',
      },
      { journey, step: name, config: journeyRunConfig(journey) as Record<string, unknown>, trigger },
    );
  return { step: stepAt(at), stepAt, mailer, messaging, profiles };
}

describe('Function: runJourneyStep', () => {
  it('sends the first cart reminder with the cart lines when the cart is still open an hour later', async () => {
    // Prepare
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const { step, mailer } = await world([consent, trigger], '2026-03-01T10:00:00Z');

    // Act
    const entered = await step('cart-abandonment', 'enter', trigger);
    const reminder = await step('cart-abandonment', 'reminder-1', trigger);

    // Assess
    expect(entered).toEqual({
      outcome: 'continue',
      reason: 'entered:treated',
      sendAfter: null,
      waitSeconds: null,
    });
    expect(reminder.outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('ann@example.com');
    expect(mailer.sent[0]?.html).toContain('Sencha');
    expect(mailer.sent[0]?.text).toContain('unsubscribe');
    expect(mailer.sent[0]?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('exits a duplicate trigger at once and never sends twice for the same step', async () => {
    // Prepare
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const { step, mailer } = await world([consent, trigger], '2026-03-01T10:00:00Z');

    // Act
    await step('cart-abandonment', 'enter', trigger);
    const duplicate = await step('cart-abandonment', 'enter', trigger);
    await step('cart-abandonment', 'reminder-1', trigger);
    const again = await step('cart-abandonment', 'reminder-1', trigger);

    // Assess
    expect(duplicate).toMatchObject({ outcome: 'exited', reason: 'duplicate-trigger' });
    expect(again).toMatchObject({ outcome: 'skipped', reason: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('exits when the cart was ordered or updated again during the wait', async () => {
    // Prepare
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const order = canonical({
      id: 'ord',
      type: 'order.placed',
      occurredAt: '2026-03-01T09:30:00Z',
      identity,
      data: {
        orderId: 'o-1',
        cartId: 'cart-1',
        lines: [{ productId: 'tea', quantity: 2 }],
        total: usd('25.00'),
      },
    });
    const ordered = await world([consent, trigger, order], '2026-03-01T10:00:00Z');
    const updated = await world(
      [consent, trigger, cartUpdate('cart-ev-2', '2026-03-01T09:40:00Z')],
      '2026-03-01T10:00:00Z',
    );

    // Act
    const afterOrder = await ordered.step('cart-abandonment', 'reminder-1', trigger);
    const afterUpdate = await updated.step('cart-abandonment', 'reminder-1', trigger);

    // Assess
    expect(afterOrder).toMatchObject({ outcome: 'exited', reason: 'ordered' });
    expect(afterUpdate).toMatchObject({ outcome: 'exited', reason: 'superseded' });
    expect([...ordered.mailer.sent, ...updated.mailer.sent]).toEqual([]);
  });

  it('waits for the profile to see the trigger before deciding', async () => {
    // Prepare: the welcome run starts before the profile consumer applied the registration
    const { step, mailer } = await world([], '2026-03-01T08:00:05Z');

    // Act
    const welcome = await step('welcome', 'welcome', consent);

    // Assess
    expect(welcome).toMatchObject({
      outcome: 'deferred',
      reason: 'waiting-for-profile',
      sendAfter: '2026-03-01T08:00:35.000Z',
    });
    expect(mailer.sent).toEqual([]);
  });

  it('confirms an order without marketing consent, then waits for fulfilment before the review request', async () => {
    // Prepare
    const order = canonical({
      id: 'ord',
      type: 'order.placed',
      occurredAt: '2026-03-01T09:30:00Z',
      identity: { customerId: 'c-2', email: 'bob@example.com' },
      data: {
        orderId: 'o-2',
        lines: [{ productId: 'tea', name: 'Sencha', quantity: 1 }],
        total: usd('12.50'),
      },
    });
    const fulfilled = canonical({
      id: 'ful',
      type: 'order.fulfilled',
      occurredAt: '2026-03-02T09:30:00Z',
      identity: { customerId: 'c-2' },
      data: { orderId: 'o-2' },
    });
    const before = await world([order], '2026-03-01T09:31:00Z');
    const after = await world([order, fulfilled], '2026-03-02T10:00:00Z');

    // Act
    const confirmation = await before.step('post-purchase', 'order-confirmation', order);
    const notYet = await before.step('post-purchase', 'await-fulfilment', order);
    const shipped = await after.step('post-purchase', 'await-fulfilment', order);

    // Assess
    expect(confirmation.outcome).toBe('sent');
    expect(before.mailer.sent[0]?.headers).toEqual({});
    expect(before.mailer.sent[0]?.html).toContain('o-2');
    expect(notYet).toMatchObject({ outcome: 'deferred', reason: 'not-fulfilled-yet' });
    const reviewDelay = journeyRunConfig('post-purchase').steps.reviewRequest.delaySeconds;
    expect(shipped).toMatchObject({ outcome: 'continue', waitSeconds: reviewDelay - 30 * 60 });
  });

  it('plans the reorder reminder a few days before the product runs out', async () => {
    // Prepare: tea lasts 30 days
    const order = canonical({
      id: 'ord',
      type: 'order.placed',
      occurredAt: '2026-03-01T00:00:00Z',
      identity,
      data: {
        orderId: 'o-3',
        lines: [{ productId: 'sencha', category: 'tea', quantity: 1 }],
        total: usd('12.50'),
      },
    });
    const { step } = await world([consent, order], '2026-03-01T00:00:00Z');
    const lead = journeyRunConfig('replenishment').replenishment.leadDays;

    // Act
    const planned = await step('replenishment', 'enter', order);

    // Assess
    expect(planned).toMatchObject({ outcome: 'continue', waitSeconds: (30 - lead) * 24 * 60 * 60 });
  });
});

describe('Function: runJourneyStep after an unsubscribe', () => {
  it('ends a marketing journey but still confirms orders', async () => {
    // Prepare
    const revoked = canonical({
      id: 'unsub',
      type: 'customer.updated',
      occurredAt: '2026-03-01T09:10:00Z',
      identity,
      data: {
        consent: [
          {
            channel: 'email',
            status: 'revoked',
            source: 'unsubscribe-link',
            recordedAt: '2026-03-01T09:10:00Z',
          },
        ],
      },
    });
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const order = canonical({
      id: 'ord-u',
      type: 'order.placed',
      occurredAt: '2026-03-01T09:20:00Z',
      identity,
      data: {
        orderId: 'o-u',
        cartId: 'other-cart',
        lines: [{ productId: 'tea', name: 'Sencha', quantity: 1 }],
        total: usd('12.50'),
      },
    });
    const { step, mailer } = await world([consent, trigger, revoked, order], '2026-03-01T10:00:00Z');

    // Act
    const reminder = await step('cart-abandonment', 'reminder-1', trigger);
    const confirmation = await step('post-purchase', 'order-confirmation', order);

    // Assess
    expect(reminder).toMatchObject({ outcome: 'exited', reason: 'unsubscribed' });
    expect(confirmation.outcome).toBe('sent');
    expect(mailer.sent.map((mail) => mail.subject)).toHaveLength(1);
  });
});

describe('Function: runJourneyStep with a holdout group', () => {
  it('records held-out entrants and lets them travel the journey without mail', async () => {
    // Prepare: everyone is held out
    const trigger = cartUpdate('cart-ev-h', '2026-03-01T09:00:00Z');
    const { messaging, mailer, profiles } = await world([consent, trigger], '2026-03-01T10:00:00Z');
    const deps = {
      profiles,
      messaging,
      mailer,
      findStore: async () => store,
      render: renderMessage,
      clock: fixedClock('2026-03-01T10:00:00Z'),
      catalog: CATALOG,
      publicApiUrl: 'https://api.demo-store.example',
    };
    const config = { ...journeyRunConfig('cart-abandonment'), holdoutPercent: 100 } as Record<
      string,
      unknown
    >;

    // Act
    const entered = await runJourneyStep(deps, {
      journey: 'cart-abandonment',
      step: 'enter',
      config,
      trigger,
    });
    const reminder = await runJourneyStep(deps, {
      journey: 'cart-abandonment',
      step: 'reminder-1',
      config,
      trigger,
    });

    // Assess
    expect(entered.reason).toBe('entered:heldout');
    expect([...messaging.entries.values()]).toEqual([
      { journey: 'cart-abandonment', subjectKey: 'cart-1', at: '2026-03-01T10:00:00.000Z', heldOut: true },
    ]);
    expect(reminder).toMatchObject({ outcome: 'skipped', reason: 'holdout' });
    expect(mailer.sent).toEqual([]);
  });
});

describe('Function: runJourneyStep recording exits', () => {
  const order = (id: string, at: string, cartId = 'cart-1') =>
    canonical({
      id,
      type: 'order.placed',
      occurredAt: at,
      identity,
      data: { orderId: `o-${id}`, cartId, lines: [{ productId: 'tea', quantity: 2 }], total: usd('25.00') },
    });

  it('records why a run that entered ended, next to its entry', async () => {
    // Prepare: the cart is ordered while the first reminder waits
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const { step, messaging } = await world(
      [consent, trigger, order('ord', '2026-03-01T09:30:00Z')],
      '2026-03-01T10:00:00Z',
    );

    // Act
    const exited = await step('cart-abandonment', 'reminder-1', trigger);

    // Assess
    expect(exited).toMatchObject({ outcome: 'exited', reason: 'ordered' });
    expect([...messaging.exits.entries()]).toEqual([
      [
        'demo#customer:c-1#cart-abandonment#cart-1',
        {
          journey: 'cart-abandonment',
          subjectKey: 'cart-1',
          step: 'reminder-1',
          reason: 'ordered',
          at: '2026-03-01T10:00:00.000Z',
        },
      ],
    ]);
  });

  it('keeps the first exit when the run is asked again later', async () => {
    // Prepare
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const { step, stepAt, messaging } = await world(
      [consent, trigger, order('ord', '2026-03-01T09:30:00Z')],
      '2026-03-01T10:00:00Z',
    );

    // Act: a redelivered Task an hour later
    await step('cart-abandonment', 'reminder-1', trigger);
    const again = await stepAt('2026-03-01T11:00:00Z')('cart-abandonment', 'reminder-2', trigger);

    // Assess
    expect(again).toMatchObject({ outcome: 'exited', reason: 'ordered' });
    expect([...messaging.exits.values()]).toEqual([
      expect.objectContaining({ step: 'reminder-1', at: '2026-03-01T10:00:00.000Z' }),
    ]);
  });

  it('records a marketing run that ends because consent was withdrawn', async () => {
    // Prepare
    const trigger = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const revoked = canonical({
      id: 'unsub',
      type: 'customer.updated',
      occurredAt: '2026-03-01T09:10:00Z',
      identity,
      data: {
        consent: [
          { channel: 'email', status: 'revoked', source: 'test', recordedAt: '2026-03-01T09:10:00Z' },
        ],
      },
    });
    const { step, messaging } = await world([consent, trigger, revoked], '2026-03-01T10:00:00Z');

    // Act
    await step('cart-abandonment', 'reminder-1', trigger);

    // Assess
    expect([...messaging.exits.values()]).toEqual([
      expect.objectContaining({ step: 'reminder-1', reason: 'unsubscribed' }),
    ]);
  });

  it('records a run that ends as it starts, before the customer entered', async () => {
    // Prepare: nothing in the order runs out
    const trigger = canonical({
      id: 'ord-mug',
      type: 'order.placed',
      occurredAt: '2026-03-01T09:00:00Z',
      identity,
      data: { orderId: 'o-mug', lines: [{ productId: 'mug', quantity: 1 }], total: usd('9.00') },
    });
    const { step, messaging } = await world([consent, trigger], '2026-03-01T09:00:05Z');

    // Act
    const started = await step('replenishment', 'enter', trigger);

    // Assess
    expect(started).toMatchObject({ outcome: 'exited', reason: 'nothing-to-replenish' });
    expect(messaging.entries.size).toBe(0);
    expect([...messaging.exits.values()]).toEqual([
      {
        journey: 'replenishment',
        subjectKey: 'o-mug',
        step: 'enter',
        reason: 'nothing-to-replenish',
        at: '2026-03-01T09:00:05.000Z',
      },
    ]);
  });

  it('records no exit for a duplicate trigger or a second browse run, which start no run', async () => {
    // Prepare
    const cart = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const view = (id: string) =>
      canonical({
        id,
        type: 'product.viewed',
        occurredAt: '2026-03-01T09:00:00Z',
        identity,
        data: { product: { productId: 'tea', name: 'Sencha' } },
      });
    const { step, messaging } = await world(
      [consent, cart, view('v-1'), view('v-2')],
      '2026-03-01T09:00:05Z',
    );

    // Act
    await step('cart-abandonment', 'enter', cart);
    const duplicate = await step('cart-abandonment', 'enter', cart);
    await step('browse-abandonment', 'enter', view('v-1'));
    const secondRun = await step('browse-abandonment', 'enter', view('v-2'));

    // Assess
    expect([duplicate.reason, secondRun.reason]).toEqual(['duplicate-trigger', 'browse-run-already-started']);
    expect(messaging.exits.size).toBe(0);
  });

  it('records no exit for an older run of a cart a newer update took over, so the newer run can record its own', async () => {
    // Prepare: the cart changed after the first run started; it is ordered before the second run's reminder
    const first = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const second = cartUpdate('cart-ev-2', '2026-03-01T09:40:00Z');
    const { step, stepAt, messaging, profiles } = await world(
      [consent, first, second],
      '2026-03-01T10:00:00Z',
    );

    // Act
    const older = await step('cart-abandonment', 'reminder-1', first);
    await recordEvent(profiles, order('ord', '2026-03-01T10:30:00Z'));
    const newer = await stepAt('2026-03-01T10:40:00Z')('cart-abandonment', 'reminder-1', second);

    // Assess
    expect([older.reason, newer.reason]).toEqual(['superseded', 'ordered']);
    expect([...messaging.exits.values()]).toEqual([expect.objectContaining({ reason: 'ordered' })]);
  });

  it('exits and records a run whose cart is another one now', async () => {
    // Prepare
    const first = cartUpdate('cart-ev-1', '2026-03-01T09:00:00Z');
    const otherCart = canonical({
      id: 'cart-ev-9',
      type: 'cart.updated',
      occurredAt: '2026-03-01T09:40:00Z',
      identity,
      data: { cartId: 'cart-9', lines: [{ productId: 'mug', quantity: 1 }], total: usd('9.00') },
    });
    const { step, messaging } = await world([consent, first, otherCart], '2026-03-01T10:00:00Z');

    // Act
    const exited = await step('cart-abandonment', 'reminder-1', first);

    // Assess
    expect(exited).toMatchObject({ outcome: 'exited', reason: 'cart-replaced' });
    expect([...messaging.exits.values()]).toEqual([
      expect.objectContaining({ subjectKey: 'cart-1', reason: 'cart-replaced' }),
    ]);
  });
});
