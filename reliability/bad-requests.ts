/**
 * Seeded bad requests for every ingest route: each one wrong in a way the API must refuse with a
 * 4xx before anything reaches the bus. Bodies behind bad credentials, wrong content types or sizes
 * are otherwise valid, so a check that let them through would show up as a write.
 *
 * Left out on purpose: well-formed input the API takes and ignores by design (a Segment `page` call,
 * an unknown Segment track event name, a signed Shopify webhook of an unknown topic or shape — Shopify
 * retries anything that is not 2xx and finally drops the subscription).
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { EVENT_TYPES, INGEST_LIMITS } from '#events/schemas.ts';

export type IngestRoute = '/v1/events' | '/v1/track' | '/v1/identify' | '/v1/page' | '/v1/batch' | 'shopify';

export const INGEST_ROUTES: readonly IngestRoute[] = [
  '/v1/events',
  '/v1/track',
  '/v1/identify',
  '/v1/page',
  '/v1/batch',
  'shopify',
];

export interface BadInputCredentials {
  storeId: string;
  apiKey: string;
  segmentWriteKey: string;
  shopifyWebhookSecret: string;
}

export interface BadRequest {
  family: string;
  /** Path on the HTTP API. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

type SegmentRoute = Exclude<IngestRoute, '/v1/events' | 'shopify'>;
const SEGMENT_ROUTES: readonly SegmentRoute[] = ['/v1/track', '/v1/identify', '/v1/page', '/v1/batch'];
const SEGMENT_SINGLE_ROUTES = ['/v1/track', '/v1/identify', '/v1/page'] as const;

const JSON_TYPE = { 'content-type': 'application/json' };
const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

/** `count` bad requests; the same seed gives the same requests. */
export function badRequests(credentials: BadInputCredentials, count: number, seed: number): BadRequest[] {
  return fc.sample(anyBadRequest(credentials), { seed, numRuns: count });
}

function anyBadRequest(credentials: BadInputCredentials): fc.Arbitrary<BadRequest> {
  const valid = validRequests(credentials);
  return fc.oneof(
    { weight: 10, arbitrary: missingCredentials(valid) },
    { weight: 15, arbitrary: wrongKeys(credentials, valid) },
    { weight: 15, arbitrary: badShopifySignatures(credentials, valid) },
    { weight: 15, arbitrary: malformedJson(valid) },
    { weight: 20, arbitrary: wrongTypes(valid) },
    { weight: 10, arbitrary: unknownEventTypes(valid) },
    { weight: 10, arbitrary: missingFields(credentials, valid) },
    { weight: 5, arbitrary: wrongContentType(valid) },
    // Near-megabyte bodies are slow to send; a hundred of them cover every route's limit.
    { weight: 1, arbitrary: oversized(valid) },
  );
}

interface ValidRequests {
  path(route: IngestRoute): string;
  /** A body the route would take, unique per `n` so an accidental write could not be de-duplicated away. */
  body(route: IngestRoute, n: number): string;
  /** Right credentials (or signature) for the route and body. */
  auth(route: IngestRoute, body: string): Record<string, string>;
  ownEvent(n: number): Record<string, unknown>;
  segmentMessage(n: number): Record<string, unknown>;
}

