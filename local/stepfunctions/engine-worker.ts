/**
 * The engine thread: runs every execution on aws-local-stepfunctions with virtual time, so its Wait
 * states, retry intervals and timestamps follow the runtime's clock. Task states are answered by the
 * main thread, which owns the Lambda functions.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { installVirtualTime } from '#local/clock/install-virtual-time.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { EngineWorkerData, FromEngine, TaskRequest, ToEngine } from './engine-protocol.ts';
import type { TaskIntegration } from './task-resources.ts';

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

interface RunningExecution {
  abort(): void;
  /** Tokens `$$.Task.Token` handed out since the last task started. */
  issuedTokens: string[];
}

const executions = new Map<string, RunningExecution>();
const pendingTasks = new Map<
  number,
  { executionArn: string; resolve(output: unknown): void; reject(error: Error): void }
>();
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
    handlers[stateName] = taskHandler(executionArn, stateName, integration, issuedTokens);
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
          const token = randomUUID();
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
        return request({ ...call, taskToken });
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

function request(call: Omit<TaskRequest, 'type' | 'requestId'>): Promise<unknown> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pendingTasks.set(requestId, { executionArn: call.executionArn, resolve, reject });
    post({ type: 'task', requestId, ...call });
  });
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
