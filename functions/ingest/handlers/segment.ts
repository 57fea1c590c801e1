import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { INGEST_LIMITS } from '#events/schemas.ts';
import { MalformedRequestError } from '#shared/http-errors.ts';
import { headerOf } from '#shared/http-response.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';
import { jsonBody, rawBody } from '#shared/middlewares/json-body.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { metrics } from '#shared/powertools.ts';
import { authenticateKey } from '../domain/authenticate.ts';
import { basicAuthUser } from '../domain/credentials.ts';
import { type IngestItem, ingestEvents } from '../domain/ingest-events.ts';
import { mapSegmentMessage } from '../domain/segment/map-segment-message.ts';
import { splitSegmentBatch } from '../domain/segment/split-segment-batch.ts';
import { ingestAnswer } from '../http-answers.ts';
import { type AuthenticatedEvent, authenticateStore } from '../middlewares/authenticate-store.ts';
import { ingestAdapters } from '../wiring.ts';

const { credentials, publisher } = ingestAdapters();

const SINGLE_CALLS = { '/v1/track': 'track', '/v1/identify': 'identify', '/v1/page': 'page' } as const;
const isBatch = (event: APIGatewayProxyEventV2) => event.rawPath === '/v1/batch';

/** `POST /v1/{track,identify,page,batch}`: Segment's HTTP Tracking API, so Segment's libraries can point here. */
export const lambdaHandler = async (event: AuthenticatedEvent) => {
  const messages = isBatch(event) ? batchMessages(event.jsonBody) : [singleMessage(event)];
  const options = {
    receivedAt: new Date().toISOString(),
    defaultCurrency: event.store.defaultCurrency,
    ...(event.store.segmentEmailConsentCategories && {
      emailConsentCategories: event.store.segmentEmailConsentCategories,
    }),
  };
  const items = messages.map((message): IngestItem => {
    const bytes = Buffer.byteLength(JSON.stringify(message));
    if (bytes > INGEST_LIMITS.segmentEventMaxBytes) {
      return {
        kind: 'invalid',
        problems: [`event is ${bytes} bytes; Segment allows ${INGEST_LIMITS.segmentEventMaxBytes}`],
      };
    }
    return mapSegmentMessage(message, options);
  });
  const result = await ingestEvents(publisher, { storeId: event.store.storeId, origin: 'segment' }, items);
  metrics.addMetric('eventIngested', MetricUnit.Count, result.accepted);
  metrics.addMetric('eventRejected', MetricUnit.Count, result.rejected.length);
  return ingestAnswer(result, { successStatus: 200, extra: { success: result.rejected.length === 0 } });
};

function batchMessages(body: unknown): unknown[] {
  const split = splitSegmentBatch(body);
  if ('problems' in split) throw new MalformedRequestError(split.problems.join('; '));
  return split.messages;
}

function singleMessage(event: AuthenticatedEvent): unknown {
  const type = SINGLE_CALLS[event.rawPath as keyof typeof SINGLE_CALLS];
  if (typeof event.jsonBody !== 'object' || event.jsonBody === null || Array.isArray(event.jsonBody)) {
    throw new MalformedRequestError('body must be a JSON object');
  }
  return { ...event.jsonBody, type };
}

/** Segment's libraries send the write key as the Basic user name; its docs also allow `writeKey` in the body. */
function writeKeyOf(event: AuthenticatedEvent): string | undefined {
  const fromHeader = basicAuthUser(headerOf(event.headers, 'authorization'));
  if (fromHeader !== undefined) return fromHeader;
  const body = event.jsonBody as { writeKey?: unknown } | null;
  return typeof body?.writeKey === 'string' ? body.writeKey : undefined;
}

export const handler = middy(lambdaHandler)
  .use(observability())
  .use(
    rawBody({
      maxBytes: (event) =>
        isBatch(event) ? INGEST_LIMITS.segmentBatchMaxBytes : INGEST_LIMITS.segmentEventMaxBytes,
    }),
  )
  .use(jsonBody())
  .use(
    authenticateStore({
      resolveStore: (event) =>
        authenticateKey(credentials, writeKeyOf(event as AuthenticatedEvent), 'segment-write-key'),
    }),
  )
  .use(httpErrorHandler());
