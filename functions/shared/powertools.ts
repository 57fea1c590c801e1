import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redactingJsonReplacer } from './redaction.ts';

/** One logger, metrics and tracer per function; service name and namespace come from the environment. */
export const logger = new Logger({ jsonReplacerFn: redactingJsonReplacer });
export const metrics = new Metrics({ defaultDimensions: {} });
export const tracer = new Tracer();
