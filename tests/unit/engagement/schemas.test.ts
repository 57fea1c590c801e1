import { describe, expect, it } from 'vitest';
import { InvalidEngagementMessageError } from '#engagement/errors.ts';
import { parseOrderMessage, parseSesMessage } from '#engagement/schemas.ts';
import { slotTags } from '#messaging/domain/slot-tags.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { JOURNEY_TAGS, SES_FIXTURES, sesFixture, sesMessageBody, TAGGED_SLOT } from './engagement-events.ts';

const MESSAGE_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

describe('Function: parseSesMessage', () => {
  it.each([
    ['send', { kind: 'send', at: '2016-10-14T05:02:16.645Z' }],
    ['delivery', { kind: 'delivery', at: '2016-10-19T23:21:04.133Z' }],
    ['open', { kind: 'open', at: '2017-08-09T22:00:19.652Z' }],
    ['click', { kind: 'click', at: '2017-08-09T23:51:25.570Z' }],
    [
      'bounce',
      {
        kind: 'bounce',
        at: '2017-08-05T00:41:02.669Z',
        bounceType: 'Permanent',
        recipients: ['recipient@example.com'],
      },
    ],
    [
      'complaint',
      { kind: 'complaint', at: '2017-08-05T00:41:02.669Z', recipients: ['recipient@example.com'] },
    ],
    ['reject', { kind: 'reject', at: '2016-10-14T17:38:15.211Z' }],
    ['rendering-failure', { kind: 'renderingFailure', at: '2018-01-22T18:43:06.197Z' }],
    ['delivery-delay', { kind: 'deliveryDelay', at: '2020-06-16T00:25:40.095Z' }],
  ] as const)('reads SES documented %s record into an engagement event', (name, expected) => {
    // Prepare
    const fixture = sesFixture(name);

    // Act
    const parsed = parseSesMessage(JSON.stringify(fixture));

    // Assess
    expect(parsed).toEqual({
      kind: 'engagement',
      event: {
        eventId: fixture.id,
        messageId: MESSAGE_ID,
        destination: expect.any(Array),
        mailSentAt: new Date((fixture.detail.mail as { timestamp: string }).timestamp).toISOString(),
        journeyTagged: false,
        ...expected,
      },
    });
  });

  it('recognises a mail of ours by the journey and store tags the send path adds', () => {
    // Prepare
    const body = sesMessageBody('open', { mail: { tags: JOURNEY_TAGS } });

    // Act
    const parsed = parseSesMessage(body);

    // Assess
    expect(parsed.kind === 'engagement' && parsed.event.journeyTagged).toBe(true);
  });

  it('reads the slot a mail of ours names in its tags', () => {
    // Prepare
    const slot = Object.fromEntries(
      Object.entries(slotTags(TAGGED_SLOT)).map(([name, value]) => [name, [value]]),
    );
    const body = sesMessageBody('send', { mail: { tags: { ...JOURNEY_TAGS, ...slot } } });

    // Act
    const parsed = parseSesMessage(body);

    // Assess
    expect(parsed.kind === 'engagement' && parsed.event.slot).toEqual(TAGGED_SLOT);
  });

  it('reads no slot from a mail whose tags name none', () => {
    // Prepare
    const body = sesMessageBody('send', { mail: { tags: { ...JOURNEY_TAGS, slot: ['garbage'] } } });

    // Act
    const parsed = parseSesMessage(body);

    // Assess
    expect(parsed.kind === 'engagement' && parsed.event).not.toHaveProperty('slot');
  });

  it('gives every fixture its own EventBridge id, so they de-duplicate apart', () => {
    // Act
    const ids = SES_FIXTURES.map((name) => sesFixture(name).id);

    // Assess
    expect(new Set(ids).size).toBe(SES_FIXTURES.length);
  });

  it('normalises EventBridge-precision timestamps so they compare as strings', () => {
    // Prepare
    const fixture = sesFixture('open');
    const detail = { ...fixture.detail, open: { timestamp: '2017-08-09T22:00:19Z' } };

    // Act
    const parsed = parseSesMessage(JSON.stringify({ ...fixture, detail }));

    // Assess
    expect(parsed.kind === 'engagement' && parsed.event.at).toBe('2017-08-09T22:00:19.000Z');
  });

  it('ignores the other SES events on the default bus', () => {
    // Prepare
    const body = JSON.stringify({
      id: 'x',
      source: 'aws.ses',
      'detail-type': 'Sending Status Enabled',
      time: '2026-03-01T10:00:00Z',
      detail: {},
    });

    // Act
    const parsed = parseSesMessage(body);

    // Assess
    expect(parsed).toEqual({ kind: 'ignored', detailType: 'Sending Status Enabled' });
  });

  it('fails a bounce without its bounce type', () => {
    // Prepare
    const fixture = sesFixture('bounce');
    const bounce = { ...(fixture.detail.bounce as object), bounceType: 'Sometimes' };

    // Act
    const act = () => parseSesMessage(JSON.stringify({ ...fixture, detail: { ...fixture.detail, bounce } }));

    // Assess
    expect(act).toThrow(InvalidEngagementMessageError);
    expect(act).toThrow(/bounceType/);
  });

  it('fails a body that is not JSON', () => {
    // Act
    const act = () => parseSesMessage('{not json');

    // Assess
    expect(act).toThrow(InvalidEngagementMessageError);
  });
});

describe('Function: parseOrderMessage', () => {
  const order = canonical({
    id: 'evt-order-1',
    type: 'order.placed',
    occurredAt: '2026-03-02T10:00:00Z',
    identity: { customerId: 'c-1' },
    data: { orderId: 'o-1', lines: [], total: usd('80.00') },
  });

  it('reads the canonical order from the EventBridge event', () => {
    // Act
    const parsed = parseOrderMessage(JSON.stringify({ 'detail-type': 'order.placed', detail: order }));

    // Assess
    expect(parsed).toEqual({ kind: 'order', event: order });
  });

  it('ignores canonical events of other types', () => {
    // Prepare
    const viewed = canonical({
      id: 'evt-view',
      type: 'product.viewed',
      occurredAt: '2026-03-02T10:00:00Z',
      identity: { customerId: 'c-1' },
      data: { product: { productId: 'p-1' } },
    });

    // Act
    const parsed = parseOrderMessage(JSON.stringify({ 'detail-type': 'product.viewed', detail: viewed }));

    // Assess
    expect(parsed).toEqual({ kind: 'ignored', eventType: 'product.viewed' });
  });

  it('fails an event that is not canonical', () => {
    // Act
    const act = () => parseOrderMessage(JSON.stringify({ 'detail-type': 'order.placed', detail: { id: 1 } }));

    // Assess
    expect(act).toThrow(InvalidEngagementMessageError);
  });
});
