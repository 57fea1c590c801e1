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
}

type JsonObject = Record<string, unknown>;

/** Task timeouts are unlimited in AWS unless set (the engine's own default is 60 s). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

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
    tasks.push({ name, resource, integration: taskIntegrationOf(resource) });
  });
  return tasks;
}

/**
 * The definition the engine thread runs. Its timers run at the clock's speed, which is right for
 * waits and retry intervals but not for a synchronous Lambda call, which takes real time: such a
 * task's timeout is multiplied by the speed so it still means real seconds. Callback tasks
 * (`.waitForTaskToken`) wait for someone else, so their timeout stays virtual. Tasks without a
 * timeout get AWS's default instead of the engine's 60 s.
 */
export function prepareEngineDefinition<T>(definition: T, speed: number): T {
  const copy = structuredClone(definition);
  forEachState(copy, (_, state) => {
    if (state.Type !== 'Task' || state.TimeoutSecondsPath !== undefined) return;
    const integration = taskIntegrationOf(String(state.Resource ?? ''));
    const seconds =
      typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    const waitsInVirtualTime = integration.kind === 'lambda-invoke' && integration.waitForTaskToken;
    state.TimeoutSeconds = waitsInVirtualTime ? seconds : Math.ceil(seconds * speed);
  });
  return copy;
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
