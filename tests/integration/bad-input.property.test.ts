import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => {
  await stack?.close();
});

type Route =
  | '/v1/events'
  | '/v1/track'
  | '/v1/identify'
  | '/v1/page'
  | '/v1/batch'
  | '/webhooks/shopify/demo';
const ROUTES: Route[] = [
  '/v1/events',
  '/v1/track',
  '/v1/identify',
  '/v1/page',
  '/v1/batch',
  '/webhooks/shopify/demo',
];

interface BadRequest {
  route: Route;
  headers: Record<string, string>;
  body: string;
  why: string;
}

const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;

/** Credentials that are right for the route, so the request gets past authentication to the body checks. */
function validCredentials(route: Route, body: string): Record<string, string> {
  if (route === '/v1/events') return { authorization: `Bearer ${stack.demo.apiKey}` };
  if (route.startsWith('/v1/')) return { authorization: basic(stack.demo.segmentWriteKey) };
  const signature = createHmac('sha256', stack.demo.shopifyWebhookSecret).update(body).digest('base64');
  return {
    'x-shopify-hmac-sha256': signature,
    'x-shopify-topic': 'orders/create',
    'x-shopify-webhook-id': 'wh-1',
  };
}

const anyRoute = fc.constantFrom(...ROUTES);
const anyText = fc.string({ maxLength: 200 });

/** No credentials, garbage credentials, another store's kind of key, or a forged Shopify signature. */
const unauthenticated = fc
  .record({
    route: anyRoute,
    body: fc.oneof(fc.json(), anyText),
    credential: fc.oneof(
      fc.constant({}),
      anyText.map((text) => ({ authorization: `Bearer ${text}` })),
      anyText.map((text) => ({ authorization: basic(text) })),
      fc.constant(null).map(() => ({ authorization: `Bearer ${stack.demo.segmentWriteKey}` })),
      fc.constant(null).map(() => ({ authorization: basic(stack.demo.apiKey) })),
      fc
        .base64String({ minLength: 4, maxLength: 60 })
        .map((signature) => ({ 'x-shopify-hmac-sha256': signature })),
    ),
  })
  .map(({ route, body, credential }): BadRequest => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...credential };
    // A write key is the right credential for Segment routes; swap it for a wrong one there.
    if (
      route.startsWith('/v1/') &&
      route !== '/v1/events' &&
      headers.authorization === basic(stack.demo.apiKey)
    ) {
      headers.authorization = basic(`${stack.demo.segmentWriteKey}x`);
    }
    if (route === '/v1/events' && headers.authorization === `Bearer ${stack.demo.segmentWriteKey}`) {
      headers.authorization = `Bearer ${stack.demo.apiKey}x`;
    }
    return { route, headers, body, why: 'unauthenticated' };
  });

/** Authenticated, but the body is not JSON: cut short, or text that no parser accepts. */
const malformedJson = fc
  .record({ route: anyRoute, json: fc.json({ maxDepth: 3 }), cut: fc.nat() })
  .map(({ route, json, cut }): BadRequest => {
    const body = `{${json.slice(0, cut % (json.length + 1))}`;
    return {
      route,
      headers: { 'content-type': 'application/json', ...validCredentials(route, body) },
      body,
      why: 'malformed JSON',
    };
  });

/** Authenticated JSON of the wrong shape: wrong types, unknown event types, missing identities. */
const wrongShape = fc
  .record({
    route: anyRoute,
    value: fc.oneof(
      fc.constantFrom(null, 42, 'text', [], true),
      fc.record({
        events: fc.oneof(
          fc.constant('x'),
          fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { minLength: 1 }),
        ),
      }),
      fc.record({
        events: fc.constant([
          { id: 'e', type: 'order.teleported', occurredAt: 'yesterday', identity: {}, data: {} },
        ]),
        batch: fc.constant([{ type: 'track', event: 'Order Completed' }]),
        type: fc.constant('track'),
        event: fc.constant('Order Completed'),
        traits: fc.constant({ email: 'not-an-email' }),
      }),
    ),
  })
  .map(({ route, value }): BadRequest => {
    const body = JSON.stringify(value);
    return {
      route,
      headers: { 'content-type': 'application/json', ...validCredentials(route, body) },
      body,
      why: 'wrong shape',
    };
  });

/** Authenticated but not JSON by content type, or larger than the route allows. */
const wrongEnvelope = fc
  .record({
    route: anyRoute,
    contentType: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', ''),
    big: fc.boolean(),
  })
  .map(({ route, contentType, big }): BadRequest => {
    const body = big
      ? JSON.stringify({ events: [], batch: [], padding: 'x'.repeat(1_100_000) })
      : '{"events":[]}';
    const headers: Record<string, string> = { ...validCredentials(route, body) };
    if (!big || contentType !== '') headers['content-type'] = big ? 'application/json' : contentType;
    return { route, headers, body, why: big ? 'oversized' : 'not JSON' };
  });

describe('Property: bad input', () => {
  it('answers every malformed, oversized, unauthenticated or badly signed request with a 4xx and writes nothing', async () => {
    // Prepare
    const statuses = new Map<number, number>();

    // Act
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(unauthenticated, malformedJson, wrongShape, wrongEnvelope),
        async (request) => {
          const response = await fetch(`${stack.runtime.urls.http}${request.route}`, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${request.why} ${request.route}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${request.why} ${request.route}`).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );

    // Assess
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 413, 415]));
    expect(await stack.profileItemCount()).toBe(0);
    expect(stack.runtime.buses.archived(stack.runtime.names.bus)).toHaveLength(0);
    expect(stack.runtimeErrors).toEqual([]);
  });
});
