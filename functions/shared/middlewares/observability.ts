import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logger, metrics, tracer } from '../powertools.ts';

/** Logger context, metrics flushing and tracing: always the first middlewares of every handler. */
export const observability = () => [
  injectLambdaContext(logger, { resetKeys: true }),
  logMetrics(metrics),
  captureLambdaHandler(tracer),
];
