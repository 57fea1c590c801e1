import { describe, expect, it } from 'vitest';
import { FunctionInvocationError } from '#local/lambda/function-pool.ts';
import { ExecutionHistory, historyEntriesFor } from '#local/stepfunctions/history.ts';
import {
  lambdaFunctionName,
  lambdaInvokeResult,
  lambdaTaskFailure,
} from '#local/stepfunctions/lambda-task.ts';

const AT = Date.UTC(2030, 0, 1);

describe('Function: historyEntriesFor', () => {
  it('names state events after the state type, with JSON input and output', () => {
    // Prepare
    const entered = {
      type: 'StateEntered',
      timestamp: AT,
      state: { name: 'WaitAnHour', type: 'Wait', input: { cartId: 'c1' } },
    };
    const exited = {
      type: 'StateExited',
      timestamp: AT + 3_600_000,
      state: { name: 'WaitAnHour', type: 'Wait', input: { cartId: 'c1' }, output: { cartId: 'c1' } },
    };

    // Act
    const entries = [...historyEntriesFor(entered), ...historyEntriesFor(exited)];

    // Assess
    expect(entries).toEqual([
      {
        type: 'WaitStateEntered',
        timestamp: AT,
        details: {
          key: 'stateEnteredEventDetails',
          value: { name: 'WaitAnHour', input: '{"cartId":"c1"}', inputDetails: { truncated: false } },
        },
      },
      {
        type: 'WaitStateExited',
        timestamp: AT + 3_600_000,
        details: {
          key: 'stateExitedEventDetails',
          value: { name: 'WaitAnHour', output: '{"cartId":"c1"}', outputDetails: { truncated: false } },
        },
      },
    ]);
  });

  it('turns the end of an execution into ExecutionSucceeded, ExecutionFailed or ExecutionTimedOut', () => {
    // Prepare
    const events = [
      { type: 'ExecutionSucceeded', timestamp: AT, output: { sent: true } },
      { type: 'ExecutionFailed', timestamp: AT, Error: 'SendFailedError', Cause: { errorMessage: 'x' } },
      { type: 'ExecutionTimeout', timestamp: AT },
    ];

    // Act
    const entries = events.flatMap(historyEntriesFor);

    // Assess
    expect(entries.map((entry) => [entry.type, entry.details?.value])).toEqual([
      ['ExecutionSucceeded', { output: '{"sent":true}', outputDetails: { truncated: false } }],
      ['ExecutionFailed', { error: 'SendFailedError', cause: '{"errorMessage":"x"}' }],
      ['ExecutionTimedOut', { error: 'States.Timeout', cause: expect.any(String) }],
    ]);
  });

  it('maps Map iterations and leaves out events Step Functions does not record', () => {
    // Prepare
    const events = [
      {
        type: 'MapIterationStarted',
        timestamp: AT,
        index: 2,
        parentState: { name: 'EachItem', type: 'Map', input: [] },
      },
      { type: 'StateRetried', timestamp: AT, state: { name: 'Send', type: 'Task', input: {} } },
      { type: 'StateCaught', timestamp: AT, state: { name: 'Send', type: 'Task', input: {} } },
      { type: 'ParallelBranchStarted', timestamp: AT },
      { type: 'ExecutionStarted', timestamp: AT, input: {} },
    ];

    // Act
    const entries = events.flatMap(historyEntriesFor);

    // Assess
    expect(entries).toEqual([
      {
        type: 'MapIterationStarted',
        timestamp: AT,
        details: { key: 'mapIterationStartedEventDetails', value: { name: 'EachItem', index: 2 } },
      },
    ]);
  });
});

describe('Class: ExecutionHistory', () => {
  it('numbers events from 1 and links each to the one before', () => {
    // Prepare
    const history = new ExecutionHistory();

    // Act
    history.add({ type: 'ExecutionStarted', timestamp: AT });
    history.add({
      type: 'PassStateEntered',
      timestamp: AT + 1,
      details: { key: 'stateEnteredEventDetails', value: { name: 'A' } },
    });

    // Assess
    expect(history.events).toEqual([
      { id: 1, previousEventId: 0, timestamp: AT, type: 'ExecutionStarted' },
      {
        id: 2,
        previousEventId: 1,
        timestamp: AT + 1,
        type: 'PassStateEntered',
        stateEnteredEventDetails: { name: 'A' },
      },
    ]);
  });
});

describe('Function: lambdaInvokeResult', () => {
  it('wraps the function result like the lambda:invoke integration', () => {
    // Prepare
    const payload = { messageId: 'm-1' };

    // Act
    const result = lambdaInvokeResult(payload);

    // Assess
    expect(result).toMatchObject({
      ExecutedVersion: '$LATEST',
      Payload: payload,
      StatusCode: 200,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
  });

  it('gives a null Payload for a function that returns nothing', () => {
    // Prepare
    const payload = undefined;

    // Act
    const result = lambdaInvokeResult(payload);

    // Assess
    expect(result.Payload).toBeNull();
  });
});

describe('Function: lambdaTaskFailure', () => {
  it('names the failure after the error type the handler threw', () => {
    // Prepare
    const thrown = new FunctionInvocationError(
      'SendFunction',
      'SuppressedRecipientError',
      'recipient is suppressed',
    );

    // Act
    const failure = lambdaTaskFailure(thrown);

    // Assess
    expect(failure.error).toBe('SuppressedRecipientError');
    expect(JSON.parse(failure.cause)).toEqual({
      errorType: 'SuppressedRecipientError',
      errorMessage: 'recipient is suppressed',
      trace: [],
    });
  });

  it('uses the class name of a plain error', () => {
    // Prepare
    const thrown = new TypeError('bad input');

    // Act
    const failure = lambdaTaskFailure(thrown);

    // Assess
    expect(failure.error).toBe('TypeError');
  });

  it('reports Lambda.Unknown for something that is not an error', () => {
    // Prepare
    const thrown = 'worker exited';

    // Act
    const failure = lambdaTaskFailure(thrown);

    // Assess
    expect(failure).toEqual({ error: 'Lambda.Unknown', cause: expect.stringContaining('worker exited') });
  });
});

describe('Function: lambdaFunctionName', () => {
  it('finds the function name in every form a Task can name a function', () => {
    // Prepare
    const references = [
      'SendFunction',
      'SendFunction:live',
      '000000000000:function:SendFunction',
      'arn:aws:lambda:us-east-1:000000000000:function:SendFunction',
      'arn:aws:lambda:us-east-1:000000000000:function:SendFunction:$LATEST',
    ];

    // Act
    const names = references.map(lambdaFunctionName);

    // Assess
    expect(new Set(names)).toEqual(new Set(['SendFunction']));
  });
});
