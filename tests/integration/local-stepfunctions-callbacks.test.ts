import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { startLocalStepFunctions } from '#local/stepfunctions/server.ts';
import { LocalStepFunctions } from '#local/stepfunctions/service.ts';

const ACCOUNT = '000000000000';
const START = Date.parse('2030-03-01T09:00:00.000Z');
const SECOND = 1000;
const DAY = 86_400 * SECOND;
const machineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

// Manual time, as `journeys simulate` runs: nothing moves until the test advances the clock.
const clock = createVirtualClock({ manual: true, start: START });

/** The callback step the journeys are moving to: ask a Lambda, wait for its token, give up after an hour. */
const awaitReply = {
  StartAt: 'AskCustomer',
  States: {
    AskCustomer: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'AskCustomer',
        Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id', 'order.$': '$.order' },
      },
      TimeoutSeconds: 3600,
      ResultPath: '$.reply',
      // States.TaskFailed comes before States.Timeout on purpose: in AWS it never matches a timeout.
      Catch: [
        { ErrorEquals: ['OrderCancelled'], ResultPath: '$.failure', Next: 'Cancelled' },
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Failed' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'NoReply' },
      ],
      Next: 'Replied',
    },
    Replied: { Type: 'Pass', Result: 'replied', ResultPath: '$.path', End: true },
    Cancelled: { Type: 'Pass', Result: 'cancelled', ResultPath: '$.path', End: true },
    Failed: { Type: 'Pass', Result: 'failed', ResultPath: '$.path', End: true },
    NoReply: { Type: 'Pass', Result: 'no-reply', ResultPath: '$.path', End: true },
  },
};

/** A callback task watched by heartbeats every ten minutes within a day. */
const heartbeat = {
  StartAt: 'Render',
  States: {
    Render: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'AskCustomer',
        Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Id' },
      },
      TimeoutSeconds: 86_400,
      HeartbeatSeconds: 600,
      Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Silent' }],
      Next: 'Rendered',
    },
    Rendered: { Type: 'Pass', Result: 'rendered', ResultPath: '$.path', End: true },
    Silent: { Type: 'Pass', Result: 'silent', ResultPath: '$.path', End: true },
  },
};

const waitADay = {
  StartAt: 'WaitADay',
  States: { WaitADay: { Type: 'Wait', Seconds: 86_400, End: true } },
};

const definitions = { 'await-reply': awaitReply, heartbeat, 'wait-a-day': waitADay };

/** Task tokens the AskCustomer function was given, by execution ARN, in order. */
const tokens = new Map<string, string[]>();
let service: LocalStepFunctions;
let server: { endpoint: string; close(): Promise<void> };
let sfn: SFNClient;
/** A second client, as the Lambda that resumes a journey would have. */
let resumer: SFNClient;

beforeAll(async () => {
  service = new LocalStepFunctions({
    clock,
    stateMachines: Object.entries(definitions).map(([name, definition]) => ({
      name,
      arn: machineArn(name),
      definition,
    })),
    invokeFunction: async (name, payload) => {
      if (name !== 'AskCustomer') throw new Error(`no function ${name}`);
      const { token, execution } = payload as { token: string; execution: string };
      tokens.set(execution, [...(tokens.get(execution) ?? []), token]);
      return { asked: true };
    },
  });
  await service.ready();
  server = await startLocalStepFunctions({ service, port: 0 });
  sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
  resumer = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
});

afterEach(() => {
  // Every test starts from no running execution, so the next timer is its own.
  for (const name of Object.keys(definitions)) {
    for (const execution of service.listExecutions({
      stateMachineArn: machineArn(name),
      statusFilter: 'RUNNING',
    })) {
      service.stopExecution({ executionArn: execution.executionArn });
    }
  }
});

afterAll(async () => {
  sfn?.destroy();
  resumer?.destroy();
  await server?.close();
  await service?.close();
});

/**
 * Waits until nothing is left to do at the current instant, as the runtime's `quiesce` does, and
 * returns when the next timer comes due. Fails rather than hangs if the service never calms down.
 */
