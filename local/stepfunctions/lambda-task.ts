import { randomUUID } from 'node:crypto';

/**
 * What `arn:aws:states:::lambda:invoke` returns to the state machine: the Lambda Invoke response with
 * the function's result parsed into `Payload`. ResultSelectors usually read `$.Payload`; the HTTP
 * metadata is there because definitions written against AWS may select it too.
 */
export function lambdaInvokeResult(payload: unknown): Record<string, unknown> {
  const requestId = randomUUID();
  const headers = {
    Connection: 'keep-alive',
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload ?? null,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/**
 * How a failed invocation surfaces in the state machine, as in AWS: a function error's name is the
 * function's error type (`Error`, `TypeError`, a custom class name) so `Retry`/`Catch` can match it,
 * and the cause is Lambda's error payload as JSON. Something thrown that is not an Error (the
 * invocation itself broke) becomes `Lambda.Unknown`.
 */
export function lambdaTaskFailure(error: unknown): { error: string; cause: string } {
  if (!(error instanceof Error)) {
    return { error: 'Lambda.Unknown', cause: `The function could not be invoked: ${String(error)}` };
  }
  // FunctionInvocationError from the local function pool carries the handler's error name.
  const errorName = (error as { errorName?: unknown }).errorName;
  const errorType = typeof errorName === 'string' && errorName !== '' ? errorName : error.name;
  return {
    error: errorType,
    cause: JSON.stringify({ errorType, errorMessage: error.message, trace: [] }),
  };
}

/**
 * The function name in any form a Task may give it (name, `name:alias`, partial or full ARN), for
 * finding the local function: the template's functions are named by their logical ids.
 */
export function lambdaFunctionName(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const marker = parts.indexOf('function');
  return (marker === -1 ? parts[0] : parts[marker + 1]) ?? nameOrArn;
}
