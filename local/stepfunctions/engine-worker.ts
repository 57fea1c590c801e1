/**
 * The engine thread: runs every execution on aws-local-stepfunctions with virtual time, so its Wait
 * states, retry intervals and timestamps follow the runtime's clock. Task states are answered by the
 * main thread, which owns the Lambda functions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { installVirtualTime } from '#local/clock/install-virtual-time.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { EngineWorkerData, FromEngine, TaskRequest, ToEngine } from './engine-protocol.ts';
import { HEARTBEAT_TIMEOUT_ERROR, type TaskIntegration } from './task-resources.ts';
import { newTaskToken } from './task-tokens.ts';

const port = parentPort;
if (port === null) throw new Error('engine-worker must run in a worker thread');

// The engine reads `Date.now()` and `setTimeout` when it runs, so replacing them here is enough.
// Each execution runs in its own async context, so a timer knows whose Wait or retry it is.
const currentExecution = new AsyncLocalStorage<string>();
const { timerStatus } = installVirtualTime((workerData as EngineWorkerData).clock, {
  scaleTimers: true,
  timerOwner: () => currentExecution.getStore(),
});
const { StateMachine } = await import('aws-local-stepfunctions');
type RunOptions = NonNullable<Parameters<InstanceType<typeof StateMachine>['run']>[1]>;
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
const EngineTimeoutError = await engineTimeoutErrorClass();

interface RunningExecution {
  abort(): void;
  /** Tokens `$$.Task.Token` handed out since the last task started. */
  issuedTokens: string[];
}

interface PendingTask {
  executionArn: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  /** A callback task's heartbeat: it fails when `seconds` pass without a `SendTaskHeartbeat`. */
  heartbeat?: { seconds: number; timer: ReturnType<typeof setTimeout> | undefined };
}

const executions = new Map<string, RunningExecution>();
const pendingTasks = new Map<number, PendingTask>();
let nextRequestId = 1;

const post = (message: FromEngine) => port.postMessage(message);

port.on('message', (message: ToEngine) => {
  switch (message.type) {
    case 'start':
      try {
        currentExecution.run(message.executionArn, () => start(message));
      } catch (error) {
        // One execution the engine refuses must not take the thread, and every other execution, down.
        post({
          type: 'finished',
          executionArn: message.executionArn,
          failure: { error: 'States.Runtime', cause: causeOf(error) },
        });
      }
      return;
    case 'stop':
      executions.get(message.executionArn)?.abort();
      return;
    case 'heartbeat':
      armHeartbeat(message.requestId);
      return;
    case 'status':
      // After a full turn of the event loop: work that earlier messages started has reached its next
      // Task request or timer by then.
      setImmediate(() => {
        const status = timerStatus?.() ?? { due: 0, nextDeadline: undefined, isWaiting: () => true };
        const waitingOnTasks = new Set([...pendingTasks.values()].map((task) => task.executionArn));
        let working = 0;
        // Without manual time, timers are not tracked and a waiting execution cannot be told apart.
        for (const executionArn of timerStatus === undefined ? [] : executions.keys()) {
          if (!waitingOnTasks.has(executionArn) && !status.isWaiting(executionArn)) working += 1;
        }
        post({
          type: 'status',
          requestId: message.requestId,
          dueTimers: status.due,
          nextDeadline: status.nextDeadline ?? null,
          working,
        });
      });
      return;
    case 'task-result': {
      const pending = pendingTasks.get(message.requestId);
      pendingTasks.delete(message.requestId);
      if (pending?.heartbeat !== undefined) clearTimeout(pending.heartbeat.timer);
      if (message.ok) pending?.resolve(message.output);
      else pending?.reject(taskError(message.error, message.cause, message.fatal ?? false));
      return;
    }
    default:
      assertUnreachable(message);
  }
});

post({ type: 'ready' });

function start(message: Extract<ToEngine, { type: 'start' }>): void {
  const { executionArn } = message;
  const issuedTokens: string[] = [];
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [stateName, integration] of Object.entries(message.tasks)) {
    const heartbeatSeconds = message.heartbeatSeconds[stateName];
    handlers[stateName] = taskHandler(executionArn, stateName, integration, issuedTokens, heartbeatSeconds);
  }
  const machine = new StateMachine(message.definition as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run(message.input as Parameters<typeof machine.run>[0], {
    overrides: { taskResourceLocalHandlers: handlers as TaskHandlers },
    noThrowOnAbort: true,
    context: {
      ...message.context,
      // A getter, because each task that reads `$$.Task.Token` must get its own token.
      Task: {
        get Token() {
          const token = newTaskToken(executionArn);
          issuedTokens.push(token);
          return token;
        },
      },
    },
  });
  executions.set(executionArn, { abort: execution.abort, issuedTokens });

  const forwarded = (async () => {
    for await (const event of execution.eventLogs) post({ type: 'event', executionArn, event });
  })();
  execution.result
    .then(
      () => undefined,
      (error: unknown) => ({ error: 'States.Runtime', cause: causeOf(error) }),
    )
    .then(async (failure) => {
      await forwarded;
      executions.delete(executionArn);
      post({ type: 'finished', executionArn, ...(failure && { failure }) });
    });
}

