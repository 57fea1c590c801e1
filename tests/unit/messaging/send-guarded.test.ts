import { describe, expect, it } from 'vitest';
import { type GuardedSendInput, sendGuarded } from '#messaging/domain/send-guarded.ts';
import { verifyUnsubscribeToken } from '#messaging/domain/unsubscribe-token.ts';
import { InMemoryMessagingStore, RecordingMailer } from '#tests/helpers/in-memory-messaging.ts';

const customer = { storeId: 'demo', customerKey: 'customer:c-1' };

function input(overrides: Partial<GuardedSendInput> = {}, step = 'reminder-1'): GuardedSendInput {
  return {
    request: {
      journey: 'cart-abandonment',
      step,
      subjectKey: 'cart-1',
      kind: 'marketing',
      priority: 50,
      whenCapped: 'defer',
    },
    template: `cart-abandonment.${step}`,
    customer,
    recipient: { email: 'ann@example.com', emailConsent: 'granted', timeZone: 'Europe/Berlin' },
    sender: {
      storeId: 'demo',
      name: 'Demo Store',
      address: 'hello@demo-store.example',
      timeZone: 'America/New_York',
      unsubscribeSigningKey: 'signing-key',
      publicApiUrl: 'https://api.example.com/',
    },
    heldOut: false,
    now: new Date('2026-03-02T10:00:00Z'),
    render: (unsubscribeUrl) => ({
      subject: 'Your cart',
      html: `<a href="${unsubscribeUrl}">unsubscribe</a>`,
      text: 'cart',
    }),
    ...overrides,
  };
}

describe('Function: sendGuarded', () => {
  it('sends a marketing mail once, with one-click unsubscribe headers, and records the decision', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();

    // Act
    const first = await sendGuarded(store, mailer, input());
    const again = await sendGuarded(store, mailer, input({ now: new Date('2026-03-05T10:00:00Z') }));

    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'msg-1' });
    expect(again).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
    const headers = mailer.sent[0]?.headers ?? {};
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /<(https:[^>]+)>/.exec(headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(token, 'signing-key', new Date('2026-03-03T00:00:00Z'))).toMatchObject({
      ok: true,
      claims: { storeId: 'demo', email: 'ann@example.com', journey: 'cart-abandonment' },
    });
    expect(mailer.sent[0]?.html).toContain(url.replace(/&/g, '&'));
    expect((await store.listDecisions(customer, 10)).map((decision) => decision.outcome)).toEqual([
      'skipped',
      'sent',
    ]);
  });

  it('defers a second marketing mail within 16 hours until the cap opens', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    await sendGuarded(store, mailer, input());

    // Act: 16 hours after 10:00 UTC is 02:00 UTC, 18:00 in Los Angeles and 03:00 in Berlin (quiet)
    const second = await sendGuarded(
      store,
      mailer,
      input(
        { recipient: { email: 'ann@example.com', emailConsent: 'granted', timeZone: 'America/Los_Angeles' } },
        'reminder-2',
      ),
    );
    const third = await sendGuarded(store, mailer, input({}, 'last-chance'));

    // Assess: each asks again when allowed, plus 95 s for priority 50 (100 ms per point below 1000)
    expect(second).toMatchObject({ outcome: 'deferred', reason: 'capped' });
    expect(second.outcome === 'deferred' && second.until.toISOString()).toBe('2026-03-03T02:01:35.000Z');
    expect(third).toMatchObject({ outcome: 'deferred', reason: 'quiet-hours' });
    expect(third.outcome === 'deferred' && third.until.toISOString()).toBe('2026-03-03T07:01:35.000Z');
    expect(mailer.sent).toHaveLength(1);
  });

  it('sends transactional mail without unsubscribe headers, caps or consent', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    await sendGuarded(store, mailer, input());
    const confirmation = input({
      request: {
        journey: 'post-purchase',
        step: 'order-confirmation',
        subjectKey: 'o-1',
        kind: 'transactional',
        priority: 100,
        whenCapped: 'skip',
      },
      recipient: { email: 'ann@example.com', emailConsent: 'revoked' },
      render: (unsubscribeUrl) => ({ subject: 'Order o-1', html: `url=${unsubscribeUrl}`, text: 'thanks' }),
    });

    // Act
    const result = await sendGuarded(store, mailer, confirmation);

    // Assess
    expect(result.outcome).toBe('sent');
    expect(mailer.sent[1]?.headers).toEqual({});
    expect(mailer.sent[1]?.html).toBe('url=undefined');
  });

  it('skips suppressed addresses and records why', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    await store.suppress('demo', 'ann@example.com', { reason: 'unsubscribed', at: '2026-03-01T00:00:00Z' });

    // Act
    const result = await sendGuarded(store, mailer, input());

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'suppressed' });
    expect(mailer.sent).toEqual([]);
    expect((await store.listDecisions(customer, 1))[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'suppressed',
      suppression: 'unsubscribed',
    });
  });

  it('gives the slot back when SES fails, so the retried step sends exactly one mail', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    mailer.failNext = true;

    // Act
    await expect(sendGuarded(store, mailer, input())).rejects.toThrow('Throttling');
    const retry = await sendGuarded(store, mailer, input());

    // Assess
    expect(retry.outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('lets only one of two journeys racing for the same customer pass the cap', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    const welcome = input({
      request: {
        journey: 'welcome',
        step: 'welcome',
        subjectKey: 'c-1',
        kind: 'marketing',
        priority: 50,
        whenCapped: 'defer',
      },
    });

    // Act
    const results = await Promise.all([
      sendGuarded(store, mailer, input()),
      sendGuarded(store, mailer, welcome),
    ]);

    // Assess
    expect(results.map((result) => result.outcome).sort()).toEqual(['deferred', 'sent']);
    expect(mailer.sent).toHaveLength(1);
  });
});
