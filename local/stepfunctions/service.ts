import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createVirtualClock, type VirtualClock } from '#local/clock/virtual-clock.ts';
import { typeScriptWorkerExecArgv } from '#local/typescript-worker.ts';
import { assertUnreachable } from '#shared/errors.ts';
import {
  executionArnOf,
  parseStateMachineArn,
  regionOf,
  requireExecutionArn,
  requireExecutionName,
} from './arns.ts';
import type {
  EngineEvent,
  EngineWorkerData,
  FromEngine,
  TaskReply,
  TaskRequest,
  ToEngine,
} from './engine-protocol.ts';
import { SfnError } from './errors.ts';
import {
  causeText,
  ExecutionHistory,
  type HistoryEntry,
  type HistoryEventRecord,
  historyEntriesFor,
  json,
} from './history.ts';
import { lambdaInvokeResult, lambdaTaskFailure } from './lambda-task.ts';
import {
  type LocalStateMachineAliasDefinition,
  type LocalStateMachineDefinition,
  type LocalStateMachineVersionDefinition,
  type RegisteredStateMachine,
  type Revision,
  type RoutingConfigurationItem,
  type StateMachineAliasDescription,
  type StateMachineDescription,
  StateMachineRegistry,
  type StateMachineStats,
} from './state-machines.ts';
import { HEARTBEAT_TIMEOUT_ERROR } from './task-resources.ts';
import { executionArnOfTaskToken } from './task-tokens.ts';

export type {
  LocalStateMachineAliasDefinition,
  LocalStateMachineDefinition,
  LocalStateMachineVersionDefinition,
  RoutingConfigurationItem,
  StateMachineAliasDescription,
  StateMachineDescription,
  StateMachineStats,
};

/** Runs a Lambda function by the name or ARN a Task names; resolves with its result, rejects with its error. */
export type InvokeFunction = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** Virtual epoch milliseconds. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Set when the execution was started on a version ARN, or on an alias (the version it picked). */
  stateMachineVersionArn?: string;
  /** Set when the execution was started on an alias ARN. */
  stateMachineAliasArn?: string;
}

/** Makes an AWS API call for a service integration (`dynamodb:putItem`, `aws-sdk:sqs:sendMessage`). */
export type CallService = (service: string, action: string, parameters: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  invokeFunction: InvokeFunction;
  /** @default - service integrations fail with States.Runtime */
  callService?: CallService;
  stateMachines?: LocalStateMachineDefinition[];
  /** Published versions of those state machines (registered after them, so with their definitions). */
  stateMachineVersions?: LocalStateMachineVersionDefinition[];
  /** Aliases of those versions. */
  stateMachineAliases?: LocalStateMachineAliasDefinition[];
  /** Time for Wait states, timestamps and history. @default - real time */
  clock?: VirtualClock;
  /** Problems of the service itself (the engine thread crashed). @default - console.error */
  onError?: (error: unknown) => void;
  /**
   * Started executions wait for `releaseHeldStarts` before their first state (simulations on manual
   * time release them once the other targets of the same events have finished). @default false
   */
  holdStarts?: boolean;
  /**
   * Keep each finished execution's history for `GetExecutionHistory`. A month-long simulation starts
   * tens of thousands of executions and reads only counters, so it lets them go. @default true
   */
  keepFinishedHistories?: boolean;
}

interface PendingTask {
  request: TaskRequest;
  settled: boolean;
  /**
   * The call (Lambda invocation, service call) has not returned yet. A callback task whose call
   * returned waits for its token: its execution is waiting, not working, and must not keep a
   * simulation's `quiesce` from seeing calm.
   */
  calling: boolean;
}

interface Execution extends ExecutionDescription {
  machine: RegisteredStateMachine;
  /** The definition this execution runs: its version's, whatever its alias or state machine became since. */
  revision: Revision;
  history: ExecutionHistory;
  pendingTasks: Map<number, PendingTask>;
  /** The engine has reported the first state entered (see `onEngineEvent`). */
  enteredFirstState?: boolean;
}

