import { describe, expect, it } from 'vitest';
import { parseBusMessage, WITHHELD_ISSUE_MESSAGE } from '#profiles/schemas.ts';
import { canonical, usd } from '#tests/helpers/events.ts';

const busMessage = (detail: unknown, detailType = 'order.placed') =>
  JSON.stringify({
    version: '0',
    id: 'eb-1',
    source: 'storefront-journeys.ingest',
    'detail-type': detailType,
    detail,
  });

/** An order whose amounts have more digits than USD allows, placed by a named customer. */
const overPreciseOrder = {
  id: 'evt-order-1',
  type: 'order.placed',
  version: 1,
  storeId: 'demo',
  origin: 'api',
  occurredAt: '2026-05-01T10:00:00Z',
  identity: { customerId: 'c-1', email: 'jane.doe@example.com' },
  data: {
    orderId: 'o-1',
    lines: [
      { productId: 'p-1', name: 'Gift for Janet', quantity: 1, price: { amount: '12.345', currency: 'usd' } },
    ],
    total: { amount: '12.345', currency: 'zzz' },
  },
};

describe('Function: parseBusMessage', () => {
  it('reads the canonical event in a bus message', () => {
    // Prepare
    const event = canonical({
      id: 'evt-1',
      type: 'order.placed',
      occurredAt: '2026-05-01T10:00:00Z',
      identity: { customerId: 'c-1' },
      data: { orderId: 'o-1', lines: [], total: usd('0') },
    });

    // Act
    const parsed = parseBusMessage(busMessage(event));

    // Assess
    expect(parsed).toEqual({ valid: true, event });
  });

  it('says where and how an event fails, with the event id, type and store', () => {
    // Act
    const parsed = parseBusMessage(
      busMessage(
        {
          id: 'evt-bad-1',
          type: 'customer.updated',
          version: 1,
          storeId: 'demo',
          origin: 'api',
          occurredAt: 'last tuesday',
          identity: { email: 'jane.doe@example' },
          data: { attributes: { firstName: 'Janet', lastName: 42, timeZone: 'Mars/Olympus' } },
        },
        'customer.updated',
      ),
    );

    // Assess
    expect(parsed).toEqual({
      valid: false,
      reference: { eventId: 'evt-bad-1', eventType: 'customer.updated', storeId: 'demo' },
      issues: expect.arrayContaining([
        { path: 'detail.occurredAt', code: 'invalid_format', message: 'Invalid ISO datetime' },
        { path: 'detail.identity.email', code: 'invalid_format', message: 'Invalid email address' },
        {
          path: 'detail.data.attributes.lastName',
          code: 'invalid_type',
          message: 'Invalid input: expected string, received number',
        },
        {
          path: 'detail.data.attributes.timeZone',
          code: 'custom',
          message: 'must be an IANA time zone such as Europe/Berlin',
        },
      ]),
    });
    const text = JSON.stringify(parsed);
    for (const value of ['last tuesday', 'jane.doe@example', 'Janet', 'Mars/Olympus']) {
      expect(text).not.toContain(value);
    }
  });

  it('leaves out a custom check message that quotes the value, and keeps one that does not', () => {
    // Act
    const parsed = parseBusMessage(busMessage(overPreciseOrder));

    // Assess
    if (parsed.valid) throw new Error('expected the order to fail');
    expect(parsed.issues).toEqual([
      { path: 'detail.data.lines[0].price.amount', code: 'custom', message: WITHHELD_ISSUE_MESSAGE },
      { path: 'detail.data.total.currency', code: 'custom', message: 'must be an ISO 4217 currency code' },
      { path: 'detail.data.total.amount', code: 'custom', message: WITHHELD_ISSUE_MESSAGE },
    ]);
    expect(JSON.stringify(parsed)).not.toMatch(/12\.345|zzz|usd|Janet|jane\.doe/i);
  });

  it('names the unknown type without quoting anything else', () => {
    // Act
    const parsed = parseBusMessage(busMessage({ ...overPreciseOrder, type: 'order.teleported' }));

    // Assess
    expect(parsed).toMatchObject({
      valid: false,
      reference: { eventId: 'evt-order-1', eventType: 'order.teleported', storeId: 'demo' },
      issues: [{ path: 'detail.type', code: 'invalid_union' }],
    });
  });

  it('takes only identifiers as the event reference, never a name or an address', () => {
    // Act
    const parsed = parseBusMessage(
      busMessage({ id: 'Janet Doe', type: 'jane.doe@example.com', storeId: 42 }, 'customer.updated'),
    );

    // Assess
    expect(parsed).toMatchObject({ valid: false, reference: { eventType: 'customer.updated' } });
    expect(JSON.stringify(parsed)).not.toMatch(/Janet|jane\.doe/);
  });

  it('says a body is not JSON by position, without the stretch of body JSON.parse quotes', () => {
    // Act
    const broken = parseBusMessage('{"email":"jane.doe@example.com" "name":"Janet"}');
    const prose = parseBusMessage('Janet Doe, 1 Main Street');

    // Assess
    expect(broken).toEqual({
      valid: false,
      reference: {},
      issues: [{ path: '', code: 'invalid_json', message: 'not JSON (at position 32)' }],
    });
    expect(prose).toEqual({
      valid: false,
      reference: {},
      issues: [{ path: '', code: 'invalid_json', message: 'not JSON' }],
    });
  });

  it('writes paths with odd keys as zod does', () => {
    // Act
    const parsed = parseBusMessage(JSON.stringify({ detail: {} }));

    // Assess
    if (parsed.valid) throw new Error('expected the message to fail');
    expect(parsed.issues.map((issue) => issue.path)).toContain('["detail-type"]');
  });
});