function taskHandler(
  executionArn: string,
  stateName: string,
  integration: TaskIntegration,
  issuedTokens: string[],
  heartbeatSeconds: number | undefined,
): (input: unknown) => Promise<unknown> {
  return async (input) => {
    // Taken synchronously: the engine evaluated this task's Parameters just before calling us.
    const tokens = issuedTokens.splice(0);
    // Lets the event forwarder post this state's StateEntered before the main thread hears of the task.
    await new Promise((resolve) => setImmediate(resolve));
    const base = { executionArn, stateName, integration };
    switch (integration.kind) {
      case 'lambda-function':
        return request({ ...base, functionName: integration.functionArn, payload: input });
      case 'lambda-invoke': {
        const parameters = (typeof input === 'object' && input !== null ? input : {}) as Record<
          string,
          unknown
        >;
        if (typeof parameters.FunctionName !== 'string') {
          throw taskError('States.Runtime', `Task ${stateName}: lambda:invoke needs a FunctionName`, true);
        }
        const call = { ...base, functionName: parameters.FunctionName, payload: parameters.Payload ?? {} };
        if (!integration.waitForTaskToken) return request(call);
        const taskToken = tokens.find((token) => containsString(parameters, token));
        if (taskToken === undefined) {
          throw taskError(
            'States.Runtime',
            `Task ${stateName} waits for a task token but does not pass $$.Task.Token to the function`,
            true,
          );
        }
        return request({ ...call, taskToken }, heartbeatSeconds);
      }
      case 'service-call':
        return request({
          ...base,
          functionName: `${integration.service}:${integration.action}`,
          payload: input,
        });
      case 'unsupported':
        throw taskError(
          'States.Runtime',
          `Task ${stateName}: the local runtime does not support the resource ${integration.resource}`,
          true,
        );
      default:
        return assertUnreachable(integration);
    }
  };
}

function request(call: Omit<TaskRequest, 'type' | 'requestId'>, heartbeatSeconds?: number): Promise<unknown> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pendingTasks.set(requestId, {
      executionArn: call.executionArn,
      resolve,
      reject,
      ...(heartbeatSeconds !== undefined && { heartbeat: { seconds: heartbeatSeconds, timer: undefined } }),
    });
    armHeartbeat(requestId);
    post({ type: 'task', requestId, ...call });
  });
}

/**
 * Starts (again) the heartbeat time of a waiting callback task. When it runs out the task fails with
 * `States.HeartbeatTimeout` as the engine's own timeout error, which Retry and Catch treat as a
 * timeout; the main thread sees the failed state and closes the task. The timer is set in the
 * execution's context, so on manual time it is this execution's: the execution counts as waiting and
 * the heartbeat's deadline is a timer a simulation steps to.
 */
function armHeartbeat(requestId: number): void {
  const pending = pendingTasks.get(requestId);
  const heartbeat = pending?.heartbeat;
  if (pending === undefined || heartbeat === undefined) return;
  clearTimeout(heartbeat.timer);
  heartbeat.timer = currentExecution.run(pending.executionArn, () =>
    setTimeout(() => {
      pendingTasks.delete(requestId);
      const error = new EngineTimeoutError();
      error.name = HEARTBEAT_TIMEOUT_ERROR;
      error.message = '';
      pending.reject(error);
    }, heartbeat.seconds * 1000),
  );
}

/**
 * The engine's own task timeout error class (not exported): Retry and Catch treat an error of it as a
 * timeout, so `States.TaskFailed` does not match it, as in AWS. It is obtained once, before any
 * message is handled, by timing out a one-task state machine on timers that fire at once.
 */
async function engineTimeoutErrorClass(): Promise<new () => Error> {
  const installed = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  globalThis.setTimeout = ((callback: () => void) => {
    queueMicrotask(callback);
    return 0;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = (() => undefined) as typeof clearTimeout;
  try {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Probe',
            TimeoutSeconds: 1,
            End: true,
          },
        },
      },
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
    );
    const timedOut = await run.result.then(
      () => undefined,
      (error: unknown) => (error as Error).cause,
    );
    if (!(timedOut instanceof Error) || timedOut.name !== 'States.Timeout') {
      throw new Error(
        'aws-local-stepfunctions no longer times a task out as it did; see engineTimeoutErrorClass',
      );
    }
    return timedOut.constructor as new () => Error;
  } finally {
    globalThis.setTimeout = installed.setTimeout;
    globalThis.clearTimeout = installed.clearTimeout;
  }
}

/** The engine matches Retry/Catch on `name` and reports `message` as the cause. */
function taskError(name: string, cause: string, fatal: boolean): Error {
  const error = new Error(cause);
  error.name = name;
  return fatal ? Object.assign(error, { isRetryable: false, isCatchable: false }) : error;
}

function containsString(value: unknown, wanted: string): boolean {
  if (value === wanted) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((item) => containsString(item, wanted));
}

function causeOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
