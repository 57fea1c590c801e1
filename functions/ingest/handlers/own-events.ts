import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';
import { INGEST_LIMITS } from '#events/schemas.ts';
import { MalformedRequestError } from '#shared/http-errors.ts';
import { headerOf } from '#shared/http-response.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';
import { jsonBody, rawBody } from '#shared/middlewares/json-body.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { metrics } from '#shared/powertools.ts';
import { authenticateKey } from '../domain/authenticate.ts';
import { bearerToken } from '../domain/credentials.ts';
import { describeIssues, ingestEvents } from '../domain/ingest-events.ts';
import { ingestAnswer } from '../http-answers.ts';
import { type AuthenticatedEvent, authenticateStore } from '../middlewares/authenticate-store.ts';
import { ingestAdapters } from '../wiring.ts';

const { credentials, publisher } = ingestAdapters();

const batchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(INGEST_LIMITS.ownBatchMaxEvents),
});

/** `POST /v1/events`: a batch of events in our own canonical schema, authenticated by the store's API key. */
export const lambdaHandler = async (event: AuthenticatedEvent) => {
  const batch = batchSchema.safeParse(event.jsonBody);
  if (!batch.success) throw new MalformedRequestError(describeIssues(batch.error).join('; '));
  const items = batch.data.events.map((candidate) => ({
    kind: 'unchecked' as const,
    event: withDefaultVersion(candidate),
  }));
  const result = await ingestEvents(publisher, { storeId: event.store.storeId, origin: 'api' }, items);
  metrics.addMetric('eventIngested', MetricUnit.Count, result.accepted);
  metrics.addMetric('eventRejected', MetricUnit.Count, result.rejected.length);
  return ingestAnswer(result);
};

/** Version 1 is the only payload version so far; clients may leave it out. */
function withDefaultVersion(candidate: unknown): unknown {
  if (typeof candidate !== 'object' || candidate === null || 'version' in candidate) return candidate;
  return { ...candidate, version: 1 };
}

export const handler = middy(lambdaHandler)
  .use(observability())
  .use(rawBody({ maxBytes: INGEST_LIMITS.ownBatchMaxBytes }))
  .use(
    authenticateStore({
      resolveStore: (event) =>
        authenticateKey(credentials, bearerToken(headerOf(event.headers, 'authorization')), 'events-api'),
    }),
  )
  .use(jsonBody())
  .use(httpErrorHandler());