function validRequests(credentials: BadInputCredentials): ValidRequests {
  const ownEvent = (n: number) => ({
    id: `bad-input-${n}`,
    type: 'order.placed',
    occurredAt: '2026-05-01T10:00:00Z',
    identity: { customerId: `bad-input-customer-${n}`, email: `bad-input-${n}@example.com` },
    data: {
      orderId: `bad-input-order-${n}`,
      lines: [{ productId: 'p-1', quantity: 1, price: { amount: '12.50', currency: 'USD' } }],
      total: { amount: '12.50', currency: 'USD' },
    },
  });
  const segmentMessage = (n: number) => ({
    userId: `bad-input-user-${n}`,
    messageId: `bad-input-message-${n}`,
    timestamp: '2026-05-01T10:00:00Z',
    event: 'Order Completed',
    properties: {
      order_id: `bad-input-order-${n}`,
      total: 12.5,
      currency: 'USD',
      products: [{ product_id: 'p-1', price: 12.5, quantity: 1 }],
    },
    traits: { email: `bad-input-${n}@example.com`, firstName: 'Bad' },
  });
  const shopifyOrder = (n: number) => ({
    id: 5_912_883_347_622_871_000 + n,
    email: `bad-input-${n}@example.com`,
    created_at: '2026-05-01T10:00:00Z',
    currency: 'USD',
    total_price: '12.50',
    line_items: [{ product_id: 1, variant_id: 2, title: 'Tea', quantity: 1, price: '12.50' }],
    customer: { id: 7_382_450_393_366_231_000 + n, email: `bad-input-${n}@example.com` },
  });
  return {
    path: (route) => (route === 'shopify' ? `/webhooks/shopify/${credentials.storeId}` : route),
    body: (route, n) => {
      switch (route) {
        case '/v1/events':
          return JSON.stringify({ events: [ownEvent(n)] });
        case '/v1/batch':
          return JSON.stringify({ batch: [{ type: 'track', ...segmentMessage(n) }] });
        case 'shopify':
          return JSON.stringify(shopifyOrder(n));
        default:
          return JSON.stringify(segmentMessage(n));
      }
    },
    auth: (route, body): Record<string, string> => {
      if (route === '/v1/events') return { authorization: `Bearer ${credentials.apiKey}` };
      if (route === 'shopify') {
        return {
          'x-shopify-hmac-sha256': hmac(credentials.shopifyWebhookSecret, body),
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': `bad-input-${body.length}`,
        };
      }
      return { authorization: basic(credentials.segmentWriteKey) };
    },
    ownEvent,
    segmentMessage,
  };
}

const anyRoute = fc.constantFrom(...INGEST_ROUTES);
const requestNumber = fc.nat({ max: 1_000_000 });

/** The body as sent, with the route's right credentials: the failure is the body's alone. */
function authenticated(valid: ValidRequests, family: string, route: IngestRoute, body: string): BadRequest {
  return { family, path: valid.path(route), headers: { ...JSON_TYPE, ...valid.auth(route, body) }, body };
}