async function quiesce(): Promise<number | undefined> {
  const giveUpAt = performance.now() + 10_000;
  for (let calm = 0; ; ) {
    const { busy, nextDeadline } = await service.activity();
    calm = busy ? 0 : calm + 1;
    if (calm === 2) return nextDeadline;
    if (performance.now() > giveUpAt) throw new Error('the local Step Functions never became calm');
    if (busy) await service.nextProgress(5);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

async function start(machine: keyof typeof definitions, input: unknown, name?: string) {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn(machine),
      input: JSON.stringify(input),
      ...(name !== undefined && { name }),
    }),
  );
  return { executionArn: started.executionArn!, startDate: started.startDate!.getTime() };
}

/** The execution's current task token, once the function has been handed it. */
async function tokenOf(executionArn: string): Promise<string> {
  return vi.waitFor(
    () => {
      const token = tokens.get(executionArn)?.at(-1);
      expect(token).toBeDefined();
      return token!;
    },
    { timeout: 10_000, interval: 5 },
  );
}

/** What a call that should be refused was refused with. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call was not refused'),
    (error: unknown) => error,
  );
}

async function describeExecution(executionArn: string) {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

async function historyTypes(executionArn: string) {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events.map((event) => event.type);
}

describe('Local Step Functions: callback tasks on manual time', () => {
  it('waits for a task token as waiting, with its timeout as the next timer, and resumes with the output another client sends', async () => {
    // Prepare
    const { executionArn, startDate } = await start('await-reply', { order: 'o-1' });
    const taskToken = await tokenOf(executionArn);
    const nextTimer = await quiesce();

    // Act
    await resumer.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ answer: 'keep my order' }) }),
    );
    await quiesce();

    // Assess
    expect(nextTimer).toBe(startDate + 3600 * SECOND);
    const execution = await describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({
      order: 'o-1',
      reply: { answer: 'keep my order' },
      path: 'replied',
    });
    expect(await historyTypes(executionArn)).toEqual(
      expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']),
    );
  });

  it('answers TaskTimedOut for a token whose task has already been answered', async () => {
    // Prepare
    const { executionArn } = await start('await-reply', { order: 'o-2' });
    const taskToken = await tokenOf(executionArn);
    await resumer.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Act
    const again = resumer.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Assess
    await expect(again).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fails a waiting task with SendTaskFailure into the Catch for its error', async () => {
    // Prepare
    const { executionArn } = await start('await-reply', { order: 'o-3' });
    const taskToken = await tokenOf(executionArn);
    await quiesce();

    // Act
    await resumer.send(
      new SendTaskFailureCommand({ taskToken, error: 'OrderCancelled', cause: 'the customer cancelled' }),
    );
    await quiesce();

    // Assess
    const execution = await describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({
      order: 'o-3',
      failure: { Error: 'OrderCancelled', Cause: 'the customer cancelled' },
      path: 'cancelled',
    });
    expect(await historyTypes(executionArn)).toContain('TaskFailed');
  });

  it('times a waiting task out when the clock passes TimeoutSeconds, into the Catch on States.Timeout', async () => {
    // Prepare
    const { executionArn, startDate } = await start('await-reply', { order: 'o-4' });
    const taskToken = await tokenOf(executionArn);
    const deadline = await quiesce();
    clock.manual!.advanceTo(startDate + 3600 * SECOND - 1);
    await quiesce();
    const justBefore = await describeExecution(executionArn);

    // Act
    clock.manual!.advanceTo(deadline!);
    await quiesce();

    // Assess
    expect(deadline).toBe(startDate + 3600 * SECOND);
    expect(justBefore.status).toBe('RUNNING');
    const execution = await describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopDate!.getTime()).toBe(deadline);
    const output = JSON.parse(execution.output!);
    expect(output.path).toBe('no-reply');
    expect(output.timedOut.Error).toBe('States.Timeout');
    expect(await historyTypes(executionArn)).toContain('TaskTimedOut');
    await expect(
      resumer.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('times a callback task out when its heartbeats stop, which a Retry on States.TaskFailed does not retry', async () => {
    // Prepare
    const { executionArn, startDate } = await start('heartbeat', {});
    const taskToken = await tokenOf(executionArn);
    const firstDeadline = await quiesce();
    clock.manual!.advanceTo(startDate + 500 * SECOND);
    await resumer.send(new SendTaskHeartbeatCommand({ taskToken }));
    const renewedDeadline = await quiesce();
    clock.manual!.advanceTo(renewedDeadline! - 1);
    await quiesce();
    const justBefore = await describeExecution(executionArn);

    // Act
    clock.manual!.advanceTo(renewedDeadline!);
    await quiesce();

    // Assess
    expect(firstDeadline).toBe(startDate + 600 * SECOND);
    expect(renewedDeadline).toBe(startDate + 1100 * SECOND);
    expect(justBefore.status).toBe('RUNNING');
    const execution = await describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).path).toBe('silent');
    expect(tokens.get(executionArn)).toHaveLength(1);
    expect(await historyTypes(executionArn)).toContain('TaskTimedOut');
  });

  it('stops an execution waiting in a Wait state, and its timer with it', async () => {
    // Prepare
    const { executionArn, startDate } = await start('wait-a-day', {});
    const waitEnds = await quiesce();

    // Act
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Purchased', cause: 'ordered' }));
    const nextTimer = await quiesce();
    clock.manual!.advanceTo(startDate + DAY);
    await quiesce();

    // Assess
    expect(waitEnds).toBe(startDate + DAY);
    expect(nextTimer).toBeUndefined();
    const execution = await describeExecution(executionArn);
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Purchased', cause: 'ordered' });
    const types = await historyTypes(executionArn);
    expect(types.at(-1)).toBe('ExecutionAborted');
    expect(types).not.toContain('WaitStateExited');
  });

  it('stops an execution waiting for a task token, after which its token is timed out', async () => {
    // Prepare
    const { executionArn } = await start('await-reply', { order: 'o-5' });
    const taskToken = await tokenOf(executionArn);
    await quiesce();

    // Act
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Exited', cause: 'unsubscribed' }));
    const nextTimer = await quiesce();

    // Assess
    expect(nextTimer).toBeUndefined();
    const execution = await describeExecution(executionArn);
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Exited', cause: 'unsubscribed' });
    expect((await historyTypes(executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(
      resumer.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });
});

describe('Local Step Functions: execution names', () => {
  it('de-duplicates a deterministic name as a Standard workflow does, and frees it 90 days after the execution closed', async () => {
    // Prepare
    const name = 'welcome-c-42';
    const first = await start('wait-a-day', { customer: 'c-42' }, name);

    // Act
    const repeated = await start('wait-a-day', { customer: 'c-42' }, name);
    const otherInput = await refusal(start('wait-a-day', { customer: 'c-43' }, name));
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    const { stopDate } = await describeExecution(first.executionArn);
    const afterClose = await refusal(start('wait-a-day', { customer: 'c-42' }, name));
    clock.manual!.advanceTo(stopDate!.getTime() + 90 * DAY - 1);
    const justBeforeExpiry = await refusal(start('wait-a-day', { customer: 'c-42' }, name));
    clock.manual!.advanceTo(stopDate!.getTime() + 90 * DAY);
    const reused = await start('wait-a-day', { customer: 'c-44' }, name);

    // Assess
    expect(repeated).toEqual(first);
    expect(otherInput).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterClose).toBeInstanceOf(ExecutionAlreadyExists);
    expect(justBeforeExpiry).toBeInstanceOf(ExecutionAlreadyExists);
    expect(first.executionArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:wait-a-day:${name}`);
    expect(reused.executionArn).toBe(first.executionArn);
    expect(reused.startDate).toBe(stopDate!.getTime() + 90 * DAY);
    const described = await describeExecution(reused.executionArn);
    expect(described).toMatchObject({ status: 'RUNNING', name, input: JSON.stringify({ customer: 'c-44' }) });
  });
});
