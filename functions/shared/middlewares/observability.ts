import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { logger, metrics, tracer } from '../powertools.ts';

/**
 * Publishes what the handler buffered, and nothing when it buffered nothing. Every custom metric is
 * a metric-month on the store's bill, so handlers count only what a dashboard or alarm reads (how
 * many messages a function received is Lambda's and SQS's own metric, free); Powertools' own
 * `logMetrics` would warn on every invocation that published none.
 */
const flushMetrics = (): middy.MiddlewareObj => {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
};

/** Logger context, metrics flushing and tracing: always the first middlewares of every handler. */
export const observability = () => [
  injectLambdaContext(logger, { resetKeys: true }),
  flushMetrics(),
  captureLambdaHandler(tracer),
];
