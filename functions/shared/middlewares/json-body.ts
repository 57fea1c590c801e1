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

/**
 * How deep any JSON body may nest. Real payloads stay far below it (a Shopify order nests 7–8
 * levels, Segment's e-commerce specs fewer); far above it, the recursive steps after parsing
 * (a reviver, `JSON.stringify`, Segment's message id) overflow the stack, which would be a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** Parses the raw body; `parse` lets a source keep big integers exact (Shopify ids exceed 2^53). */
export const jsonBody = (
  options: { parse?: (text: string) => unknown; maxDepth?: number } = {},
): middy.MiddlewareObj<JsonRequestEvent> => ({
  before: async (request) => {
    const parse = options.parse ?? JSON.parse;
    const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
    const text = request.event.rawBody.toString('utf8');
    // Checked on the text, before anything recursive sees the value.
    if (jsonNestingDepth(text, maxDepth) > maxDepth) {
      throw new MalformedRequestError(`body nests deeper than ${maxDepth} levels`);
    }
    try {
      request.event.jsonBody = parse(text);
    } catch (error) {
      throw new MalformedRequestError(`body is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * How many arrays and objects the deepest value of a JSON text sits in (`1` is 0, `[]` 1, `{"a":[1]}`
 * 2), counted in one pass without parsing or recursion. Brackets inside strings do not count. The
 * scan stops as soon as the depth passes `stopAbove`. Text that is not JSON gets a number too; the
 * parser rejects it afterwards.
 */
export function jsonNestingDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}
