import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';
import {
  type JsonRequestEvent,
  jsonBody,
  jsonNestingDepth,
  MAX_JSON_DEPTH,
  rawBody,
} from '#shared/middlewares/json-body.ts';

const context = {
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'test',
  awsRequestId: 'req-1',
} as unknown as Context;

const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Posts `body` through the body middlewares the way the ingest handlers are wired; the handler echoes what it parsed. */
const answerTo = async (body: string, options: Parameters<typeof jsonBody>[0] = {}) =>
  (await middy(async (event: JsonRequestEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    // A recursive step after parsing, as Segment's message id and size check are.
    return { statusCode: 200, body: JSON.stringify(event.jsonBody) };
  })
    .use(rawBody({ maxBytes: 1_000_000 }))
    .use(jsonBody(options))
    .use(httpErrorHandler())
    .bind(null)(
    { body, headers: { 'content-type': 'application/json' } } as unknown as JsonRequestEvent,
    context,
  )) as APIGatewayProxyStructuredResultV2;

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['"text"', 0],
    ['[]', 1],
    ['{}', 1],
    ['{"a":[1,{"b":2}],"c":[]}', 3],
    ['[[],[[]],[]]', 3],
  ])('counts %s as %i levels deep', (text, depth) => {
    expect(jsonNestingDepth(text)).toBe(depth);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    // Prepare
    const text = JSON.stringify({ a: '[[[{{{', b: 'say "[[[" \\ and {{', c: ['\\"[[['] });

    // Act + Assess
    expect(jsonNestingDepth(text)).toBe(2);
  });

  it('counts 100,000 levels without recursing, and stops early once past the limit', () => {
    // Act + Assess
    expect(jsonNestingDepth(nestedArrays(100_000))).toBe(100_000);
    expect(jsonNestingDepth(nestedObjects(100_000))).toBe(100_000);
    expect(jsonNestingDepth(nestedArrays(100_000), MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });
});

describe('Middleware: jsonBody', () => {
  it.each([
    ['arrays', nestedArrays(100_000)],
    ['objects', nestedObjects(100_000)],
    ['arrays just past the limit', `{"events":${nestedArrays(MAX_JSON_DEPTH)}}`],
  ])('answers a body of deeply nested %s with 400 before parsing it', async (_, body) => {
    // Act
    const answer = await answerTo(body);

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body ?? '')).toEqual({
      error: 'malformed_request',
      message: 'body nests deeper than 64 levels',
    });
  });

  it('parses a body exactly at the limit', async () => {
    // Prepare
    const body = nestedObjects(MAX_JSON_DEPTH);

    // Act
    const answer = await answerTo(body);

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe(body);
  });

  it("checks the depth before a source's own parser, whose reviver recurses", async () => {
    // Act
    const answer = await answerTo(`{"id":1,"line_items":${nestedArrays(100_000)}}`, {
      parse: parseShopifyJson,
    });

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body ?? '').message).toBe('body nests deeper than 64 levels');
  });

  it('still reports text that is not JSON as such', async () => {
    // Act
    const answer = await answerTo('{"a":[1,');

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body ?? '').message).toMatch(/^body is not valid JSON: /);
  });
});
