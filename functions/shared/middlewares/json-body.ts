import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../http-errors.ts';
import { headerOf } from '../http-response.ts';

/** The request as the handlers see it after the body middlewares. */
export interface JsonRequestEvent extends APIGatewayProxyEventV2 {
  /** The exact bytes received: signatures are computed over these, never over re-serialised JSON. */
  rawBody: Buffer;
  jsonBody: unknown;
}

/** Rejects oversized and non-JSON bodies before anything is parsed or looked up. */
export const rawBody = (options: {
  /** A number, or per request (Segment allows 500 KB on /v1/batch but 32 KB elsewhere). */
  maxBytes: number | ((event: APIGatewayProxyEventV2) => number);
}): middy.MiddlewareObj<JsonRequestEvent> => ({
  before: async (request) => {
    const { event } = request;
    const maxBytes = typeof options.maxBytes === 'number' ? options.maxBytes : options.maxBytes(event);
    const body = event.body ?? '';
    const raw = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
    if (raw.length > maxBytes) {
      throw new PayloadTooLargeError(`body is ${raw.length} bytes; at most ${maxBytes} are accepted`);
    }
    const contentType = headerOf(event.headers, 'content-type') ?? '';
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
      throw new UnsupportedMediaTypeError('Content-Type must be application/json');
    }
    event.rawBody = raw;
  },
});

/** Parses the raw body; `parse` lets a source keep big integers exact (Shopify ids exceed 2^53). */
export const jsonBody = (
  options: { parse?: (text: string) => unknown } = {},
): middy.MiddlewareObj<JsonRequestEvent> => ({
  before: async (request) => {
    const parse = options.parse ?? JSON.parse;
    try {
      request.event.jsonBody = parse(request.event.rawBody.toString('utf8'));
    } catch (error) {
      throw new MalformedRequestError(`body is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
});
