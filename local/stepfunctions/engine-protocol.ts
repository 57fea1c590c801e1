/** Messages between the Step Functions service (main thread) and its engine worker thread. */
import type { VirtualClockParameters } from '#local/clock/virtual-clock.ts';
import type { TaskIntegration } from './task-resources.ts';

export interface EngineWorkerData {
  clock: VirtualClockParameters;
}

/** An event as aws-local-stepfunctions logs it (its `EventLog` type is not exported). */
export interface EngineEvent {
  type: string;
  /** Virtual epoch milliseconds: the engine thread's `Date` is virtual. */
  timestamp: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  parentState?: { name: string; type: string; input: unknown };
  index?: number;
}

export type ToEngine =
  | {
      type: 'start';
      executionArn: string;
      definition: unknown;
      input: unknown;
      /** The context object ($$) apart from what the engine fills in itself. */
      context: Record<string, unknown>;
      tasks: Record<string, TaskIntegration>;
      /** Callback task states with `HeartbeatSeconds`, by state name: the engine thread times them out. */
      heartbeatSeconds: Record<string, number>;
    }
  | { type: 'stop'; executionArn: string }
  /** `SendTaskHeartbeat` for the callback task of this request: its heartbeat time starts again. */
  | { type: 'heartbeat'; requestId: number }
  /** Asks what the engine waits for; answered after every earlier message has been handled. */
  | { type: 'status'; requestId: number }
  | TaskReply;

export type TaskReply =
  | { type: 'task-result'; requestId: number; ok: true; output: unknown }
  | {
      type: 'task-result';
      requestId: number;
      ok: false;
      error: string;
      cause: string;
      /** States.Runtime-like failures cannot be retried or caught, as in AWS. */
      fatal?: boolean;
    };

export interface TaskRequest {
  type: 'task';
  requestId: number;
  executionArn: string;
  stateName: string;
  integration: TaskIntegration;
  functionName: string;
  payload: unknown;
  /** For `.waitForTaskToken`: the token found in the task's parameters. */
  taskToken?: string;
}

export type FromEngine =
  | { type: 'ready' }
  | { type: 'event'; executionArn: string; event: EngineEvent }
  | TaskRequest
  | { type: 'finished'; executionArn: string; failure?: { error: string; cause: string } }
  | {
      type: 'status';
      requestId: number;
      /** Timers already due (Wait states, retry intervals) that have not run yet. */
      dueTimers: number;
      /** On manual time: when the next Wait or retry comes due (virtual epoch ms). */
      nextDeadline: number | null;
      /** On manual time: running executions waiting neither on a task nor on a timer, i.e. working. */
      working: number;
    };
