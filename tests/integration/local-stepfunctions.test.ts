import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { startLocalStepFunctions } from '#local/stepfunctions/server.ts';
import { LocalStepFunctions } from '#local/stepfunctions/service.ts';

const ACCOUNT = '000000000000';
const machineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

// An hour of virtual time passes in 0.1 s; the virtual clock starts years after the real one, so a
// Wait that computed against real time would never end within the test.
const clock = createVirtualClock({ speed: 36_000, start: '2030-01-01T00:00:00Z' });
const VIRTUAL_START = Date.parse('2030-01-01T00:00:00Z');

const definitions = {
  'cart-reminder': {
    StartAt: 'LoadCart',
    States: {
      LoadCart: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: functionArn('LoadCart'), 'Payload.$': '$' },
        ResultSelector: { 'cart.$': '$.Payload', 'status.$': '$.StatusCode' },
        ResultPath: '$.loaded',
        Next: 'WaitAnHour',
      },
      WaitAnHour: { Type: 'Wait', Seconds: 3600, Next: 'StillOpen' },
      StillOpen: {
        Type: 'Choice',
        Choices: [{ Variable: '$.loaded.cart.open', BooleanEquals: true, Next: 'Remind' }],
        Default: 'Done',
      },
      Remind: { Type: 'Pass', Result: 'reminded', ResultPath: '$.outcome', Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
  'long-wait': {
    StartAt: 'WaitAWeek',
    States: { WaitAWeek: { Type: 'Wait', Seconds: 604_800, End: true } },
  },
  'wait-until': {
    StartAt: 'WaitUntil',
    States: { WaitUntil: { Type: 'Wait', TimestampPath: '$.until', End: true } },
  },
  'retry-catch': {
    StartAt: 'Charge',
    States: {
      Charge: {
        Type: 'Task',
        Resource: functionArn('Charge'),
        Retry: [{ ErrorEquals: ['CardDeclinedError'], IntervalSeconds: 60, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['CardDeclinedError'], ResultPath: '$.failure', Next: 'Declined' }],
        End: true,
      },
      Declined: { Type: 'Pass', End: true },
    },
  },
  callback: {
    StartAt: 'AskForApproval',
    States: {
      AskForApproval: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'RequestApproval', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  },
};

class CardDeclinedError extends Error {
  override readonly name = 'CardDeclinedError';
}

const invocations: Array<{ name: string; payload: unknown }> = [];
const approvalTokens: string[] = [];
let service: LocalStepFunctions;
let server: { endpoint: string; close(): Promise<void> };
let sfn: SFNClient;

beforeAll(async () => {
  service = new LocalStepFunctions({
    clock,
    stateMachines: Object.entries(definitions).map(([name, definition]) => ({
      name,
      arn: machineArn(name),
      definition: JSON.stringify(definition),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    })),
    invokeFunction: async (name, payload) => {
      invocations.push({ name, payload });
      switch (name) {
        case functionArn('LoadCart'):
          return { cartId: (payload as { cartId: string }).cartId, open: true };
        case functionArn('Charge'):
          throw new CardDeclinedError('card declined');
        case 'RequestApproval':
          approvalTokens.push((payload as { token: string }).token);
          return { requested: true };
        default:
          throw new Error(`no function ${name}`);
      }
    },
  });
  await service.ready();
  server = await startLocalStepFunctions({ service, port: 0 });
  sfn = new SFNClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sfn.destroy();
  await server.close();
  await service.close();
});

async function start(machine: keyof typeof definitions, input: unknown, name?: string) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn(machine),
      input: JSON.stringify(input),
      ...(name !== undefined && { name }),
    }),
  );
  return executionArn!;
}

async function waitForStatus(executionArn: string, status: ExecutionStatus) {
  return vi.waitFor(
    async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      expect(execution.status).toBe(status);
      return execution;
    },
    { timeout: 10_000, interval: 20 },
  );
}

async function history(executionArn: string) {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events;
}

