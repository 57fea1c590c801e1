import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, UnauthorizedError } from '#shared/http-errors.ts';
import { httpErrorHandler } from '#shared/middlewares/http-error-handler.ts';

const context = {
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'test',
  awsRequestId: 'req-1',
} as unknown as Context;

/** Wraps a handler that throws `error`, the way every HTTP handler is wired. */
const answerTo = async (error: Error) =>
  (await middy(async (): Promise<APIGatewayProxyStructuredResultV2> => {
    throw error;
  })
    .use(httpErrorHandler())
    .bind(null)({}, context)) as APIGatewayProxyStructuredResultV2;

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

describe('Middleware: httpErrorHandler', () => {
  it('answers client errors with their status and message', async () => {
    // Act
    const unauthorized = await answerTo(new UnauthorizedError('missing or invalid credentials'));
    const tooLarge = await answerTo(new PayloadTooLargeError('body is 2 bytes; at most 1 are accepted'));

    // Assess
    expect(unauthorized).toMatchObject({ statusCode: 401 });
    expect(JSON.parse(String(unauthorized.body))).toEqual({
      error: 'unauthorized',
      message: 'missing or invalid credentials',
    });
    expect(tooLarge).toMatchObject({ statusCode: 413 });
  });

  it('answers anything unexpected with a generic 500 that reveals nothing', async () => {
    // Act
    const answer = await answerTo(new Error('connect ECONNREFUSED 10.0.0.1:443 table secret-table'));

    // Assess
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain('secret-table');
  });

  it('answers a timeout with 503 and Retry-After, so the client sends again', async () => {
    // Act
    const answer = await answerTo(new TimeoutError('[AbortError]: The operation was aborted.'));

    // Assess
    expect(answer).toMatchObject({ statusCode: 503, headers: { 'retry-after': '1' } });
  });
});
