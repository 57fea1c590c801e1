import { describe, expect, it } from 'vitest';
import type { EngagementEvent } from '#engagement/domain/engagement-event.ts';
import { recordEngagement } from '#engagement/domain/record-engagement.ts';
import { InMemoryErasureLog } from '#tests/helpers/in-memory-erasures.ts';
import {
  bounced,
  clicked,
  complained,
  customer,
  delivered,
  opened,
  sent,
  sentMessage,
  TAGGED_SLOT,
} from './engagement-events.ts';
import { InMemoryEngagementStore } from './in-memory-engagement-store.ts';

/** Long after the mails were sent: an unknown message is not waited for. */
const NOW = new Date('2026-03-20T00:00:00Z');

function storeWithMail(): InMemoryEngagementStore {
  const store = new InMemoryEngagementStore();
  store.addSentMessage(sentMessage());
  return store;
}

async function recordAll(
  store: InMemoryEngagementStore,
  events: EngagementEvent[],
  softBounceLimit?: number,
) {
  const results = [];
  for (const event of events) results.push(await recordEngagement(store, event, NOW, { softBounceLimit }));
  return results;
}

/** Transient bounces of one mail each, a day apart from Mar 1. */
function softBounces(count: number, firstDay = 1): EngagementEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const day = String(firstDay + index).padStart(2, '0');
    return bounced(`2026-03-${day}T10:00:00Z`, 'Transient', { messageId: `ses-${firstDay + index}` });
  });
}