describe('Function: startLocalStepFunctions', () => {
  it('runs a task, an hour-long wait and a choice to success on the virtual clock', async () => {
    // Prepare
    const input = { cartId: 'cart-1' };

    // Act
    const executionArn = await start('cart-reminder', input);
    const execution = await waitForStatus(executionArn, 'SUCCEEDED');

    // Assess
    expect(JSON.parse(execution.output!)).toEqual({
      cartId: 'cart-1',
      loaded: { cart: { cartId: 'cart-1', open: true }, status: 200 },
      outcome: 'reminded',
    });
    expect(invocations).toContainEqual({ name: functionArn('LoadCart'), payload: input });
    expect(execution.startDate!.getTime()).toBeGreaterThanOrEqual(VIRTUAL_START);
  });

  it('records the history with Step Functions event types, ids and virtual timestamps', async () => {
    // Prepare
    const executionArn = await start('cart-reminder', { cartId: 'cart-2' });
    await waitForStatus(executionArn, 'SUCCEEDED');

    // Act
    const events = await history(executionArn);

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.map((event) => event.previousEventId)).toEqual(events.map((_, index) => index));
    const waitEntered = events.find((event) => event.type === 'WaitStateEntered')!;
    const waitExited = events.find((event) => event.type === 'WaitStateExited')!;
    expect(waitExited.timestamp!.getTime() - waitEntered.timestamp!.getTime()).toBeGreaterThanOrEqual(
      3_600_000,
    );
    expect(waitEntered.stateEnteredEventDetails?.name).toBe('WaitAnHour');
    expect(events[0]?.executionStartedEventDetails?.roleArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/cart-reminder`,
    );
    const scheduled = events.find((event) => event.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
  });

  it('waits until a TimestampPath measured against virtual now', async () => {
    // Prepare
    const until = new Date(clock.now() + 2 * 3_600_000).toISOString();

    // Act
    const executionArn = await start('wait-until', { until });
    await waitForStatus(executionArn, 'SUCCEEDED');

    // Assess
    const exited = (await history(executionArn)).find((event) => event.type === 'WaitStateExited')!;
    expect(exited.timestamp!.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('retries and catches a function error by its error name', async () => {
    // Prepare
    const input = { orderId: 'order-1' };

    // Act
    const executionArn = await start('retry-catch', input);
    const execution = await waitForStatus(executionArn, 'SUCCEEDED');

    // Assess
    const output = JSON.parse(execution.output!);
    expect(output.failure.Error).toBe('CardDeclinedError');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      errorType: 'CardDeclinedError',
      errorMessage: 'card declined',
    });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types.filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types).toContain('PassStateEntered');
  });

  it('lists executions of a state machine, filtered by status', async () => {
    // Prepare
    const running = await start('long-wait', {});

    // Act
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn('long-wait'), statusFilter: 'RUNNING' }),
    );
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn('cart-reminder') }));

    // Assess
    expect(executions.map((execution) => execution.executionArn)).toContain(running);
    expect(executions.every((execution) => execution.status === 'RUNNING')).toBe(true);
    expect(
      all.executions?.every((execution) => execution.stateMachineArn === machineArn('cart-reminder')),
    ).toBe(true);
    expect(all.executions?.length).toBeGreaterThanOrEqual(2);
  });

  it('stops an execution in the middle of a week-long wait', async () => {
    // Prepare
    const executionArn = await start('long-wait', { cartId: 'cart-3' });
    await vi.waitFor(async () => {
      expect((await history(executionArn)).map((event) => event.type)).toContain('WaitStateEntered');
    });

    // Act
    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Purchased', cause: 'the customer ordered' }),
    );

    // Assess
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe('ABORTED');
    expect(execution.stopDate).toEqual(stopDate);
    const events = await history(executionArn);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Purchased', cause: 'the customer ordered' },
    });
    expect(events.map((event) => event.type)).not.toContain('WaitStateExited');
  });

  it('returns the running execution when the same name is started again with the same input', async () => {
    // Prepare
    const first = await start('long-wait', { cartId: 'cart-4' }, 'cart-4-reminder');

    // Act
    const second = await start('long-wait', { cartId: 'cart-4' }, 'cart-4-reminder');

    // Assess
    expect(second).toBe(first);
    expect(first).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:long-wait:cart-4-reminder`);
  });

  it('fails with ExecutionAlreadyExists when a name is reused with another input', async () => {
    // Prepare
    await start('long-wait', { cartId: 'cart-5' }, 'cart-5-reminder');

    // Act
    const reuse = start('long-wait', { cartId: 'other' }, 'cart-5-reminder');

    // Assess
    await expect(reuse).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('fails with ExecutionAlreadyExists when the execution of that name has ended', async () => {
    // Prepare
    const executionArn = await start('long-wait', { cartId: 'cart-6' }, 'cart-6-reminder');
    await sfn.send(new StopExecutionCommand({ executionArn }));

    // Act
    const reuse = start('long-wait', { cartId: 'cart-6' }, 'cart-6-reminder');

    // Assess
    await expect(reuse).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('completes a callback task when the token is sent back', async () => {
    // Prepare
    const executionArn = await start('callback', {});
    const taskToken = await vi.waitFor(() => {
      const token = approvalTokens.at(-1);
      expect(token).toBeDefined();
      return token!;
    });

    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approved: true }) }));

    // Assess
    const execution = await waitForStatus(executionArn, 'SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ approved: true });
    const types = (await history(executionArn)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['TaskSubmitted', 'TaskSucceeded']));
  });

  it('fails with TaskDoesNotExist for a token it never issued', async () => {
    // Prepare
    const taskToken = 'not-a-token';

    // Act
    const send = sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));

    // Assess
    await expect(send).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('fails with StateMachineDoesNotExist for an unknown state machine', async () => {
    // Prepare
    const stateMachineArn = machineArn('nope');

    // Act
    const started = sfn.send(new StartExecutionCommand({ stateMachineArn }));

    // Assess
    await expect(started).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('fails with ExecutionDoesNotExist for an unknown execution', async () => {
    // Prepare
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:long-wait:nope`;

    // Act
    const described = sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    await expect(described).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('lists and describes the state machines it was given', async () => {
    // Prepare
    const stateMachineArn = machineArn('cart-reminder');

    // Act
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));

    // Assess
    expect(stateMachines.map((machine) => machine.name).sort()).toEqual(Object.keys(definitions).sort());
    expect(JSON.parse(described.definition!)).toEqual(definitions['cart-reminder']);
    expect(described.status).toBe('ACTIVE');
  });

  it('counts executions and state transitions per state machine', async () => {
    // Prepare
    const before = service.stats()['cart-reminder']!;

    // Act
    const executionArn = await start('cart-reminder', { cartId: 'cart-7' });
    await waitForStatus(executionArn, 'SUCCEEDED');

    // Assess
    const after = service.stats()['cart-reminder']!;
    expect(after.executionsStarted - before.executionsStarted).toBe(1);
    expect(after.stateTransitions - before.stateTransitions).toBe(5);
    expect(after.taskInvocations - before.taskInvocations).toBe(1);
  });
});

describe('Function: LocalStepFunctions without finished histories', () => {
  it('lets a finished execution’s history go and still describes and counts it', async () => {
    // Prepare: a second service, as a simulation starts it
    const lean = new LocalStepFunctions({
      clock,
      keepFinishedHistories: false,
      stateMachines: [
        {
          name: 'cart-reminder',
          arn: machineArn('cart-reminder'),
          definition: JSON.stringify(definitions['cart-reminder']),
          roleArn: `arn:aws:iam::${ACCOUNT}:role/cart-reminder`,
        },
      ],
      invokeFunction: async (_, payload) => ({ cartId: (payload as { cartId: string }).cartId, open: true }),
    });
    await lean.ready();
    try {
      // Act
      const { executionArn } = lean.startExecution({
        stateMachineArn: machineArn('cart-reminder'),
        input: JSON.stringify({ cartId: 'cart-9' }),
      });
      await vi.waitFor(() => expect(lean.describeExecution(executionArn).status).toBe('SUCCEEDED'), {
        timeout: 10_000,
        interval: 20,
      });

      // Assess
      expect(lean.getExecutionHistory(executionArn)).toEqual([]);
      expect(lean.describeExecution(executionArn).output).toContain('reminded');
      expect(lean.stats()['cart-reminder']?.stateTransitions).toBe(5);
    } finally {
      await lean.close();
    }
  });
});
