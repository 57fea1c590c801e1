import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapSegmentMessage } from '#ingest/domain/segment/map-segment-message.ts';
import type { SegmentCallType } from '#ingest/domain/segment/segment-message-schema.ts';
import { splitSegmentBatch } from '#ingest/domain/segment/split-segment-batch.ts';
import { onlyEvent, stampAndParse } from '../canonical-stamp.ts';
import { ecommerceExamples, segmentFixture } from '../fixtures.ts';

const options = { receivedAt: '2024-06-01T12:00:00.000Z', defaultCurrency: 'USD' };

function identify(traits: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'identify',
    messageId: 'msg-1',
    userId: 'user-1',
    timestamp: '2024-06-01T10:00:00.000Z',
    traits,
    ...extra,
  };
}

/** The route each HTTP API example is posted to gives its type. */
const HTTP_API_TYPES: Record<string, SegmentCallType> = {
  'http-api-identify.json': 'identify',
  'http-api-identify_selecting_destinations.json': 'identify',
  'http-api-track.json': 'track',
  'http-api-track-writekey-in-body.json': 'track',
  'http-api-page.json': 'page',
  'http-api-screen.json': 'screen',
  'http-api-group.json': 'group',
  'http-api-alias.json': 'alias',
};

describe('Function: mapSegmentMessage', () => {
  describe('identify', () => {
    it('maps identify to customer.updated with attributes from traits and context', () => {
      // Prepare
      const message = identify(
        {
          email: 'peter@example.com',
          first_name: 'Peter',
          lastName: 'Gibbons',
          phone: '+1 555 0100',
          timezone: 'Europe/Berlin',
        },
        { anonymousId: 'anon-1', context: { locale: 'de-DE' } },
      );

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event).toEqual({
        id: 'msg-1',
        occurredAt: '2024-06-01T10:00:00.000Z',
        identity: { customerId: 'user-1', anonymousId: 'anon-1', email: 'peter@example.com' },
        type: 'customer.updated',
        version: 1,
        data: {
          attributes: {
            firstName: 'Peter',
            lastName: 'Gibbons',
            phone: '+1 555 0100',
            locale: 'de-DE',
            timeZone: 'Europe/Berlin',
          },
          consent: [],
        },
      });
      expect(stampAndParse(event, 'segment').type).toBe('customer.updated');
    });

    it('sets only the traits that were sent', () => {
      // Prepare
      const message = identify({
        firstName: 'Ann',
        timeZone: 'Asia/Tokyo',
        plan: 'premium',
        name: 'Ann Lee',
      });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ attributes: { firstName: 'Ann', timeZone: 'Asia/Tokyo' }, consent: [] });
    });

    it('maps an identify without traits to an event that only links its ids', () => {
      // Prepare
      const message = { type: 'identify', userId: 'user-1', anonymousId: 'anon-1', messageId: 'm-2' };

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event).toMatchObject({
        identity: { customerId: 'user-1', anonymousId: 'anon-1' },
        data: { attributes: {}, consent: [] },
      });
    });

    it('takes the email from context.traits when the traits have none', () => {
      // Prepare
      const message = identify({}, { context: { traits: { email: ' ann@example.com ' } } });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.identity).toEqual({ customerId: 'user-1', email: 'ann@example.com' });
    });

    it('prefers traits.email over context.traits.email', () => {
      // Prepare
      const message = identify(
        { email: 'new@example.com' },
        { context: { traits: { email: 'old@example.com' } } },
      );

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.identity.email).toBe('new@example.com');
    });

    it('drops a time zone the runtime does not know and falls back to the device time zone', () => {
      // Prepare
      const message = identify(
        { timezone: 'Mars/Olympus_Mons' },
        { context: { timezone: 'Europe/Amsterdam' } },
      );

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.data).toEqual({ attributes: { timeZone: 'Europe/Amsterdam' }, consent: [] });
    });

    it('rejects a malformed email, naming the field it came from', () => {
      // Prepare
      const message = identify({}, { context: { traits: { email: 'not-an-email' } } });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({ kind: 'invalid', problems: ['context.traits.email: Invalid email address'] });
    });

    it('rejects a trait of the wrong type, naming it', () => {
      // Prepare
      const message = identify({ first_name: 42 });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['traits.first_name: Invalid input: expected string, received number'],
      });
    });
  });

  describe('Segment envelope rules', () => {
    it("rejects a message with neither userId nor anonymousId (Segment's no_user_anon_id)", () => {
      // Prepare
      const message = { type: 'track', event: 'Order Completed', properties: {} };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ["userId / anonymousId: one is required (Segment's no_user_anon_id rule)"],
      });
    });

    it('treats a null or blank userId as absent and accepts the anonymousId', () => {
      // Prepare: analytics.js sends `"userId": null` for anonymous visitors.
      const message = { type: 'identify', userId: null, anonymousId: 'anon-1', traits: { firstName: 'Ann' } };
      const blank = { type: 'identify', userId: '  ' };

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));
      const blankResult = mapSegmentMessage(blank, options);

      // Assess
      expect(event.identity).toEqual({ anonymousId: 'anon-1' });
      expect(blankResult.kind).toBe('invalid');
    });

    it('turns a numeric userId into its text', () => {
      // Prepare
      const message = { type: 'identify', userId: 12345 };

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.identity).toEqual({ customerId: '12345' });
    });

    it('rejects a numeric userId too big to be exact, and one of the wrong type', () => {
      // Prepare
      const tooBig = { type: 'identify', userId: 2 ** 60 };
      const wrongType = { type: 'identify', userId: { id: 1 } };

      // Act
      const results = [mapSegmentMessage(tooBig, options), mapSegmentMessage(wrongType, options)];

      // Assess
      expect(results).toEqual([
        { kind: 'invalid', problems: ['userId: must be a string or a whole number below 2^53'] },
        { kind: 'invalid', problems: ['userId: must be a string or a whole number'] },
      ]);
    });

    it('rejects a track call without an event name', () => {
      // Prepare
      const message = { type: 'track', userId: 'user-1', properties: {} };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({ kind: 'invalid', problems: ['event: required for track calls'] });
    });

    it('rejects a message without a type when the route gives none', () => {
      // Prepare
      const message = { userId: 'user-1', event: 'Order Completed' };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: [expect.stringMatching(/^type: required, one of identify, track/)],
      });
    });

    it('rejects an unknown type', () => {
      // Prepare
      const message = { type: 'purchase', userId: 'user-1' };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({ kind: 'invalid', problems: [expect.stringMatching(/^type: /)] });
    });

    it('rejects a body that is not an object', () => {
      // Prepare
      const bodies = [null, 'track', [{ type: 'track' }], 42];

      // Act
      const results = bodies.map((body) => mapSegmentMessage(body, options));

      // Assess
      for (const result of results) {
        expect(result).toEqual({
          kind: 'invalid',
          problems: ['(root): a Segment message must be a JSON object'],
        });
      }
    });

    it('lets the route type win over the body type', () => {
      // Prepare
      const message = { type: 'track', userId: 'user-1', traits: { firstName: 'Ann' } };

      // Act
      const event = onlyEvent(mapSegmentMessage(message, { ...options, type: 'identify' }));

      // Assess
      expect(event.type).toBe('customer.updated');
    });

    it('ignores page calls, explaining why', () => {
      // Prepare
      const message = {
        type: 'page',
        userId: 'user-1',
        name: 'Home',
        properties: { url: 'https://example.com/' },
      };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'ignored',
        reason: 'Segment page calls have no canonical event (product pages send Product Viewed)',
      });
    });

    it.each(['screen', 'group', 'alias'] as const)('ignores %s calls', (type) => {
      // Prepare
      const message = { type, userId: 'user-1' };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({ kind: 'ignored', reason: `Segment ${type} calls have no canonical event` });
    });
  });

  describe('event id', () => {
    it('uses the messageId', () => {
      // Prepare
      const message = identify({}, { messageId: '  ajs-f8ca1e4de5024d9430b3928bd8ac6b96 ' });

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.id).toBe('ajs-f8ca1e4de5024d9430b3928bd8ac6b96');
    });

    it('derives the same id for the same message however its keys are ordered', () => {
      // Prepare
      const first = { type: 'identify', userId: 'user-1', traits: { a: 1, b: { c: 2, d: [1, 2] } } };
      const reordered = { traits: { b: { d: [1, 2], c: 2 }, a: 1 }, userId: 'user-1', type: 'identify' };

      // Act
      const a = onlyEvent(mapSegmentMessage(first, options));
      const b = onlyEvent(
        mapSegmentMessage(reordered, { ...options, receivedAt: '2024-06-02T00:00:00.000Z' }),
      );

      // Assess
      expect(a.id).toMatch(/^segment:sha256:[0-9a-f]{64}$/);
      expect(b.id).toBe(a.id);
    });

    it('derives the same id for a retry that only changes sentAt and writeKey', () => {
      // Prepare
      const message = { type: 'identify', userId: 'user-1', timestamp: '2024-06-01T10:00:00Z' };
      const retry = { ...message, sentAt: '2024-06-01T10:05:00Z', writeKey: 'rotated-key' };

      // Act
      const a = onlyEvent(mapSegmentMessage({ ...message, sentAt: '2024-06-01T10:00:01Z' }, options));
      const b = onlyEvent(mapSegmentMessage(retry, options));

      // Assess
      expect(b.id).toBe(a.id);
    });

    it('derives different ids for different messages', () => {
      // Prepare
      const message = { type: 'identify', userId: 'user-1', traits: { firstName: 'Ann' } };
      const other = { ...message, traits: { firstName: 'Anne' } };

      // Act
      const a = onlyEvent(mapSegmentMessage(message, options));
      const b = onlyEvent(mapSegmentMessage(other, options));

      // Assess
      expect(b.id).not.toBe(a.id);
    });

    it('rejects a messageId longer than 128 characters', () => {
      // Prepare
      const message = identify({}, { messageId: 'm'.repeat(129) });

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({ kind: 'invalid', problems: [expect.stringMatching(/^messageId: /)] });
    });
  });

  describe('occurredAt', () => {
    it.each([
      [
        'timestamp',
        { timestamp: '2024-06-01T12:30:00+02:00', sentAt: '2024-06-01T11:00:00Z' },
        '2024-06-01T10:30:00.000Z',
      ],
      ['sentAt when there is no timestamp', { sentAt: '2024-06-01T11:00:00Z' }, '2024-06-01T11:00:00.000Z'],
      ['receivedAt when there is neither', {}, '2024-06-01T12:00:00.000Z'],
    ])('is the %s, normalised to UTC', (_, times, expected) => {
      // Prepare
      const message = { type: 'identify', userId: 'user-1', ...times };

      // Act
      const event = onlyEvent(mapSegmentMessage(message, options));

      // Assess
      expect(event.occurredAt).toBe(expected);
    });

    it('fails for an unreadable timestamp rather than falling back to sentAt', () => {
      // Prepare
      const message = {
        type: 'identify',
        userId: 'user-1',
        timestamp: 'yesterday',
        sentAt: '2024-06-01T11:00:00Z',
      };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['timestamp: "yesterday" is not an ISO-8601 date and time'],
      });
    });

    it('rejects a date that does not exist', () => {
      // Prepare
      const message = { type: 'identify', userId: 'user-1', timestamp: '2015-02-30T00:00:00Z' };

      // Act
      const result = mapSegmentMessage(message, options);

      // Assess
      expect(result).toEqual({
        kind: 'invalid',
        problems: ['timestamp: "2015-02-30T00:00:00Z" is not an ISO-8601 date and time'],
      });
    });
  });

  describe('HTTP API and spec examples', () => {
    it('maps the HTTP API identify example to customer.updated', () => {
      // Prepare
      const { body } = segmentFixture('http-api-identify.json');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, { ...options, type: 'identify' }));

      // Assess
      expect(event).toEqual({
        id: expect.stringMatching(/^segment:sha256:/),
        occurredAt: '2012-12-02T00:30:08.276Z',
        identity: { customerId: '019mr8mf4r', email: 'pgibbons@example.com' },
        type: 'customer.updated',
        version: 1,
        data: { attributes: {}, consent: [] },
      });
    });

    it.each([
      ['http-api-track.json', 'track event "Item Purchased" is not one that maps to a canonical event'],
      [
        'http-api-page.json',
        'Segment page calls have no canonical event (product pages send Product Viewed)',
      ],
      ['http-api-screen.json', 'Segment screen calls have no canonical event'],
      ['http-api-group.json', 'Segment group calls have no canonical event'],
      ['http-api-alias.json', 'Segment alias calls have no canonical event'],
    ])('ignores the HTTP API example %s', (file, reason) => {
      // Prepare
      const { body } = segmentFixture(file);

      // Act
      const result = mapSegmentMessage(body, { ...options, type: HTTP_API_TYPES[file] });

      // Assess
      expect(result).toEqual({ kind: 'ignored', reason });
    });

    it('ignores the writeKey-in-body curl example on /v1/track but rejects it with no route type', () => {
      // Prepare: the doc's curl example has no `type` and a non-spec top-level `email`.
      const { body } = segmentFixture('http-api-track-writekey-in-body.json');

      // Act
      const onTrackRoute = mapSegmentMessage(body, { ...options, type: 'track' });
      const withoutRoute = mapSegmentMessage(body, options);

      // Assess
      expect(onTrackRoute).toEqual({
        kind: 'ignored',
        reason:
          'track event "happy-path-a3ef8a6f-0482-4694-bc4d-4afba03a0eab" is not one that maps to a canonical event',
      });
      expect(withoutRoute.kind).toBe('invalid');
    });

    it('maps the spec complete identify example with its messageId and both ids', () => {
      // Prepare
      const { body } = segmentFixture('spec-identify-complete.json');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event).toMatchObject({
        id: '022bb90c-bbac-11e4-8dfc-aa07a5b093db',
        occurredAt: '2015-02-23T22:28:55.111Z',
        identity: {
          customerId: '97980cfea0067',
          anonymousId: '507f191e810c19729de860ea',
          email: 'peter@example.com',
        },
      });
    });

    it('maps the spec minimal identify example, timed at receipt', () => {
      // Prepare
      const { body } = segmentFixture('spec-identify-minimal.json');

      // Act
      const event = onlyEvent(mapSegmentMessage(body, options));

      // Assess
      expect(event).toMatchObject({
        occurredAt: options.receivedAt,
        identity: { customerId: '97980cfea0067' },
      });
    });

    it.each(['spec-track-minimal.json', 'spec-page-minimal.json'])(
      'rejects the spec example %s, which has neither userId nor anonymousId',
      (file) => {
        // Prepare
        const { body } = segmentFixture(file);

        // Act
        const result = mapSegmentMessage(body, options);

        // Assess
        expect(result).toEqual({
          kind: 'invalid',
          problems: ["userId / anonymousId: one is required (Segment's no_user_anon_id rule)"],
        });
      },
    );

    it.each([
      ['spec-track-complete.json', 'track event "Course Clicked" is not one that maps to a canonical event'],
      [
        'spec-page-complete.json',
        'Segment page calls have no canonical event (product pages send Product Viewed)',
      ],
      [
        'spec-common-track-full-context.json',
        'track event "Report Submitted" is not one that maps to a canonical event',
      ],
    ])('ignores the spec example %s', (file, reason) => {
      // Prepare
      const { body } = segmentFixture(file);

      // Act
      const result = mapSegmentMessage(body, options);

      // Assess
      expect(result).toEqual({ kind: 'ignored', reason });
    });

    it('maps the HTTP API batch example, reading its one-digit-month timestamps', () => {
      // Prepare
      const { body } = segmentFixture('http-api-batch.json');
      const split = splitSegmentBatch(body);
      if (!('messages' in split)) throw new Error(split.problems.join('; '));

      // Act
      const results = split.messages.map((message) => mapSegmentMessage(message, options));

      // Assess
      expect(results.map((result) => result.kind)).toEqual(['mapped', 'ignored', 'mapped', 'ignored']);
      expect(onlyEvent(results[2] ?? { kind: 'ignored', reason: 'missing' })).toMatchObject({
        occurredAt: '2015-02-02T00:30:08.276Z',
        identity: { customerId: '971mj8mk7p', email: 'cindy@example.com' },
      });
    });

    it('maps every example fixture so that each mapped event passes the canonical schema once stamped', () => {
      // Prepare
      const files = readdirSync(new URL('../../../fixtures/segment/', import.meta.url)).filter(
        (file) => file.endsWith('.json') && file !== 'http-api-batch.json',
      );
      const bodies = [
        ...files.map((file) => ({ body: segmentFixture(file).body, type: HTTP_API_TYPES[file] })),
        ...ecommerceExamples().map((example) => ({ body: example.http_api_track_body, type: undefined })),
      ];

      // Act
      const events = bodies.flatMap(({ body, type }) => {
        const result = mapSegmentMessage(body, type ? { ...options, type } : options);
        return result.kind === 'mapped' ? result.events : [];
      });

      // Assess
      expect(events).toHaveLength(14);
      for (const event of events) expect(stampAndParse(event, 'segment')).toMatchObject({ id: event.id });
    });
  });
});