function missingCredentials(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  return fc.record({ route: anyRoute, n: requestNumber }).map(({ route, n }) => {
    const headers: Record<string, string> = { ...JSON_TYPE };
    if (route === 'shopify') {
      Object.assign(headers, { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': `wh-${n}` });
    }
    return { family: 'missing credentials', path: valid.path(route), headers, body: valid.body(route, n) };
  });
}

/** Garbage, the other kind of key, a right key id with a wrong secret, a key in the wrong scheme. */
function wrongKeys(credentials: BadInputCredentials, valid: ValidRequests): fc.Arbitrary<BadRequest> {
  const flipLast = (key: string) => `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  const ownKey = fc.oneof(
    fc.string({ minLength: 1, maxLength: 80 }).map((text) => `Bearer ${text}`),
    fc.constant(`Bearer ${credentials.segmentWriteKey}`),
    fc.constant(`Bearer ${flipLast(credentials.apiKey)}`),
    fc.constant(basic(credentials.apiKey)),
  );
  const segmentKey = fc.oneof(
    fc.string({ minLength: 1, maxLength: 80 }).map(basic),
    fc.constant(basic(credentials.apiKey)),
    fc.constant(basic(flipLast(credentials.segmentWriteKey))),
    fc.constant(`Bearer ${credentials.segmentWriteKey}`),
  );
  const own = fc.record({ n: requestNumber, authorization: ownKey }).map(({ n, authorization }) => ({
    family: 'wrong key',
    path: '/v1/events',
    headers: { ...JSON_TYPE, authorization },
    body: valid.body('/v1/events', n),
  }));
  const segment = fc
    .record({
      route: fc.constantFrom(...SEGMENT_ROUTES),
      n: requestNumber,
      authorization: segmentKey,
      inBody: fc.boolean(),
    })
    .map(({ route, n, authorization, inBody }) => {
      // Segment also allows the write key in the body; a wrong one there must fail the same way.
      const body = inBody
        ? JSON.stringify({
            ...JSON.parse(valid.body(route, n)),
            writeKey: flipLast(credentials.segmentWriteKey),
          })
        : valid.body(route, n);
      return {
        family: 'wrong key',
        path: route,
        headers: { ...JSON_TYPE, ...(inBody ? {} : { authorization }) },
        body,
      };
    });
  return fc.oneof(own, segment);
}

/** Random base64, the wrong secret, another body's signature, hex instead of base64, another store. */
function badShopifySignatures(
  credentials: BadInputCredentials,
  valid: ValidRequests,
): fc.Arbitrary<BadRequest> {
  return fc
    .record({
      n: requestNumber,
      kind: fc.constantFrom('random', 'wrong secret', 'other body', 'hex', 'other store'),
      random: fc.base64String({ minLength: 4, maxLength: 64 }),
    })
    .map(({ n, kind, random }) => {
      const body = valid.body('shopify', n);
      const signatures = {
        random,
        'wrong secret': hmac(`${credentials.shopifyWebhookSecret}x`, body),
        'other body': hmac(credentials.shopifyWebhookSecret, valid.body('shopify', n + 1)),
        hex: createHmac('sha256', credentials.shopifyWebhookSecret).update(body).digest('hex'),
        'other store': hmac(credentials.shopifyWebhookSecret, body),
      };
      return {
        family: 'bad Shopify signature',
        path: kind === 'other store' ? '/webhooks/shopify/not-a-store' : valid.path('shopify'),
        headers: {
          ...JSON_TYPE,
          'x-shopify-hmac-sha256': signatures[kind as keyof typeof signatures],
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': `wh-${n}`,
        },
        body,
      };
    });
}

/** `{` and a cut-off piece of JSON: never parses. */
function malformedJson(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  return fc
    .record({ route: anyRoute, json: fc.json({ maxDepth: 3 }), cut: fc.nat() })
    .map(({ route, json, cut }) =>
      authenticated(valid, 'malformed JSON', route, `{${json.slice(0, cut % (json.length + 1))}`),
    );
}

/** Fields of the wrong type or value; every event (or message) of the request is broken. */
function wrongTypes(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  const eventCorruptions: Array<(event: Record<string, unknown>) => Record<string, unknown>> = [
    (event) => ({ ...event, occurredAt: 1_777_629_600 }),
    (event) => ({ ...event, occurredAt: 'yesterday' }),
    (event) => ({ ...event, id: '' }),
    (event) => ({ ...event, id: 42 }),
    (event) => ({ ...event, id: 'x'.repeat(200) }),
    (event) => ({ ...event, identity: 'customer-1' }),
    (event) => ({ ...event, identity: { email: 'not-an-email' } }),
    (event) => ({ ...event, identity: { customerId: 7 } }),
    (event) => ({ ...event, version: 2 }),
    (event) => ({ ...event, storeId: 'another-store' }),
    (event) => ({ ...event, data: 'order' }),
    (event) => withTotal(event, { amount: 12.5, currency: 'USD' }),
    (event) => withTotal(event, { amount: '12.505', currency: 'USD' }),
    (event) => withTotal(event, { amount: '12.50', currency: 'ABC' }),
    (event) => withLine(event, { quantity: 0 }),
    (event) => withLine(event, { quantity: -1 }),
    (event) => withLine(event, { quantity: 1.5 }),
    (event) => withLine(event, { quantity: '2' }),
  ];
  const ownBatch = fc
    .record({
      n: requestNumber,
      corruptions: fc.array(fc.constantFrom(...eventCorruptions), { minLength: 1, maxLength: 5 }),
    })
    .map(({ n, corruptions }) => ({
      events: corruptions.map((corrupt, index) => corrupt(valid.ownEvent(n * 10 + index))),
    }));
  const ownEnvelope = fc.oneof(
    fc.constantFrom<unknown>(
      null,
      42,
      'events',
      [],
      true,
      { events: 'x' },
      { events: [] },
      { events: [null, 1, 'e'] },
    ),
    // More than a request may carry, each event valid on its own.
    requestNumber.map((n) => ({
      events: Array.from({ length: 101 }, (_, index) => valid.ownEvent(n * 1000 + index)),
    })),
  );
  const segmentCorruptions: Array<(message: Record<string, unknown>) => Record<string, unknown>> = [
    (message) => ({ ...message, userId: true }),
    (message) => ({ ...message, userId: { id: 1 } }),
    (message) => ({ ...message, userId: 1.5 }),
    (message) => ({ ...message, userId: 'u'.repeat(200) }),
    (message) => ({ ...message, timestamp: 1_777_629_600 }),
    (message) => ({ ...message, properties: 'order' }),
    (message) => ({ ...message, traits: ['email'] }),
    (message) => ({ ...message, event: 42 }),
    (message) => ({ ...message, context: 'web' }),
    (message) => ({ ...message, messageId: '' }),
  ];
  const segmentSingle = fc
    .record({
      route: fc.constantFrom(...SEGMENT_SINGLE_ROUTES),
      n: requestNumber,
      corrupt: fc.constantFrom(...segmentCorruptions),
    })
    .map(({ route, n, corrupt }) => ({
      route: route as IngestRoute,
      body: corrupt(valid.segmentMessage(n)),
    }));
  const segmentBatch = fc.oneof(
    fc
      .record({
        n: requestNumber,
        corruptions: fc.array(fc.constantFrom(...segmentCorruptions), { minLength: 1, maxLength: 5 }),
      })
      .map(({ n, corruptions }) => ({
        batch: corruptions.map((corrupt, index) => ({
          type: 'track',
          ...corrupt(valid.segmentMessage(n * 10 + index)),
        })),
      })),
    fc.constantFrom<unknown>(null, 'batch', [], { batch: 'x' }, { batch: {} }),
    requestNumber.map((n) => ({ batch: [{ type: 'track', ...valid.segmentMessage(n) }], context: 'web' })),
    requestNumber.map((n) => ({
      batch: [{ type: 'track', ...valid.segmentMessage(n) }],
      sentAt: 1_777_629_600,
    })),
  );
  return fc.oneof(
    ownBatch.map((body) => authenticated(valid, 'wrong types', '/v1/events', JSON.stringify(body))),
    ownEnvelope.map((body) => authenticated(valid, 'wrong types', '/v1/events', JSON.stringify(body))),
    segmentSingle.map(({ route, body }) => authenticated(valid, 'wrong types', route, JSON.stringify(body))),
    segmentBatch.map((body) => authenticated(valid, 'wrong types', '/v1/batch', JSON.stringify(body))),
  );
}

/** Event types the canonical schema does not know, and Segment call types Segment does not have. */
function unknownEventTypes(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  const known = new Set<string>(EVENT_TYPES);
  const segmentTypes = new Set(['identify', 'track', 'page', 'screen', 'group', 'alias']);
  const own = fc
    .record({
      n: requestNumber,
      type: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('order.teleported', 'Order Completed', 'ORDER.PLACED'),
      ),
    })
    .filter(({ type }) => !known.has(type))
    .map(({ n, type }) =>
      authenticated(
        valid,
        'unknown event type',
        '/v1/events',
        JSON.stringify({ events: [{ ...valid.ownEvent(n), type }] }),
      ),
    );
  const segment = fc
    .record({
      n: requestNumber,
      type: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('teleport', 'Track', 'purchase')),
    })
    .filter(({ type }) => !segmentTypes.has(type))
    .map(({ n, type }) =>
      authenticated(
        valid,
        'unknown event type',
        '/v1/batch',
        JSON.stringify({ batch: [{ ...valid.segmentMessage(n), type }] }),
      ),
    );
  return fc.oneof(own, segment);
}

/** A required field left out: the event's id, type, time, identity or data; Segment's user ids or event name; Shopify's topic. */
function missingFields(credentials: BadInputCredentials, valid: ValidRequests): fc.Arbitrary<BadRequest> {
  const own = fc
    .record({ n: requestNumber, field: fc.constantFrom('id', 'type', 'occurredAt', 'identity', 'data') })
    .map(({ n, field }) => {
      const { [field]: _left, ...event } = valid.ownEvent(n);
      return authenticated(valid, 'missing fields', '/v1/events', JSON.stringify({ events: [event] }));
    });
  const segment = fc
    .record({
      route: fc.constantFrom(...SEGMENT_ROUTES),
      n: requestNumber,
      field: fc.constantFrom('user ids', 'event'),
    })
    .filter(({ route, field }) => field === 'user ids' || route === '/v1/track' || route === '/v1/batch')
    .map(({ route, n, field }) => {
      const { userId: _userId, event: _event, ...rest } = valid.segmentMessage(n);
      const message =
        field === 'user ids' ? { ...rest, event: 'Order Completed' } : { ...rest, userId: `u-${n}` };
      const body = route === '/v1/batch' ? { batch: [{ type: 'track', ...message }] } : message;
      return authenticated(valid, 'missing fields', route, JSON.stringify(body));
    });
  const shopify = fc
    .record({ n: requestNumber, header: fc.constantFrom('x-shopify-topic', 'x-shopify-webhook-id') })
    .map(({ n, header }) => {
      const body = valid.body('shopify', n);
      const headers: Record<string, string> = {
        ...JSON_TYPE,
        'x-shopify-hmac-sha256': hmac(credentials.shopifyWebhookSecret, body),
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': `wh-${n}`,
      };
      delete headers[header];
      return { family: 'missing fields', path: valid.path('shopify'), headers, body };
    });
  return fc.oneof(own, segment, shopify);
}

function wrongContentType(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  return fc
    .record({
      route: anyRoute,
      n: requestNumber,
      type: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      ),
    })
    .map(({ route, n, type }) => {
      const request = authenticated(valid, 'wrong content type', route, valid.body(route, n));
      return { ...request, headers: { ...request.headers, 'content-type': type } };
    });
}

/** Valid content just over the route's limit. */
function oversized(valid: ValidRequests): fc.Arbitrary<BadRequest> {
  const limits: Record<IngestRoute, number> = {
    '/v1/events': INGEST_LIMITS.ownBatchMaxBytes,
    '/v1/track': INGEST_LIMITS.segmentEventMaxBytes,
    '/v1/identify': INGEST_LIMITS.segmentEventMaxBytes,
    '/v1/page': INGEST_LIMITS.segmentEventMaxBytes,
    '/v1/batch': INGEST_LIMITS.segmentBatchMaxBytes,
    shopify: INGEST_LIMITS.shopifyMaxBytes,
  };
  return fc
    .record({ route: anyRoute, n: requestNumber, over: fc.integer({ min: 1, max: 20_000 }) })
    .map(({ route, n, over }) => {
      const content = valid.body(route, n);
      const padding = 'x'.repeat(limits[route] - Buffer.byteLength(content) + over);
      const body = `${content.slice(0, -1)},"padding":"${padding}"}`;
      return authenticated(valid, 'oversized', route, body);
    });
}

function withTotal(event: Record<string, unknown>, total: unknown): Record<string, unknown> {
  return { ...event, data: { ...(event.data as Record<string, unknown>), total } };
}

function withLine(event: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const data = event.data as { lines: Array<Record<string, unknown>> };
  return { ...event, data: { ...data, lines: data.lines.map((line) => ({ ...line, ...change })) } };
}
