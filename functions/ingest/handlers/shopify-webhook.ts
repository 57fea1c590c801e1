import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import * as z from 'zod';
import { INGEST_LIMITS } from '#events/schemas.ts';
import { readConfig } from '#shared/config.ts';
import { MalformedRequestError } from '#shared/http-errors.ts';
import { headerOf, jsonResponse } from '#shared/http-response.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';
import { type JsonRequestEvent, jsonBody, rawBody } from '#shared/middlewares/json-body.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { metrics, tracer } from '#shared/powertools.ts';
import { SqsErasureRequests } from '../adapters/sqs-erasure-requests.ts';
import { ingestEvents } from '../domain/ingest-events.ts';
import type { StoreRecord } from '../domain/ports.ts';
import { mapShopifyWebhook } from '../domain/shopify/map-shopify-webhook.ts';
import { parseShopifyJson } from '../domain/shopify/parse-shopify-json.ts';
import { CUSTOMERS_REDACT_TOPIC, redactionKeysOf } from '../domain/shopify/shopify-redaction.ts';
import { verifyShopifyHmac } from '../domain/shopify/signature.ts';
import { ingestAnswer } from '../http-answers.ts';
import { type AuthenticatedEvent, authenticateStore } from '../middlewares/authenticate-store.ts';
import { ingestAdapters } from '../wiring.ts';

const { credentials, publisher } = ingestAdapters();
const { ERASURE_QUEUE_URL } = readConfig(z.object({ ERASURE_QUEUE_URL: z.url() }));
const erasures = new SqsErasureRequests(tracer.captureAWSv3Client(new SQSClient({})), ERASURE_QUEUE_URL);

/** `POST /webhooks/shopify/{storeId}`: Shopify webhooks, verified by their HMAC before the body is parsed. */
export const lambdaHandler = async (event: AuthenticatedEvent) => {
  const webhookId =
    headerOf(event.headers, 'x-shopify-webhook-id') ?? headerOf(event.headers, 'x-shopify-event-id');
  const topic = headerOf(event.headers, 'x-shopify-topic');
  if (webhookId === undefined || topic === undefined) {
    throw new MalformedRequestError('X-Shopify-Topic and X-Shopify-Webhook-Id headers are required');
  }
  if (topic.trim().toLowerCase() === CUSTOMERS_REDACT_TOPIC) return redact(event);
  const triggeredAt = headerOf(event.headers, 'x-shopify-triggered-at');
  const mapping = mapShopifyWebhook(
    {
      topic,
      webhookId,
      ...(triggeredAt && { triggeredAt }),
      payload: event.jsonBody,
    },
    {
      acceptTestOrders: event.store.acceptTestOrders ?? false,
      defaultCurrency: event.store.defaultCurrency,
    },
  );
  const result = await ingestEvents(publisher, { storeId: event.store.storeId, origin: 'shopify' }, [
    mapping,
  ]);
  metrics.addMetric('eventIngested', MetricUnit.Count, result.accepted);
  metrics.addMetric('eventRejected', MetricUnit.Count, result.rejected.length);
  return ingestAnswer(result, { successStatus: 200 });
};

/**
 * `customers/redact`: queues the customer's erasure (the erasure function runs it) and answers 200 at
 * once, as Shopify expects; a payload naming nobody is a 400.
 */
async function redact(event: AuthenticatedEvent) {
  const redaction = redactionKeysOf(event.jsonBody);
  if (!redaction.valid) throw new MalformedRequestError(`customers/redact: ${redaction.problems.join('; ')}`);
  const requestedAt = new Date().toISOString();
  await erasures.request(
    redaction.keys.map((key) => ({ storeId: event.store.storeId, key, source: 'shopify', requestedAt })),
  );
  metrics.addMetric('erasureRequested', MetricUnit.Count, 1);
  return jsonResponse(200, { erasure: 'queued' });
}

async function storeWithValidSignature(event: JsonRequestEvent): Promise<StoreRecord | undefined> {
  const storeId = event.pathParameters?.storeId;
  const store = storeId === undefined ? undefined : await credentials.findStore(storeId);
  if (store?.shopifyWebhookSecret === undefined) return undefined;
  const signature = headerOf(event.headers, 'x-shopify-hmac-sha256');
  return verifyShopifyHmac(event.rawBody, signature, store.shopifyWebhookSecret) ? store : undefined;
}

export const handler = middy(lambdaHandler)
  .use(observability())
  .use(rawBody({ maxBytes: INGEST_LIMITS.shopifyMaxBytes }))
  .use(authenticateStore({ resolveStore: storeWithValidSignature }))
  .use(jsonBody({ parse: parseShopifyJson }))
  .use(httpErrorHandler());
