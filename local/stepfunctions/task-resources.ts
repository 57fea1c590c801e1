/**
 * Which Task states the local engine can run, and how: the optimised Lambda integration
 * (`arn:aws:states:::lambda:invoke`, optionally `.waitForTaskToken`), plain Lambda function ARNs,
 * the optimised DynamoDB item integrations and `aws-sdk:*` calls.
 * Anything else fails the task with `States.Runtime` instead of letting the engine call real AWS.
 */
export type TaskIntegration =
  | { kind: 'lambda-invoke'; waitForTaskToken: boolean }
  | { kind: 'lambda-function'; functionArn: string }
  /** `dynamodb:getItem` (optimised) or `aws-sdk:<service>:<action>`: the AWS API call, made against the local endpoint. */
  | { kind: 'service-call'; service: string; action: string; optimized: boolean }
  | { kind: 'unsupported'; resource: string };

export interface TaskState {
  name: string;
  resource: string;
  integration: TaskIntegration;
  /**
   * For callback tasks (`.waitForTaskToken`): the longest virtual time between the task's start or
   * its last `SendTaskHeartbeat` and the next. The engine has no heartbeats; the engine thread keeps them.
   */
  heartbeatSeconds?: number;
}

type JsonObject = Record<string, unknown>;

/** Task timeouts are unlimited in AWS unless set (the engine's own default is 60 s). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/**
 * The error a callback task fails with when its heartbeats stop. In AWS a Retry or Catch on
 * `States.Timeout` matches it as well as one on `States.HeartbeatTimeout`, and `States.TaskFailed`
 * matches neither; see `prepareEngineDefinition` for how the engine is made to agree.
 */
export const HEARTBEAT_TIMEOUT_ERROR = 'States.HeartbeatTimeout';
const TIMEOUT_ERROR = 'States.Timeout';

const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_FUNCTION = /^arn:[\w-]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;

const DYNAMODB_OPTIMIZED = /^arn:[\w-]+:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/;
const AWS_SDK = /^arn:[\w-]+:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/;

export function taskIntegrationOf(resource: string): TaskIntegration {
  const invoke = LAMBDA_INVOKE.exec(resource);
  if (invoke !== null) return { kind: 'lambda-invoke', waitForTaskToken: invoke[1] !== undefined };
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'lambda-function', functionArn: resource };
  const dynamodb = DYNAMODB_OPTIMIZED.exec(resource);
  if (dynamodb !== null)
    return { kind: 'service-call', service: 'dynamodb', action: dynamodb[1] as string, optimized: true };
  const sdk = AWS_SDK.exec(resource);
  if (sdk !== null)
    return { kind: 'service-call', service: sdk[1] as string, action: sdk[2] as string, optimized: false };
  return { kind: 'unsupported', resource };
}

/** Every Task state, including those inside Parallel branches and Map iterators (names are unique). */
export function findTaskStates(definition: unknown): TaskState[] {
  const tasks: TaskState[] = [];
  forEachState(definition, (name, state) => {
    if (state.Type !== 'Task') return;
    const resource = String(state.Resource ?? '');
    const integration = taskIntegrationOf(resource);
    if (state.HeartbeatSecondsPath !== undefined) {
      // Refused rather than ignored: a task whose heartbeats are not watched would wait for ever locally.
      throw new Error(
        `Task ${name}: the local runtime does not support HeartbeatSecondsPath; use HeartbeatSeconds`,
      );
    }
    const heartbeatSeconds =
      isCallback(integration) && typeof state.HeartbeatSeconds === 'number'
        ? state.HeartbeatSeconds
        : undefined;
    tasks.push({ name, resource, integration, ...(heartbeatSeconds !== undefined && { heartbeatSeconds }) });
  });
  return tasks;
}

/**
 * The definition the engine thread runs. Its timers run at the clock's speed, which is right for
 * waits and retry intervals but not for a synchronous Lambda call, which takes real time: such a
 * task's timeout is multiplied by the speed so it still means real seconds. Callback tasks
 * (`.waitForTaskToken`) wait for someone else, so their timeout stays virtual. Tasks without a
 * timeout get AWS's default instead of the engine's 60 s.
 *
 * A callback task with `HeartbeatSeconds` fails with `States.HeartbeatTimeout` when its heartbeats
 * stop (the engine thread raises it as the engine's own timeout error, so `States.TaskFailed` does not
 * match it). The engine matches error names exactly, so each of that task's retriers and catchers
 * that names `States.Timeout` is given `States.HeartbeatTimeout` too, as AWS's `States.Timeout`
 * covers both.
 */
export function prepareEngineDefinition<T>(definition: T, speed: number): T {
  const copy = structuredClone(definition);
  forEachState(copy, (_, state) => {
    if (state.Type !== 'Task') return;
    const integration = taskIntegrationOf(String(state.Resource ?? ''));
    if (isCallback(integration) && typeof state.HeartbeatSeconds === 'number') {
      for (const handler of [state.Retry, state.Catch].flatMap((list) => (Array.isArray(list) ? list : []))) {
        const errors = isObject(handler) && Array.isArray(handler.ErrorEquals) ? handler.ErrorEquals : [];
        if (errors.includes(TIMEOUT_ERROR) && !errors.includes(HEARTBEAT_TIMEOUT_ERROR)) {
          errors.push(HEARTBEAT_TIMEOUT_ERROR);
        }
      }
    }
    if (state.TimeoutSecondsPath !== undefined) return;
    const seconds =
      typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    state.TimeoutSeconds = isCallback(integration) ? seconds : Math.ceil(seconds * speed);
  });
  return copy;
}

/** A task that waits for `SendTaskSuccess`/`SendTaskFailure` after its call returned. */
function isCallback(integration: TaskIntegration): boolean {
  return integration.kind === 'lambda-invoke' && integration.waitForTaskToken;
}

function forEachState(definition: unknown, visit: (name: string, state: JsonObject) => void): void {
  if (!isObject(definition) || !isObject(definition.States)) return;
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isObject(state)) continue;
    visit(name, state);
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) forEachState(branch, visit);
    forEachState(state.ItemProcessor, visit);
    forEachState(state.Iterator, visit);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
