import type middy from '@middy/core';
import type * as z from 'zod';

/**
 * Validates a non-HTTP trigger's event (a Step Functions payload, a schedule) against its schema
 * before the handler sees it; a malformed event fails the invocation with the schema's message.
 */
export const parseEvent = <Schema extends z.ZodType>(
  schema: Schema,
): middy.MiddlewareObj<z.infer<Schema>> => ({
  before: async (request) => {
    request.event = schema.parse(request.event);
  },
});
