import { describe, expect, it } from 'vitest';
import { recordEngagement } from '#engagement/domain/record-engagement.ts';
import { parseSesMessage } from '#engagement/schemas.ts';
import type { OutgoingEmail } from '#messaging/domain/ports.ts';
import {
  CLAIM_LEASE_MS,
  type GuardedSendInput,
  POST_SEND_RETRY_DELAYS_MS,
  sendGuarded,
} from '#messaging/domain/send-guarded.ts';
import { SentMailNotRecordedError } from '#messaging/errors.ts';
import { InMemoryMessagingStore, RecordingMailer } from '#tests/helpers/in-memory-messaging.ts';
import { sesMessageBody } from './engagement-events.ts';
import { InMemoryEngagementStore } from './in-memory-engagement-store.ts';

const customer = { storeId: 'demo', customerKey: 'customer:c-1' };
const NOW = Date.parse('2026-03-02T10:00:00Z');
const at = (ms: number) => new Date(NOW + ms);
const noPause = { pause: async () => {} };

function input(now: Date): GuardedSendInput {
  return {
    request: {
      journey: 'cart-abandonment',
      step: 'reminder-1',
      subjectKey: 'cart-1',
      kind: 'marketing',
      priority: 50,
      whenCapped: 'defer',
    },
    template: 'cart-abandonment.reminder-1',
    customer,
    recipient: { email: 'ann@example.com', emailConsent: 'granted', timeZone: 'Europe/Berlin' },
    sender: {
      storeId: 'demo',
      name: 'Demo Store',
      address: 'hello@demo-store.example',
      timeZone: 'Europe/Berlin',
      postalAddress: '1 Market Street, Springfield',
      unsubscribeSigningKey: 'signing-key',
      publicApiUrl: 'https://api.example.com',
    },
    heldOut: false,
    now,
    render: () => ({ subject: 'Your cart', html: '<p>cart</p>', text: 'cart' }),
  };
}

/** SES's `Send` event for a mail as it reaches the engagement queue: its tags, each as a list of values. */
function sendEvent(email: OutgoingEmail, messageId: string, sentAt: Date) {
  const tags = Object.fromEntries(Object.entries(email.tags).map(([name, value]) => [name, [value]]));
  const parsed = parseSesMessage(
    sesMessageBody('send', {
      id: `send-${messageId}`,
      messageId,
      mail: { tags, timestamp: sentAt.toISOString(), destination: [email.to] },
    }),
  );
  if (parsed.kind !== 'engagement') throw new Error('not an engagement event');
  return parsed.event;
}

describe('Scenario: SES accepted a mail, and recording it failed', () => {
  it('never sends it twice: its Send event marks the slot sent before the lease runs out', async () => {
    // Prepare: DynamoDB fails every write after SES accepted the mail
    const messaging = new InMemoryMessagingStore();
    const engagement = new InMemoryEngagementStore(messaging);
    const mailer = new RecordingMailer();
    messaging.failMarkSent = POST_SEND_RETRY_DELAYS_MS.length + 1;
    const failed = await sendGuarded(messaging, mailer, input(at(0)), noPause).catch(
      (error: unknown) => error,
    );
    const [email] = mailer.sent;
    if (email === undefined) throw new Error('SES never got the mail');

    // Act: Step Functions retries at once, SES's Send event arrives, the step is asked again after the lease
    const retried = await sendGuarded(messaging, mailer, input(at(5_000)), noPause);
    const recorded = await recordEngagement(engagement, sendEvent(email, 'msg-1', at(0)), at(8_000));
    const afterLease = await sendGuarded(messaging, mailer, input(at(CLAIM_LEASE_MS + 1_000)), noPause);

    // Assess
    expect(failed).toBeInstanceOf(SentMailNotRecordedError);
    expect(retried).toMatchObject({ outcome: 'deferred', reason: 'send-in-progress' });
    expect(recorded).toMatchObject({ outcome: 'applied', recordedFromTags: true, firsts: ['send'] });
    expect(afterLease).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
    expect(await messaging.findSlot(customer, 'cart-abandonment#cart-1#reminder-1')).toEqual({
      status: 'sent',
      messageId: 'msg-1',
    });
    // The mail is indexed as the send path would have indexed it, so its engagement counts for its journey.
    expect((await engagement.loadMessage('msg-1'))?.message).toEqual({
      ...customer,
      messageKey: 'cart-abandonment#cart-1#reminder-1',
      messageId: 'msg-1',
      sentAt: at(0).toISOString(),
      journey: 'cart-abandonment',
      step: 'reminder-1',
      variant: 'cart-abandonment.reminder-1',
      subjectKey: 'cart-1',
    });
  });

  it('answers a retry within the lease as a duplicate once the Send event was recorded', async () => {
    // Prepare
    const messaging = new InMemoryMessagingStore();
    const engagement = new InMemoryEngagementStore(messaging);
    const mailer = new RecordingMailer();
    messaging.failMarkSent = POST_SEND_RETRY_DELAYS_MS.length + 1;
    await sendGuarded(messaging, mailer, input(at(0)), noPause).catch(() => undefined);
    const [email] = mailer.sent;
    if (email === undefined) throw new Error('SES never got the mail');
    await recordEngagement(engagement, sendEvent(email, 'msg-1', at(0)), at(2_000));

    // Act
    const retried = await sendGuarded(messaging, mailer, input(at(5_000)), noPause);

    // Assess
    expect(retried).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('keeps what the send path recorded when it got there after all', async () => {
    // Prepare: SES's event overtakes the send path's own (successful) write
    const messaging = new InMemoryMessagingStore();
    const engagement = new InMemoryEngagementStore(messaging);
    const mailer = new RecordingMailer();
    const result = await sendGuarded(messaging, mailer, input(at(0)), noPause);
    const [email] = mailer.sent;
    if (email === undefined) throw new Error('SES never got the mail');

    // Act
    await recordEngagement(engagement, sendEvent(email, 'msg-1', at(1)), at(2_000));

    // Assess
    expect(result).toEqual({ outcome: 'sent', messageId: 'msg-1' });
    expect(await messaging.findSlot(customer, 'cart-abandonment#cart-1#reminder-1')).toEqual({
      status: 'sent',
      messageId: 'msg-1',
    });
  });
});
