import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapSegmentMessage } from '#ingest/domain/segment/map-segment-message.ts';
import { mappedEvents, onlyEvent, stampAndParse } from '../canonical-stamp.ts';
import { ecommerceExample } from '../fixtures.ts';

const options = { receivedAt: '2024-06-01T12:00:00.000Z', defaultCurrency: 'USD' };
const usd = (amount: string) => ({ amount, currency: 'USD' });

function consentFixture(): Record<string, unknown> {
  const url = new URL('../../../fixtures/segment/consent/track-with-consent.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

function message(extra: Record<string, unknown>) {
  return {
    type: 'identify',
    messageId: 'msg-7',
    userId: 'user-7',
    timestamp: '2024-06-01T10:00:00.000Z',
    ...extra,
  };
}

describe('Function: mapSegmentMessage (consent)', () => {
  it("records nothing from Segment's documented consent example, whose categories name no e-mail marketing", () => {
    // Act: Advertising true, Analytics false, Functional true, DataSharing false.
    const result = mapSegmentMessage(consentFixture(), options);

    // Assess
    expect(result).toMatchObject({ kind: 'ignored' });
  });

  it('grants or withdraws e-mail consent from the categories the store says mean e-mail marketing', () => {
    // Prepare: the store's CMP calls e-mail marketing "Advertising".
    const store = { ...options, emailConsentCategories: ['Advertising'] };
    const withdrawn = consentFixture();
    (
      withdrawn.context as { consent: { categoryPreferences: Record<string, boolean> } }
    ).consent.categoryPreferences.Advertising = false;

    // Act
    const granted = onlyEvent(mapSegmentMessage(consentFixture(), store));
    const revoked = onlyEvent(mapSegmentMessage(withdrawn, store));

    // Assess: the consent-only track call becomes a customer.updated with its source and time.
    expect(granted).toMatchObject({
      type: 'customer.updated',
      identity: { customerId: 'u123', anonymousId: '23adfd82-aa0f-45a7-a756-24f2a7a4c895' },
      data: {
        attributes: {},
        consent: [
          {
            channel: 'email',
            status: 'granted',
            source: 'segment:consent-preferences',
            recordedAt: '2023-01-01T00:00:00.000Z',
          },
        ],
      },
    });
    expect(revoked.data).toMatchObject({ consent: [{ status: 'revoked' }] });
    expect(stampAndParse(granted, 'segment').type).toBe('customer.updated');
  });

  it.each([
    [
      {
        email_marketing_consent: {
          state: 'subscribed',
          opt_in_level: 'confirmed_opt_in',
          consent_updated_at: '2024-05-01T08:00:00Z',
        },
      },
      'granted',
      'segment:confirmed_opt_in',
      '2024-05-01T08:00:00.000Z',
    ],
    [
      { email_marketing_consent: 'unsubscribed' },
      'revoked',
      'segment:unsubscribed',
      '2024-06-01T10:00:00.000Z',
    ],
    [
      { email_marketing_consent: true },
      'granted',
      'segment:email_marketing_consent',
      '2024-06-01T10:00:00.000Z',
    ],
    [{ unsubscribed: true }, 'revoked', 'segment:unsubscribed-trait', '2024-06-01T10:00:00.000Z'],
  ])('reads the traits %j as %s consent', (traits, status, source, recordedAt) => {
    // Act
    const event = onlyEvent(mapSegmentMessage(message({ traits }), options));

    // Assess
    expect(event.data).toMatchObject({ consent: [{ channel: 'email', status, source, recordedAt }] });
  });

  it('takes unsubscribed: false as no decision, not as consent', () => {
    // Act
    const event = onlyEvent(mapSegmentMessage(message({ traits: { unsubscribed: false } }), options));

    // Assess
    expect(event.data).toMatchObject({ consent: [] });
  });

  it('adds the consent a track call carries in context.traits as its own customer.updated', () => {
    // Prepare
    const { http_api_track_body: body } = ecommerceExample('Order Completed');
    const withConsent = {
      ...body,
      messageId: 'm-1',
      context: { traits: { email_marketing_consent: 'subscribed' } },
    };

    // Act
    const [order, consent, ...rest] = mappedEvents(mapSegmentMessage(withConsent, options));

    // Assess
    expect(rest).toEqual([]);
    expect(order?.type).toBe('order.placed');
    expect(consent).toMatchObject({
      id: 'm-1#consent',
      type: 'customer.updated',
      data: { consent: [{ status: 'granted' }] },
    });
  });
});

describe('Function: mapSegmentMessage (consent on a sign-up)', () => {
  it('puts the consent of a Signed Up call into its customer.registered, so a welcome can start on it', () => {
    // Prepare
    const signedUp = {
      type: 'track',
      messageId: 'm-signup',
      userId: 'u-1',
      event: 'Signed Up',
      timestamp: '2024-06-01T10:00:00.000Z',
      properties: { first_name: 'Ana' },
      context: { traits: { email: 'ana@example.com', email_marketing_consent: 'subscribed' } },
    };

    // Act
    const event = onlyEvent(mapSegmentMessage(signedUp, options));

    // Assess
    expect(event).toMatchObject({
      type: 'customer.registered',
      data: { attributes: { firstName: 'Ana' }, consent: [{ channel: 'email', status: 'granted' }] },
    });
  });
});

describe('Function: mapSegmentMessage (orders after they are placed)', () => {
  it("maps the spec's Order Refunded to order.refunded of its total, the message id being the refund's", () => {
    // Prepare
    const { http_api_track_body: body } = ecommerceExample('Order Refunded');

    // Act
    const event = onlyEvent(mapSegmentMessage({ ...body, messageId: 'refund-msg-1' }, options));

    // Assess
    expect(event).toMatchObject({
      type: 'order.refunded',
      identity: { customerId: '019mr8mf4r' },
      data: { orderId: '50314b8e9bcf000000000000', refundId: 'refund-msg-1', amount: usd('30.00') },
    });
  });

  it("maps the spec's Order Updated to order.updated with its products and total", () => {
    // Prepare
    const { http_api_track_body: body } = ecommerceExample('Order Updated');

    // Act
    const event = onlyEvent(mapSegmentMessage(body, options));

    // Assess
    expect(event).toMatchObject({
      type: 'order.updated',
      data: { orderId: '50314b8e9bcf000000000000', total: usd('27.50') },
    });
    expect((event.data as { lines: unknown[] }).lines).toHaveLength(2);
  });

  it('fails Order Refunded without an order_id, naming the field', () => {
    // Act
    const result = mapSegmentMessage(
      { type: 'track', userId: 'u', event: 'Order Refunded', properties: { total: 5 } },
      options,
    );

    // Assess
    expect(result).toEqual({
      kind: 'invalid',
      problems: ['properties.order_id: required for Order Refunded'],
    });
  });
});
