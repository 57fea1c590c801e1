import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { CachingCredentialStore } from '#ingest/adapters/caching-credential-store.ts';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { EventBridgePublisher } from '#ingest/adapters/eventbridge-publisher.ts';
import { documentClient } from '#shared/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';
import { observability } from '#shared/middlewares/observability.ts';
import { metrics, tracer } from '#shared/powertools.ts';
import { DynamoDbMessagingStore } from '../adapters/dynamodb-messaging-store.ts';
import { UNSUBSCRIBE_STORE_ATTRIBUTES, unsubscribe } from '../domain/unsubscribe.ts';
import { confirmationPage, resultPage } from '../unsubscribe-pages.ts';

const config = readConfig(
  z.object({
    MESSAGES_TABLE_NAME: z.string().min(1),
    STORES_TABLE_NAME: z.string().min(1),
    EVENT_BUS_NAME: z.string().min(1),
  }),
);
const documents = documentClient();
const stores = new CachingCredentialStore(
  new DynamoDbCredentialStore(documents, config.STORES_TABLE_NAME, UNSUBSCRIBE_STORE_ATTRIBUTES),
  60_000,
);
const publisher = new EventBridgePublisher(tracer.captureAWSv3Client(new EventBridgeClient({})), {
  busName: config.EVENT_BUS_NAME,
});
const dependencies = {
  messaging: new DynamoDbMessagingStore(documents, config.MESSAGES_TABLE_NAME),
  findStore: (storeId: string) => stores.findStore(storeId),
  publish: async (event: Parameters<typeof publisher.publish>[0][number]) => {
    const { unpublished } = await publisher.publish([event]);
    if (unpublished.length > 0) throw new Error('the consent change could not be put on the bus');
  },
};

/**
 * `GET /unsubscribe?token=…` shows a confirmation page (mail scanners follow links, so a GET never
 * unsubscribes); `POST` unsubscribes: RFC 8058 one-click from the mailbox provider, or the page's button.
 */
export const lambdaHandler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const token = event.queryStringParameters?.token ?? '';
  if (event.requestContext.http.method === 'GET') return html(200, confirmationPage(token));
  const result = await unsubscribe(dependencies, token, new Date());
  if (!result.ok) return html(result.reason === 'expired' ? 410 : 400, resultPage(result));
  metrics.addMetric('emailUnsubscribed', MetricUnit.Count, 1);
  return html(200, resultPage(result));
};

function html(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

export const handler = middy(lambdaHandler).use(observability()).use(httpErrorHandler());
