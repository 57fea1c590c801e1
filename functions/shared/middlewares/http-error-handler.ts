import type middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ClientError } from '../http-errors.ts';
import { jsonResponse } from '../http-response.ts';
import { logger } from '../powertools.ts';

/**
 * The one place errors become HTTP answers: client errors keep their status and message, anything
 * else is logged and answered with a generic 500 that reveals nothing.
 */
export const httpErrorHandler = (): middy.MiddlewareObj<unknown, APIGatewayProxyResultV2> => ({
  onError: async (request) => {
    const { error } = request;
    if (error instanceof ClientError) {
      request.response = jsonResponse(error.statusCode, { error: error.code, message: error.message });
      return;
    }
    if (error instanceof Error && error.name === 'TimeoutError') {
      // middy answers before Lambda's own timeout; what was done may be incomplete, so the client retries.
      logger.error('request timed out', { error });
      request.response = jsonResponse(
        503,
        { error: 'timeout', message: 'The request took too long; retry it' },
        { 'retry-after': '1' },
      );
      return;
    }
    logger.error('request failed', { error });
    request.response = jsonResponse(500, { error: 'internal_error', message: 'Internal error' });
  },
});
