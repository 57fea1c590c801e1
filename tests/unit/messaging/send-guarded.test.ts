import { describe, expect, it } from 'vitest';
import type { EmailSender, OutgoingEmail } from '#messaging/domain/ports.ts';
import {
  CLAIM_LEASE_MS,
  type GuardedSendInput,
  POST_SEND_RETRY_DELAYS_MS,
  sendGuarded,
} from '#messaging/domain/send-guarded.ts';
import { slotFromTags } from '#messaging/domain/slot-tags.ts';
import { verifyUnsubscribeToken } from '#messaging/domain/unsubscribe-token.ts';
import { SentMailNotRecordedError } from '#messaging/errors.ts';
import { DyingMailer, InMemoryMessagingStore, RecordingMailer } from '#tests/helpers/in-memory-messaging.ts';

const customer = { storeId: 'demo', customerKey: 'customer:c-1' };
const NOW = Date.parse('2026-03-02T10:00:00Z');
const at = (ms: number) => new Date(NOW + ms);
/** Retries in these tests do not wait. */
const noPause = { pause: async () => {} };

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
      postalAddress: '1 Market Street, Springfield',
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

  it("sends no marketing mail without the sender's postal address, and records why; transactional mail still goes", async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    const anonymous = { ...input().sender, postalAddress: '  ' };

    // Act
    const marketing = await sendGuarded(store, mailer, input({ sender: anonymous }));
    const transactional = await sendGuarded(
      store,
      mailer,
      input({
        sender: anonymous,
        request: { ...input().request, step: 'order-confirmation', kind: 'transactional' },
      }),
    );

    // Assess
    expect(marketing).toEqual({ outcome: 'skipped', reason: 'sender-address-missing' });
    expect(transactional.outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    const reasons = [...store.decisions.values()].flat().map((decision) => decision.reason);
    expect(reasons).toContain('sender-address-missing');
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

    // Assess: each asks again when allowed, plus 95 s for priority 50 (100 ms per point below 1000);
    // after quiet hours, at this customer's own moment of the half hour they are spread over (28:43)
    expect(second).toMatchObject({ outcome: 'deferred', reason: 'capped' });
    expect(second.outcome === 'deferred' && second.until.toISOString()).toBe('2026-03-03T02:01:35.000Z');
    expect(third).toMatchObject({ outcome: 'deferred', reason: 'quiet-hours' });
    expect(third.outcome === 'deferred' && third.until.toISOString()).toBe('2026-03-03T07:30:18.000Z');
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
    await expect(sendGuarded(store, mailer, input())).rejects.toThrow('SES is unavailable');
    const retry = await sendGuarded(store, mailer, input());

    // Assess
    expect(retry.outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('defers a mail SES throttles into a random spot of the next minutes, giving its slot and place in the cap back', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    mailer.throttleNext = 'rate';
    const daily = new RecordingMailer();
    daily.throttleNext = 'daily';

    // Act
    const throttled = await sendGuarded(store, mailer, input(), { random: () => 0.5 });
    const retried = await sendGuarded(store, mailer, input({ now: at(180_000) }));
    const quota = await sendGuarded(new InMemoryMessagingStore(), daily, input(), { random: () => 0 });

    // Assess: one to five minutes for the rate (here the middle), an hour and more for the day's quota
    expect(throttled).toEqual({ outcome: 'deferred', until: at(180_000), reason: 'throttled' });
    expect(quota).toEqual({ outcome: 'deferred', until: at(3_600_000), reason: 'throttled' });
    expect(retried.outcome).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect((await store.loadFrequency(input().customer)).sentAt).toEqual([at(180_000)]);
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

  it('sends a mail whose slot carries its claim, journey and variant in tags SES reports back', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();

    // Act
    await sendGuarded(store, mailer, input());

    // Assess
    const tags = mailer.sent[0]?.tags ?? {};
    expect(tags).toMatchObject({
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'cart-abandonment.reminder-1',
      store: 'demo',
    });
    expect(
      slotFromTags(Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]]))),
    ).toEqual({
      storeId: 'demo',
      customerKey: 'customer:c-1',
      messageKey: 'cart-abandonment#cart-1#reminder-1',
      variant: 'cart-abandonment.reminder-1',
    });
  });

  it('defers a retry while a crashed attempt holds the claim, then takes it over and sends once', async () => {
    // Prepare: the first attempt claims the slot, reserves its place in the caps, and dies calling SES
    const store = new InMemoryMessagingStore();
    const dying = new DyingMailer();
    void sendGuarded(store, dying, input());
    await dying.called;
    const mailer = new RecordingMailer();

    // Act: Step Functions retries seconds later, then when told to
    const withinSeconds = await sendGuarded(store, mailer, input({ now: at(5_000) }));
    const afterLiveSender = await sendGuarded(
      store,
      mailer,
      input({ now: withinSeconds.outcome === 'deferred' ? withinSeconds.until : at(0) }),
    );
    const afterLease = await sendGuarded(
      store,
      mailer,
      input({ now: afterLiveSender.outcome === 'deferred' ? afterLiveSender.until : at(0) }),
    );
    const again = await sendGuarded(store, mailer, input({ now: at(CLAIM_LEASE_MS + 60_000) }));

    // Assess
    expect(withinSeconds).toEqual({ outcome: 'deferred', reason: 'send-in-progress', until: at(60_000) });
    expect(afterLiveSender).toEqual({
      outcome: 'deferred',
      reason: 'send-in-progress',
      until: at(CLAIM_LEASE_MS + 1000),
    });
    expect(afterLease).toEqual({ outcome: 'sent', messageId: 'msg-1' });
    expect(again).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
    // One mail, one place in the frequency history: the takeover replaced the crashed attempt's reservation.
    expect((await store.loadFrequency(customer)).sentAt).toEqual([at(CLAIM_LEASE_MS + 1000)]);
    expect((await store.listDecisions(customer, 10)).map((d) => [d.outcome, d.reason]).reverse()).toEqual([
      ['deferred', 'send-in-progress'],
      ['deferred', 'send-in-progress'],
      ['sent', undefined],
      ['skipped', 'duplicate'],
    ]);
  });

  it('defers while another attempt is still sending, and then finds the mail sent', async () => {
    // Prepare: a slow SES call keeps the first attempt's claim live
    const store = new InMemoryMessagingStore();
    const recorded = new RecordingMailer();
    let answer: () => void = () => {};
    const slow: EmailSender = {
      send: async (email: OutgoingEmail) => {
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return recorded.send(email);
      },
    };
    const first = sendGuarded(store, slow, input());
    await new Promise((resolve) => setTimeout(resolve, 0));

    // Act
    const concurrent = await sendGuarded(store, recorded, input({ now: at(2_000) }));
    answer();
    await first;
    const later = await sendGuarded(
      store,
      recorded,
      input({ now: concurrent.outcome === 'deferred' ? concurrent.until : at(0) }),
    );

    // Assess
    expect(concurrent).toEqual({ outcome: 'deferred', reason: 'send-in-progress', until: at(60_000) });
    expect(later).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    expect(recorded.sent).toHaveLength(1);
  });

  it('retries recording a mail SES accepted, and sends it once', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    store.failMarkSent = 2;
    const pauses: number[] = [];

    // Act
    const result = await sendGuarded(store, mailer, input(), {
      pause: async (ms) => {
        pauses.push(ms);
      },
    });

    // Assess
    expect(result).toEqual({ outcome: 'sent', messageId: 'msg-1' });
    expect(pauses).toEqual(POST_SEND_RETRY_DELAYS_MS.slice(0, 2));
    expect(await store.findSlot(customer, 'cart-abandonment#cart-1#reminder-1')).toEqual({
      status: 'sent',
      messageId: 'msg-1',
    });
  });

  it('fails when a mail SES accepted cannot be recorded, and keeps the claim so no retry sends it early', async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    store.failMarkSent = POST_SEND_RETRY_DELAYS_MS.length + 1;

    // Act
    const failed = await sendGuarded(store, mailer, input(), noPause).catch((error: unknown) => error);
    const retry = await sendGuarded(store, mailer, input({ now: at(10_000) }), noPause);

    // Assess
    expect(failed).toBeInstanceOf(SentMailNotRecordedError);
    expect((failed as Error).message).toContain('msg-1');
    expect(retry).toEqual({ outcome: 'deferred', reason: 'send-in-progress', until: at(60_000) });
    expect(mailer.sent).toHaveLength(1);
  });

  it("reports SES's error when giving the slot back fails too", async () => {
    // Prepare
    const store = new InMemoryMessagingStore();
    const mailer = new RecordingMailer();
    mailer.failNext = true;
    store.releaseClaim = async () => {
      throw new Error('DynamoDB is down');
    };

    // Act
    const failed = sendGuarded(store, mailer, input());

    // Assess
    await expect(failed).rejects.toThrow('SES is unavailable');
  });
});
