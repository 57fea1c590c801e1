import type middy from '@middy/core';
import { UnauthorizedError } from '#shared/http-errors.ts';
import type { JsonRequestEvent } from '#shared/middlewares/json-body.ts';
import type { StoreRecord } from '../domain/ports.ts';

export interface AuthenticatedEvent extends JsonRequestEvent {
  store: StoreRecord;
}

/**
 * Every ingest route is authenticated before its body is used. Each route brings its own way to find
 * the store (bearer key, Segment write key, Shopify signature); all failures look the same to the caller.
 */
export const authenticateStore = (options: {
  resolveStore: (event: JsonRequestEvent) => Promise<StoreRecord | undefined>;
  challenge?: string;
}): middy.MiddlewareObj<AuthenticatedEvent> => ({
  before: async (request) => {
    const store = await options.resolveStore(request.event);
    if (store === undefined) throw new UnauthorizedError('missing or invalid credentials');
    request.event.store = store;
  },
});
