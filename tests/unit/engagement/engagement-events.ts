import { readFileSync } from 'node:fs';
import type { BounceType, EngagementEvent } from '#engagement/domain/engagement-event.ts';
import type { SentMessageRecord } from '#engagement/domain/ports.ts';

export const customer = { storeId: 'demo', customerKey: 'customer:c-1' };

/** A mail as the send path indexes it: the cart reminder to Ann. */
export function sentMessage(overrides: Partial<SentMessageRecord> = {}): SentMessageRecord {
  return {
    ...customer,
    messageKey: 'cart-abandonment#cart-1#reminder-1',
    messageId: 'ses-1',
    sentAt: '2026-03-01T10:00:00.000Z',
    journey: 'cart-abandonment',
    step: 'reminder-1',
    variant: 'cart-abandonment.reminder-1',
    subjectKey: 'cart-1',
    ...overrides,
  };
}

type Extra = Partial<
  Pick<EngagementEvent, 'eventId' | 'messageId' | 'destination' | 'mailSentAt' | 'journeyTagged' | 'slot'>
>;
let sequence = 0;
const nextEventId = () => {
  sequence += 1;
  return `evt-${sequence}`;
};
const base = (at: string, extra: Extra) => ({
  eventId: nextEventId(),
  messageId: 'ses-1',
  destination: ['ann@example.com'],
  at: new Date(at).toISOString(),
  mailSentAt: '2026-03-01T10:00:00.000Z',
  journeyTagged: true,
  ...extra,
});

export const sent = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'send',
});
export const delivered = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'delivery',
});
export const opened = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'open',
});
export const clicked = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'click',
});
export const bounced = (at: string, bounceType: BounceType, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'bounce',
  bounceType,
  recipients: ['ann@example.com'],
});
export const complained = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'complaint',
  recipients: ['ann@example.com'],
});
export const rejected = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'reject',
});
export const renderingFailed = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'renderingFailure',
});
export const delayed = (at: string, extra: Extra = {}): EngagementEvent => ({
  ...base(at, extra),
  kind: 'deliveryDelay',
});

export const SES_FIXTURES = [
  'send',
  'delivery',
  'open',
  'click',
  'bounce',
  'complaint',
  'reject',
  'rendering-failure',
  'delivery-delay',
] as const;
export type SesFixture = (typeof SES_FIXTURES)[number];

/** One of SES's documented example records in its EventBridge envelope (tests/fixtures/ses). */
export function sesFixture(name: SesFixture): Record<string, unknown> & { detail: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ses/${name}.json`, import.meta.url), 'utf8'));
}

/** Tags our send path puts on every mail (SES reports each tag as a list of values). */
export const JOURNEY_TAGS = {
  journey: ['cart-abandonment'],
  step: ['reminder-1'],
  variant: ['cart-abandonment.reminder-1'],
  store: ['demo'],
};

/** The slot `sentMessage()` was sent for, as its tags name it. */
export const TAGGED_SLOT = {
  storeId: customer.storeId,
  customerKey: customer.customerKey,
  messageKey: 'cart-abandonment#cart-1#reminder-1',
  variant: 'cart-abandonment.reminder-1',
};

/** A fixture as a queue message body, about another mail and with another EventBridge id. */
export function sesMessageBody(
  name: SesFixture,
  changes: { id?: string; messageId?: string; mail?: Record<string, unknown> } = {},
): string {
  const event = sesFixture(name);
  const mail = {
    ...(event.detail.mail as Record<string, unknown>),
    ...(changes.messageId !== undefined && { messageId: changes.messageId }),
    ...changes.mail,
  };
  return JSON.stringify({
    ...event,
    ...(changes.id !== undefined && { id: changes.id }),
    detail: { ...event.detail, mail },
  });
}