describe('Function: recordEngagement', () => {
  it('records a delivery on the mail and on the customer', async () => {
    // Prepare
    const store = storeWithMail();

    // Act
    const result = await recordEngagement(store, delivered('2026-03-01T10:00:05Z'), NOW);

    // Assess
    expect(result).toEqual({
      outcome: 'applied',
      message: sentMessage(),
      firsts: ['delivery'],
      suppressed: [],
    });
    expect(store.stateOf('ses-1')?.status).toBe('delivered');
    expect(store.summaryOf(customer)?.deliveries).toBe(1);
  });

  it('ignores an event for a mail the send path never indexed', async () => {
    // Prepare
    const store = storeWithMail();

    // Act
    const result = await recordEngagement(
      store,
      opened('2026-03-01T11:00:00Z', { messageId: 'someone-else' }),
      NOW,
    );

    // Assess
    expect(result).toEqual({ outcome: 'unknown-message', messageId: 'someone-else' });
    expect(store.summaries.size).toBe(0);
  });

  it('waits for one of our mails that the send path may not have indexed yet', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    const delivery = delivered('2026-03-01T10:00:05Z', { mailSentAt: '2026-03-01T10:00:00.000Z' });

    // Act
    const early = await recordEngagement(store, delivery, new Date('2026-03-01T10:01:59Z'));
    store.addSentMessage(sentMessage());
    const retried = await recordEngagement(store, delivery, new Date('2026-03-01T10:03:30Z'));

    // Assess
    expect(early).toEqual({ outcome: 'not-indexed-yet', messageId: 'ses-1' });
    expect(retried).toMatchObject({ outcome: 'applied', firsts: ['delivery'] });
  });

  it('records a mail its sender did not record from the slot its tags name, and applies the event', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    const send = sent('2026-03-01T10:00:00Z', { slot: TAGGED_SLOT });

    // Act
    const result = await recordEngagement(store, send, new Date('2026-03-01T10:00:02Z'));

    // Assess
    expect(result).toEqual({
      outcome: 'applied',
      message: sentMessage(),
      firsts: ['send'],
      suppressed: [],
      recordedFromTags: true,
    });
    expect(store.sentSlots).toEqual(
      new Map([['demo#customer:c-1#cart-abandonment#cart-1#reminder-1', 'ses-1']]),
    );
    expect(store.stateOf('ses-1')?.engagement).toEqual({ send: '2026-03-01T10:00:00.000Z' });
  });

  it('records a mail from its tags on any event, however late, and only once', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    const delivery = delivered('2026-03-01T10:00:05Z', { slot: TAGGED_SLOT });
    const open = opened('2026-03-02T08:00:00Z', { slot: TAGGED_SLOT });

    // Act
    const first = await recordEngagement(store, delivery, NOW);
    const second = await recordEngagement(store, open, NOW);

    // Assess
    expect(first).toMatchObject({ outcome: 'applied', recordedFromTags: true, firsts: ['delivery'] });
    expect(second).toMatchObject({ outcome: 'applied', firsts: ['open'] });
    expect(second).not.toHaveProperty('recordedFromTags');
    expect(store.stateOf('ses-1')?.status).toBe('opened');
  });

  it('rebuilds nothing from the tags of a mail to a customer erased since: the erasure removed its index', async () => {
    // Prepare: c-1 got the mail at 10:00 on Mar 1 and was erased a minute later; it is opened at once
    const store = new InMemoryEngagementStore();
    const erasures = new InMemoryErasureLog();
    await erasures.erase('demo', ['customer:c-1'], '2026-03-01T10:01:00.000Z');
    const open = opened('2026-03-01T10:01:30Z', { slot: TAGGED_SLOT });

    // Act: still within the time a mail's index may take, which is no reason to wait here
    const result = await recordEngagement(store, open, new Date('2026-03-01T10:01:31Z'), { erasures });

    // Assess
    expect(result).toEqual({ outcome: 'unknown-message', messageId: 'ses-1' });
    expect(store.sentSlots.size).toBe(0);
    expect(store.stateOf('ses-1')).toBeUndefined();
  });

  it('leaves a mail the send path recorded as the send path recorded it, whatever the tags say', async () => {
    // Prepare
    const store = storeWithMail();
    const delivery = delivered('2026-03-01T10:00:05Z', { slot: { ...TAGGED_SLOT, variant: 'other' } });

    // Act
    const result = await recordEngagement(store, delivery, NOW);

    // Assess
    expect(result).toMatchObject({ outcome: 'applied', message: sentMessage() });
    expect(result).not.toHaveProperty('recordedFromTags');
    expect(store.sentSlots.size).toBe(0);
  });

  it('gives up on one of our mails that was still not indexed two minutes after it was sent', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    const delivery = delivered('2026-03-01T10:00:05Z', { mailSentAt: '2026-03-01T10:00:00.000Z' });

    // Act
    const result = await recordEngagement(store, delivery, new Date('2026-03-01T10:02:00Z'));

    // Assess
    expect(result).toEqual({ outcome: 'unknown-message', messageId: 'ses-1' });
  });

  it('does not wait for a young mail without our journey tags', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    const delivery = delivered('2026-03-01T10:00:05Z', {
      mailSentAt: '2026-03-01T10:00:00.000Z',
      journeyTagged: false,
    });

    // Act
    const result = await recordEngagement(store, delivery, new Date('2026-03-01T10:00:10Z'));

    // Assess
    expect(result.outcome).toBe('unknown-message');
  });

  it('counts a redelivered open once and reports nothing new the second time', async () => {
    // Prepare
    const store = storeWithMail();
    const open = opened('2026-03-01T11:00:00Z');

    // Act
    const [first, second] = await recordAll(store, [open, open]);

    // Assess
    expect(first).toMatchObject({ outcome: 'applied', firsts: ['open'] });
    expect(second).toMatchObject({ outcome: 'duplicate', firsts: [] });
    expect(store.stateOf('ses-1')?.opens).toBe(1);
    expect(store.summaryOf(customer)?.opens).toBe(1);
  });

  it('reports the first open of a mail once, and the second open not at all', async () => {
    // Act
    const results = await recordAll(storeWithMail(), [
      opened('2026-03-01T11:00:00Z'),
      opened('2026-03-01T12:00:00Z'),
      clicked('2026-03-01T12:01:00Z'),
    ]);

    // Assess
    expect(results.map((result) => 'firsts' in result && result.firsts)).toEqual([['open'], [], ['click']]);
  });

  it('suppresses a hard-bouncing address at once', async () => {
    // Prepare
    const store = storeWithMail();

    // Act
    const result = await recordEngagement(store, bounced('2026-03-01T10:00:07Z', 'Permanent'), NOW);

    // Assess
    expect(result).toMatchObject({ firsts: ['bounce'], suppressed: ['hard-bounce'] });
    expect(store.suppressions.get('demo#ann@example.com')).toEqual({
      reason: 'hard-bounce',
      at: '2026-03-01T10:00:07.000Z',
    });
  });

  it('suppresses a complaining address at once, over an earlier unsubscribe', async () => {
    // Prepare
    const store = storeWithMail();
    store.suppressions.set('demo#ann@example.com', {
      reason: 'unsubscribed',
      at: '2026-02-01T00:00:00.000Z',
    });

    // Act
    const result = await recordEngagement(store, complained('2026-03-01T12:00:00Z'), NOW);

    // Assess
    expect(result).toMatchObject({ suppressed: ['complaint'] });
    expect(store.suppressions.get('demo#ann@example.com')?.reason).toBe('complaint');
  });

  it('keeps the first reason when a hard bounce follows a complaint', async () => {
    // Prepare
    const store = storeWithMail();
    await recordEngagement(store, complained('2026-03-01T12:00:00Z'), NOW);

    // Act
    const result = await recordEngagement(store, bounced('2026-03-02T10:00:00Z', 'Permanent'), NOW);

    // Assess
    expect(result).toMatchObject({ suppressed: [] });
    expect(store.suppressions.get('demo#ann@example.com')).toEqual({
      reason: 'complaint',
      at: '2026-03-01T12:00:00.000Z',
    });
  });

  it('suppresses the address as sent when the bounce report spells it in capitals', async () => {
    // Prepare
    const store = storeWithMail();
    const bounce = { ...bounced('2026-03-01T10:00:07Z', 'Permanent'), recipients: ['Ann@Example.COM'] };

    // Act
    await recordEngagement(store, bounce, NOW);

    // Assess
    expect([...store.suppressions.keys()]).toEqual(['demo#ann@example.com']);
  });

  it('tolerates seven soft bounces in a row and suppresses at the eighth', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    for (let index = 1; index <= 8; index += 1)
      store.addSentMessage(sentMessage({ messageId: `ses-${index}` }));

    // Act
    const results = await recordAll(store, softBounces(8));

    // Assess
    expect(
      results.slice(0, 7).every((result) => result.outcome === 'applied' && result.suppressed.length === 0),
    ).toBe(true);
    expect(results[7]).toMatchObject({ suppressed: ['soft-bounces'] });
    expect(store.summaryOf(customer)?.softBounceStreak).toBe(8);
    expect(store.suppressions.get('demo#ann@example.com')?.reason).toBe('soft-bounces');
  });

  it('starts the soft-bounce count again after a delivery', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    for (let index = 1; index <= 12; index += 1)
      store.addSentMessage(sentMessage({ messageId: `ses-${index}` }));
    const delivery = delivered('2026-03-05T12:00:00Z', { messageId: 'ses-12' });

    // Act: four bounces, a delivery, then seven more bounces
    await recordAll(store, [...softBounces(4), delivery, ...softBounces(7, 6)]);

    // Assess
    expect(store.summaryOf(customer)?.softBounceStreak).toBe(7);
    expect(store.suppressions.size).toBe(0);
  });

  it('honours a configured soft-bounce limit', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    for (let index = 1; index <= 3; index += 1)
      store.addSentMessage(sentMessage({ messageId: `ses-${index}` }));

    // Act
    const results = await recordAll(store, softBounces(3), 2);

    // Assess
    expect(results.map((result) => 'suppressed' in result && result.suppressed)).toEqual([
      [],
      [],
      ['soft-bounces'],
    ]);
  });

  it('never weakens a hard-bounce suppression to soft bounces', async () => {
    // Prepare
    const store = new InMemoryEngagementStore();
    for (let index = 1; index <= 3; index += 1)
      store.addSentMessage(sentMessage({ messageId: `ses-${index}` }));
    store.suppressions.set('demo#ann@example.com', { reason: 'hard-bounce', at: '2026-02-01T00:00:00.000Z' });

    // Act
    await recordAll(store, softBounces(3), 2);

    // Assess
    expect(store.suppressions.get('demo#ann@example.com')?.reason).toBe('hard-bounce');
  });

  it('completes the customer summary when redelivered after a crash between the two writes', async () => {
    // Prepare
    const store = storeWithMail();
    const bounce = bounced('2026-03-01T10:00:07Z', 'Permanent');
    store.crashOnNextSummarySave = true;
    await expect(recordEngagement(store, bounce, NOW)).rejects.toThrow('simulated crash');

    // Act
    const retried = await recordEngagement(store, bounce, NOW);

    // Assess: the mail was already updated (nothing first again), the rest is completed once
    expect(retried).toMatchObject({ outcome: 'duplicate', firsts: [], suppressed: ['hard-bounce'] });
    expect(store.summaryOf(customer)?.bounces).toBe(1);
    expect(store.stateOf('ses-1')?.status).toBe('bounced');
  });

  it('keeps every concurrent open of one batch, through the version conflicts', async () => {
    // Prepare
    const store = storeWithMail();
    const opens = Array.from({ length: 10 }, (_, index) =>
      opened(new Date(Date.UTC(2026, 2, 1, 11, index)).toISOString()),
    );

    // Act
    await Promise.all(opens.map((event) => recordEngagement(store, event, NOW)));

    // Assess
    expect(store.stateOf('ses-1')?.opens).toBe(10);
    expect(store.summaryOf(customer)?.opens).toBe(10);
    expect(store.summaryOf(customer)?.touches).toHaveLength(10);
  });
});