const MAX_INPUT_BYTES = 256 * 1024;
/**
 * A closed execution's name stays taken for 90 days, as long as Step Functions keeps its history;
 * after that `StartExecution` may use it again.
 */
const NAME_REUSE_AFTER_MS = 90 * 24 * 3_600_000;

/**
 * Step Functions for the local runtime: the state machines the template declares, their executions
 * run by aws-local-stepfunctions in one engine thread on the runtime's (possibly sped-up) clock, with
 * Task states answered by the local Lambda functions, and a history shaped like Step Functions'.
 */
export class LocalStepFunctions {
  readonly clock: VirtualClock;
  private readonly machines: StateMachineRegistry;
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, { execution: Execution; task: PendingTask }>();
  private readonly drainWaiters: Array<() => void> = [];
  private readonly statusWaiters = new Map<
    number,
    (status: Extract<FromEngine, { type: 'status' }>) => void
  >();
  private nextStatusRequest = 1;
  private progressWaiters: Array<() => void> = [];
  /** Counted, not searched: every ending execution asks, and a simulation has tens of thousands. */
  private runningExecutions = 0;
  /** Task calls handed to the main thread and not answered yet, over every execution. */
  private tasksInFlight = 0;
  private heldStarts: Array<Extract<ToEngine, { type: 'start' }>> = [];
  private engine: Worker | undefined;
  private engineReady: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.clock = options.clock ?? createVirtualClock();
    this.machines = new StateMachineRegistry(this.clock);
    for (const machine of options.stateMachines ?? []) this.addStateMachine(machine);
    for (const version of options.stateMachineVersions ?? []) this.machines.addVersion(version);
    for (const alias of options.stateMachineAliases ?? []) this.machines.addAlias(alias);
    // Started now rather than at the first execution: at speed 3600 the thread's second of start-up
    // would otherwise show up as an hour between ExecutionStarted and the first state.
    this.engineThread();
  }

  /** Resolves once the engine thread has loaded; executions started before simply queue. */
  ready(): Promise<void> {
    return this.engineReady;
  }

  /** Registers a state machine; an invalid definition is refused here, not at its first execution. */
  addStateMachine(machine: LocalStateMachineDefinition): void {
    this.machines.add(machine);
  }

  listStateMachines(): StateMachineDescription[] {
    return this.machines.list().map((machine) => this.machines.describe(machine.arn));
  }

  /** A version ARN describes that version's definition. */
  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    return this.machines.describe(stateMachineArn);
  }

  /** The definition an execution runs, which may be an older version's than the state machine's. */
  describeStateMachineForExecution(executionArn: string): StateMachineDescription & { updateDate: number } {
    const { machine, revision } = this.execution(executionArn);
    return {
      name: machine.name,
      stateMachineArn: machine.arn,
      definition: revision.definitionText,
      roleArn: revision.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
      revisionId: revision.revisionId,
      updateDate: revision.creationDate,
    };
  }

  updateStateMachine(request: Parameters<StateMachineRegistry['update']>[0]) {
    return this.machines.update(request);
  }

  publishStateMachineVersion(request: Parameters<StateMachineRegistry['publish']>[0]) {
    return this.machines.publish(request);
  }

  listStateMachineVersions(stateMachineArn: string) {
    return this.machines.listVersions(stateMachineArn);
  }

  deleteStateMachineVersion(stateMachineVersionArn: string): void {
    this.machines.deleteVersion(stateMachineVersionArn);
  }

  createStateMachineAlias(request: Parameters<StateMachineRegistry['createAlias']>[0]) {
    return this.machines.createAlias(request);
  }

  updateStateMachineAlias(request: Parameters<StateMachineRegistry['updateAlias']>[0]) {
    return this.machines.updateAlias(request);
  }

  describeStateMachineAlias(stateMachineAliasArn: string): StateMachineAliasDescription {
    return this.machines.describeAlias(stateMachineAliasArn);
  }

  listStateMachineAliases(stateMachineArn: string) {
    return this.machines.listAliases(stateMachineArn);
  }

  deleteStateMachineAlias(stateMachineAliasArn: string): void {
    this.machines.deleteAlias(stateMachineAliasArn);
  }

  /**
   * Starts an execution of a state machine (its latest revision), of a version (`…:Name:3`) or of an
   * alias (`…:Name:live`, whichever version it routes this execution to). Names are de-duplicated as
   * for a Standard workflow: the same name with the same input while that execution runs returns it;
   * any other reuse of a name is `ExecutionAlreadyExists`, until 90 days after that execution closed.
   */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: number;
  } {
    if (this.closed) throw new Error('the local Step Functions service is closed');
    const machine = this.machines.machine(request.stateMachineArn);
    const name = requireExecutionName(request.name ?? randomUUID());
    const inputText = request.input ?? '{}';
    const input = parseExecutionInput(inputText);
    const target = this.machines.startTarget(request.stateMachineArn, name);
    const { revision } = target;
    const executionArn = executionArnOf(machine.arn, name);
    const existing = this.executions.get(executionArn);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      const reusable =
        existing.status !== 'RUNNING' && this.clock.now() - (existing.stopDate ?? 0) >= NAME_REUSE_AFTER_MS;
      if (!reusable) {
        throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      // Its history has expired, as it would have in AWS; the name now names the new execution.
      this.executions.delete(executionArn);
    }
    const startDate = this.clock.now();
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate,
      input: inputText,
      ...(target.stateMachineVersionArn !== undefined && {
        stateMachineVersionArn: target.stateMachineVersionArn,
      }),
      ...(target.stateMachineAliasArn !== undefined && { stateMachineAliasArn: target.stateMachineAliasArn }),
      machine,
      revision,
      history: new ExecutionHistory(),
      pendingTasks: new Map(),
    };
    this.executions.set(executionArn, execution);
    this.runningExecutions += 1;
    machine.stats.executionsStarted += 1;
    execution.history.add({
      type: 'ExecutionStarted',
      timestamp: startDate,
      details: {
        key: 'executionStartedEventDetails',
        value: {
          input: inputText,
          inputDetails: { truncated: false },
          roleArn: revision.roleArn,
          ...(target.stateMachineVersionArn !== undefined && {
            stateMachineVersionArn: target.stateMachineVersionArn,
          }),
          ...(target.stateMachineAliasArn !== undefined && {
            stateMachineAliasArn: target.stateMachineAliasArn,
          }),
        },
      },
    });
    const start: Extract<ToEngine, { type: 'start' }> = {
      type: 'start',
      executionArn,
      definition: revision.engineDefinition,
      input,
      tasks: revision.tasks,
      heartbeatSeconds: revision.heartbeatSeconds,
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          RoleArn: revision.roleArn,
          RedriveCount: 0,
          StartTime: new Date(startDate).toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    };
    if (this.options.holdStarts === true) this.heldStarts.push(start);
    else this.send(start);
    return { executionArn, startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return publicView(this.execution(executionArn));
  }

  /**
   * Newest first, as Step Functions lists them. A version ARN lists the executions that ran that
   * version (through an alias or not), an alias ARN those started on the alias.
   */
  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
  }): ExecutionDescription[] {
    const reference = parseStateMachineArn(request.stateMachineArn);
    const machine = this.machines.machine(request.stateMachineArn);
    const associated = (execution: Execution) => {
      if (reference.kind === 'version') return execution.stateMachineVersionArn === request.stateMachineArn;
      if (reference.kind === 'alias') return execution.stateMachineAliasArn === request.stateMachineArn;
      return true;
    };
    return [...this.executions.values()]
      .filter((execution) => execution.machine === machine && associated(execution))
      .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
      .sort((a, b) => b.startDate - a.startDate)
      .map(publicView);
  }

  getExecutionHistory(executionArn: string): readonly HistoryEventRecord[] {
    return this.execution(executionArn).history.events;
  }

  /** Stops a running execution (status ABORTED); stopping a finished one changes nothing. */
  stopExecution(request: { executionArn: string; error?: string; cause?: string }): { stopDate: number } {
    const execution = this.execution(request.executionArn);
    if (execution.status !== 'RUNNING') return { stopDate: execution.stopDate ?? execution.startDate };
    this.abort(execution, { error: request.error, cause: request.cause });
    return { stopDate: execution.stopDate as number };
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    const { execution, task } = this.waitingTask(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid State Machine Output: the output is not valid JSON.');
    }
    this.record(
      execution,
      callbackEntry('TaskSucceeded', this.clock.now(), 'taskSucceededEventDetails', {
        output,
        outputDetails: { truncated: false },
      }),
    );
    this.settle(execution, task, {
      type: 'task-result',
      requestId: task.request.requestId,
      ok: true,
      output: parsed,
    });
  }

  sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    const { execution, task } = this.waitingTask(taskToken);
    this.record(
      execution,
      callbackEntry('TaskFailed', this.clock.now(), 'taskFailedEventDetails', { error, cause }),
    );
    this.settle(execution, task, {
      type: 'task-result',
      requestId: task.request.requestId,
      ok: false,
      error,
      cause,
    });
  }

  /** Starts the task's `HeartbeatSeconds` again; the engine thread keeps the heartbeat timers. */
  sendTaskHeartbeat(taskToken: string): void {
    const { task } = this.waitingTask(taskToken);
    this.engine?.postMessage({ type: 'heartbeat', requestId: task.request.requestId } satisfies ToEngine);
  }

  /** Counters per state machine name, for cost estimates. */
  stats(): Record<string, StateMachineStats> {
    const running = (machine: RegisteredStateMachine) =>
      [...this.executions.values()].filter((e) => e.machine === machine && e.status === 'RUNNING').length;
    return Object.fromEntries(
      this.machines.list().map((machine) => [machine.name, { ...machine.stats, running: running(machine) }]),
    );
  }

  /** Resolves once no execution is running (an execution waiting for a task token is running). */
  drain(): Promise<void> {
    if (this.runningCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Whether every running execution is waiting, on a timer (a Wait state, a retry interval) or for a
   * task token, rather than working, and when the next timer comes due on manual time (a callback
   * task's TimeoutSeconds or HeartbeatSeconds included): what a simulation checks before it moves
   * the clock.
   */
  async activity(): Promise<{ busy: boolean; nextDeadline: number | undefined }> {
    const requestId = this.nextStatusRequest++;
    const status = await new Promise<Extract<FromEngine, { type: 'status' }>>((resolve) => {
      this.statusWaiters.set(requestId, resolve);
      this.send({ type: 'status', requestId });
    });
    return {
      busy: status.dueTimers > 0 || status.working > 0 || this.tasksInFlight > 0,
      nextDeadline: status.nextDeadline ?? undefined,
    };
  }

  /**
   * Lets the held executions begin, ordered by state machine and input rather than by arrival (which
   * is the machine's), and says how many there were.
   */
  releaseHeldStarts(): number {
    const held = this.heldStarts;
    this.heldStarts = [];
    const keyOf = (start: (typeof held)[number]) =>
      `${String((start.context.StateMachine as { Id: string }).Id)}\u0000${JSON.stringify(start.input)}`;
    held.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (const start of held) {
      if (this.executions.get(start.executionArn)?.status === 'RUNNING') this.send(start);
    }
    return held.length;
  }

  /** Aborts what is still running and stops the engine thread. */
  async close(): Promise<void> {
    this.closed = true;
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') {
        this.abort(execution, { cause: 'The local runtime shut down.' });
      }
    }
    const engine = this.engine;
    this.engine = undefined;
    await engine?.terminate();
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(requireExecutionArn(arn));
    if (execution === undefined) {
      throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    }
    return execution;
  }

  /**
   * The callback task a token belongs to. As in AWS, a token of a task that has closed (answered,
   * timed out, or its execution stopped or ended) is `TaskTimedOut`; tokens name their execution,
   * so that is known without keeping every closed token.
   */
  private waitingTask(taskToken: string): { execution: Execution; task: PendingTask } {
    if (taskToken === '') throw new SfnError('InvalidToken', 'Invalid Token: the task token is empty.');
    const waiting = this.tokens.get(taskToken);
    if (waiting !== undefined) return waiting;
    const executionArn = executionArnOfTaskToken(taskToken);
    if (executionArn !== undefined && this.executions.has(executionArn)) {
      throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private runningCount(): number {
    return this.runningExecutions;
  }

  private send(message: ToEngine): void {
    this.engineThread().postMessage(message);
  }

  private engineThread(): Worker {
    if (this.engine !== undefined) return this.engine;
    const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), {
      workerData: { clock: this.clock.parameters() } satisfies EngineWorkerData,
      // Like the function workers: the engine thread's modules are TypeScript.
      execArgv: typeScriptWorkerExecArgv(),
    });
    this.engineReady = new Promise((resolve, reject) => {
      worker.on('message', (message: FromEngine) => {
        if (message.type === 'ready') resolve();
        else this.onEngineMessage(message);
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`engine thread exited with ${code} before it was ready`)),
      );
    });
    // A failed start is reported through onEngineStopped; ready() callers see it too.
    this.engineReady.catch(() => undefined);
    worker.on('error', (error) => this.onEngineStopped(worker, error));
    worker.on('exit', (code) => this.onEngineStopped(worker, new Error(`engine thread exited with ${code}`)));
    this.engine = worker;
    return worker;
  }

  private onEngineStopped(worker: Worker, error: Error): void {
    if (this.engine !== worker) return;
    this.engine = undefined;
    (this.options.onError ?? ((e: unknown) => console.error('local step functions:', e)))(error);
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      this.fail(execution, 'States.Runtime', `The local Step Functions engine stopped: ${error.message}`);
    }
  }

  /**
   * Resolves when the engine next reports progress (a state, a task request, an execution ending), or
   * after `timeoutMs`: what a caller waiting for calm sleeps on instead of asking again and again.
   */
  nextProgress(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.progressWaiters = this.progressWaiters.filter((waiter) => waiter !== wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.progressWaiters.push(wake);
    });
  }

  private onEngineMessage(message: Exclude<FromEngine, { type: 'ready' }>): void {
    if (message.type !== 'status') for (const wake of [...this.progressWaiters]) wake();
    switch (message.type) {
      case 'event':
        this.onEngineEvent(message.executionArn, message.event);
        return;
      case 'task':
        this.onTaskRequest(message);
        return;
      case 'status':
        this.statusWaiters.get(message.requestId)?.(message);
        this.statusWaiters.delete(message.requestId);
        return;
      case 'finished': {
        const execution = this.executions.get(message.executionArn);
        // Normally the terminal event came first; this covers an engine that ended without one.
        if (execution?.status === 'RUNNING') {
          const { error, cause } = message.failure ?? { error: 'States.Runtime', cause: 'The engine ended.' };
          this.fail(execution, error, cause);
        }
        return;
      }
      default:
        assertUnreachable(message);
    }
  }

  private onEngineEvent(executionArn: string, event: EngineEvent): void {
    const execution = this.executions.get(executionArn);
    if (execution === undefined) return;
    const firstState = event.type === 'StateEntered' && execution.enteredFirstState !== true;
    if (firstState) execution.enteredFirstState = true;
    if (execution.status !== 'RUNNING') {
      // Events after a stop (the engine finishing its current state) are not part of the history. A
      // run stopped right after its start has entered its first state all the same (the engine starts
      // there at once); it is counted whichever of the two messages crossed the thread boundary first.
      if (firstState) execution.machine.stats.stateTransitions += 1;
      return;
    }
    if (event.type === 'StateEntered') execution.machine.stats.stateTransitions += 1;
    const timedOut = event.Error === 'States.Timeout' || event.Error === HEARTBEAT_TIMEOUT_ERROR;
    if (event.type === 'StateFailed' && event.state?.type === 'Task' && timedOut) {
      this.onTaskTimedOut(execution, event.state.name, event.Error ?? '', event.timestamp);
    }
    for (const entry of historyEntriesFor(event)) this.record(execution, entry);
    switch (event.type) {
      case 'ExecutionSucceeded':
        this.finish(execution, 'SUCCEEDED', event.timestamp, { output: json(event.output) });
        return;
      case 'ExecutionFailed':
        this.finish(execution, 'FAILED', event.timestamp, {
          error: event.Error ?? '',
          cause: causeText(event.Cause),
        });
        return;
      case 'ExecutionTimeout':
        this.finish(execution, 'TIMED_OUT', event.timestamp, { error: 'States.Timeout' });
        return;
    }
  }

  private onTaskRequest(request: TaskRequest): void {
    const execution = this.executions.get(request.executionArn);
    if (execution === undefined || execution.status !== 'RUNNING') {
      this.reply({
        type: 'task-result',
        requestId: request.requestId,
        ok: false,
        error: 'States.Runtime',
        cause: 'The execution is no longer running.',
        fatal: true,
      });
      return;
    }
    const task: PendingTask = { request, settled: false, calling: true };
    execution.pendingTasks.set(request.requestId, task);
    this.tasksInFlight += 1;
    execution.machine.stats.taskInvocations += 1;
    if (request.taskToken !== undefined) this.tokens.set(request.taskToken, { execution, task });
    const now = this.clock.now();
    const { integration } = request;
    if (integration.kind === 'lambda-function') {
      this.record(execution, {
        type: 'LambdaFunctionScheduled',
        timestamp: now,
        details: {
          key: 'lambdaFunctionScheduledEventDetails',
          value: {
            resource: integration.functionArn,
            input: json(request.payload),
            inputDetails: { truncated: false },
          },
        },
      });
      this.record(execution, { type: 'LambdaFunctionStarted', timestamp: now });
    } else {
      const resource = taskResource(request);
      this.record(execution, {
        type: 'TaskScheduled',
        timestamp: now,
        details: {
          key: 'taskScheduledEventDetails',
          value: {
            ...resource,
            region: regionOf(execution.stateMachineArn),
            parameters: JSON.stringify({ FunctionName: request.functionName, Payload: request.payload }),
          },
        },
      });
      this.record(execution, {
        type: 'TaskStarted',
        timestamp: now,
        details: { key: 'taskStartedEventDetails', value: resource },
      });
    }
    Promise.resolve()
      .then(() => this.call(request))
      .then(
        (result) => this.onInvoked(execution, task, result),
        (error: unknown) => this.onInvocationFailed(execution, task, error),
      );
  }

  private call(request: TaskRequest): Promise<unknown> {
    const { integration } = request;
    if (integration.kind !== 'service-call')
      return this.options.invokeFunction(request.functionName, request.payload);
    if (this.options.callService === undefined) {
      return Promise.reject(new Error(`no local endpoint for ${integration.service}:${integration.action}`));
    }
    return this.options
      .callService(integration.service, integration.action, request.payload)
      .catch((error: unknown) => {
        // As in AWS: `DynamoDB.ConditionalCheckFailedException` (optimised), `Sqs.QueueDoesNotExistException` (aws-sdk).
        const name = (error as Error).name ?? 'Error';
        const prefix = integration.optimized
          ? 'DynamoDB'
          : integration.service.replace(/^./, (c) => c.toUpperCase());
        throw Object.assign(new Error((error as Error).message), { errorName: `${prefix}.${name}` });
      });
  }

  private onInvoked(execution: Execution, task: PendingTask, result: unknown): void {
    if (task.settled) return;
    const { request } = task;
    const now = this.clock.now();
    if (request.integration.kind === 'service-call') {
      this.record(execution, {
        type: 'TaskSucceeded',
        timestamp: now,
        details: {
          key: 'taskSucceededEventDetails',
          value: { ...taskResource(request), output: json(result), outputDetails: { truncated: false } },
        },
      });
      this.settle(execution, task, {
        type: 'task-result',
        requestId: request.requestId,
        ok: true,
        output: result ?? null,
      });
      return;
    }
    if (request.integration.kind === 'lambda-function') {
      this.record(execution, {
        type: 'LambdaFunctionSucceeded',
        timestamp: now,
        details: {
          key: 'lambdaFunctionSucceededEventDetails',
          value: { output: json(result), outputDetails: { truncated: false } },
        },
      });
      this.settle(execution, task, {
        type: 'task-result',
        requestId: request.requestId,
        ok: true,
        output: result ?? null,
      });
      return;
    }
    const response = lambdaInvokeResult(result);
    const resource = taskResource(request);
    if (request.taskToken !== undefined) {
      // The task now waits for SendTaskSuccess/SendTaskFailure with its token: no longer in flight.
      task.calling = false;
      this.tasksInFlight -= 1;
      this.record(execution, {
        type: 'TaskSubmitted',
        timestamp: now,
        details: {
          key: 'taskSubmittedEventDetails',
          value: { ...resource, output: json(response), outputDetails: { truncated: false } },
        },
      });
      return;
    }
    this.record(execution, {
      type: 'TaskSucceeded',
      timestamp: now,
      details: {
        key: 'taskSucceededEventDetails',
        value: { ...resource, output: json(response), outputDetails: { truncated: false } },
      },
    });
    this.settle(execution, task, {
      type: 'task-result',
      requestId: request.requestId,
      ok: true,
      output: response,
    });
  }

  private onInvocationFailed(execution: Execution, task: PendingTask, thrown: unknown): void {
    if (task.settled) return;
    const { request } = task;
    const { error, cause } = lambdaTaskFailure(thrown);
    const now = this.clock.now();
    if (request.integration.kind === 'lambda-function') {
      this.record(execution, {
        type: 'LambdaFunctionFailed',
        timestamp: now,
        details: { key: 'lambdaFunctionFailedEventDetails', value: { error, cause } },
      });
    } else {
      this.record(execution, {
        type: 'TaskFailed',
        timestamp: now,
        details: { key: 'taskFailedEventDetails', value: { ...taskResource(request), error, cause } },
      });
    }
    this.settle(execution, task, {
      type: 'task-result',
      requestId: request.requestId,
      ok: false,
      error,
      cause,
    });
  }

  /**
   * The engine timed a task out (its TimeoutSeconds, or for a callback task its HeartbeatSeconds);
   * the oldest unsettled call of that state is the one that timed out.
   */
  private onTaskTimedOut(execution: Execution, stateName: string, error: string, timestamp: number): void {
    const task = [...execution.pendingTasks.values()].find(
      (pending) => pending.request.stateName === stateName,
    );
    if (task === undefined) return;
    const { request } = task;
    const details = { error, cause: '' };
    if (request.integration.kind === 'lambda-function') {
      this.record(execution, {
        type: 'LambdaFunctionTimedOut',
        timestamp,
        details: { key: 'lambdaFunctionTimedOutEventDetails', value: details },
      });
    } else {
      this.record(execution, {
        type: 'TaskTimedOut',
        timestamp,
        details: { key: 'taskTimedOutEventDetails', value: { ...taskResource(request), ...details } },
      });
    }
    this.settle(execution, task, {
      type: 'task-result',
      requestId: request.requestId,
      ok: false,
      ...details,
      fatal: true,
    });
  }

  private settle(execution: Execution, task: PendingTask, reply: TaskReply): void {
    task.settled = true;
    if (execution.pendingTasks.delete(task.request.requestId) && task.calling) this.tasksInFlight -= 1;
    task.calling = false;
    if (task.request.taskToken !== undefined) this.tokens.delete(task.request.taskToken);
    this.reply(reply);
  }

  private reply(reply: TaskReply): void {
    this.engine?.postMessage(reply satisfies ToEngine);
  }

  private record(execution: Execution, entry: HistoryEntry): void {
    execution.history.add(entry);
  }

  private abort(
    execution: Execution,
    reason: { error?: string | undefined; cause?: string | undefined },
  ): void {
    const stopDate = this.clock.now();
    this.record(execution, {
      type: 'ExecutionAborted',
      timestamp: stopDate,
      details: {
        key: 'executionAbortedEventDetails',
        value: {
          ...(reason.error !== undefined && { error: reason.error }),
          ...(reason.cause !== undefined && { cause: reason.cause }),
        },
      },
    });
    this.finish(execution, 'ABORTED', stopDate, {
      ...(reason.error !== undefined && { error: reason.error }),
      ...(reason.cause !== undefined && { cause: reason.cause }),
    });
    this.engine?.postMessage({ type: 'stop', executionArn: execution.executionArn } satisfies ToEngine);
  }

  private fail(execution: Execution, error: string, cause: string): void {
    const stopDate = this.clock.now();
    this.record(execution, {
      type: 'ExecutionFailed',
      timestamp: stopDate,
      details: { key: 'executionFailedEventDetails', value: { error, cause } },
    });
    this.finish(execution, 'FAILED', stopDate, { error, cause });
  }

  private finish(
    execution: Execution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    stopDate: number,
    result: Pick<ExecutionDescription, 'output' | 'error' | 'cause'>,
  ): void {
    if (execution.status === 'RUNNING') this.runningExecutions -= 1;
    Object.assign(execution, { status, stopDate }, result);
    if (this.options.keepFinishedHistories === false) execution.history = new ExecutionHistory();
    const { stats } = execution.machine;
    switch (status) {
      case 'SUCCEEDED':
        stats.succeeded += 1;
        break;
      case 'FAILED':
        stats.failed += 1;
        break;
      case 'TIMED_OUT':
        stats.timedOut += 1;
        break;
      case 'ABORTED':
        stats.aborted += 1;
        break;
      default:
        assertUnreachable(status);
    }
    // Branches still waiting (a Parallel branch when another failed) must not keep promises open.
    for (const task of [...execution.pendingTasks.values()]) {
      this.settle(execution, task, {
        type: 'task-result',
        requestId: task.request.requestId,
        ok: false,
        error: 'States.Runtime',
        cause: 'The execution has ended.',
        fatal: true,
      });
    }
    if (this.runningCount() === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}

function parseExecutionInput(text: string): unknown {
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new SfnError('InvalidExecutionInput', 'Invalid Execution Input: larger than 256 KB.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnError('InvalidExecutionInput', 'Invalid Execution Input: the input is not valid JSON.');
  }
}

function publicView(execution: Execution): ExecutionDescription {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } =
    execution;
  const { stateMachineVersionArn, stateMachineAliasArn } = execution;
  return {
    executionArn,
    stateMachineArn,
    name,
    status,
    startDate,
    input,
    ...(stopDate !== undefined && { stopDate }),
    ...(output !== undefined && { output }),
    ...(error !== undefined && { error }),
    ...(cause !== undefined && { cause }),
    ...(stateMachineVersionArn !== undefined && { stateMachineVersionArn }),
    ...(stateMachineAliasArn !== undefined && { stateMachineAliasArn }),
  };
}

function taskResource(request: TaskRequest): { resourceType: string; resource: string } {
  const { integration } = request;
  if (integration.kind === 'service-call') {
    return {
      resourceType: integration.optimized ? integration.service : `aws-sdk:${integration.service}`,
      resource: integration.action,
    };
  }
  return {
    resourceType: 'lambda',
    resource: request.taskToken === undefined ? 'invoke' : 'invoke.waitForTaskToken',
  };
}

function callbackEntry(
  type: 'TaskSucceeded' | 'TaskFailed',
  timestamp: number,
  key: 'taskSucceededEventDetails' | 'taskFailedEventDetails',
  value: Record<string, unknown>,
): HistoryEntry {
  return {
    type,
    timestamp,
    details: { key, value: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', ...value } },
  };
}
