import type { CanonicalEvent } from '#events/schemas.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import type { FlowCounts, FlowTally } from './flow-counts.ts';

/** The newest trigger of a journey's subject: with `supersede`, an older run of the subject ends. */
export interface LatestTrigger {
  id: string;
  occurredAt: string;
}

/** A run waiting in a `waitFor` node for an event of the customer's. */
export interface Waiter {
  eventType: string;
  journey: string;
  /** The `waitFor` node; absent on waiters saved before the flow view counted them. */
  node?: string;
  /** The fixed wait the run goes on to once resumed, for the flow view. */
  nextWait?: { node: string; seconds: number };
  subjectKey: string;
  /** The node's filter on the event, with `$subject` already known. */
  where?: unknown;
  subject: string;
  since: string;
  taskToken: string;
  expiresAt: string;
}

/**
 * A goal on events of a running journey (`exitWhen`), kept per event type in the customer's partition
 * so that a matching event stops the run at once instead of at its next step.
 */
export interface RunGoal {
  eventType: string;
  journey: string;
  subjectKey: string;
  /** The goal's filter on the event; `$subject` is the run's subject. */
  where?: unknown;
  /** The exit reason. */
  as: string;
  executionArn: string;
  /** The trigger's time: events of the trigger's own type count after it, others from it on. */
  since: string;
  triggerType: string;
  /** Every event type the run has goals on, so ending it removes them all. */
  eventTypes: string[];
  expiresAt: string;
}

/** An event of the customer's that a run may wait for, kept a while so a run that starts waiting late still sees it. */
export interface SeenEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

/** What the journey runs keep beside the messaging records, in the customer's partition. */
export interface RunStore {
  /**
   * Records the trigger as the subject's newest unless a newer one is known; answers which is newest
   * and, when this trigger took over, the one it replaced.
   */
  recordLatestTrigger(
    storeId: string,
    journey: string,
    subjectKey: string,
    trigger: LatestTrigger,
  ): Promise<{ latest: LatestTrigger; replaced?: LatestTrigger }>;
  findLatestTrigger(storeId: string, journey: string, subjectKey: string): Promise<LatestTrigger | undefined>;
  saveWaiter(customer: CustomerRef, waiter: Waiter): Promise<void>;
  listWaiters(customer: CustomerRef, eventType: string): Promise<Waiter[]>;
  deleteWaiter(
    customer: CustomerRef,
    waiter: Pick<Waiter, 'eventType' | 'journey' | 'subjectKey'>,
  ): Promise<void>;
  /**
   * Notes a run in its customer's partition as it enters, so erasing the customer finds and stops
   * every run of theirs, goals or none. Kept as long as goals are; writing it again changes nothing.
   */
  recordRun(customer: CustomerRef, journey: string, executionArn: string, at: string): Promise<void>;
  /**
   * Claims the one end of a run (its exit at a step, or a goal's stop between steps), so that a
   * goal reached while a step answers counts the run's end once. `taken`: the other one ended it.
   */
  claimRunEnd(
    customer: CustomerRef,
    journey: string,
    runId: string,
    at: string,
  ): Promise<'claimed' | 'taken'>;
  saveGoals(customer: CustomerRef, goals: readonly RunGoal[]): Promise<void>;
  listGoals(customer: CustomerRef, eventType: string): Promise<RunGoal[]>;
  /** Removes a run's goals, of every event type it had them on. */
  deleteGoals(
    customer: CustomerRef,
    goal: Pick<RunGoal, 'eventTypes' | 'journey' | 'subjectKey'>,
  ): Promise<void>;
  recordSeenEvent(customer: CustomerRef, event: SeenEvent): Promise<void>;
  listSeenEvents(customer: CustomerRef, eventType: string, since: string): Promise<SeenEvent[]>;
}

/** Stops a run (Step Functions' StopExecution). */
export interface RunStopper {
  /** `gone`: the run already ended. */
  stop(executionArn: string, cause: string): Promise<'stopped' | 'gone'>;
}

/** Resumes a task that waits for a token (Step Functions' SendTaskSuccess). */
export interface TaskResumer {
  /** `gone`: the task already ended (resumed by someone else, timed out, or its run stopped). */
  resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
  /** Fails the task with an error its state catches (Step Functions' SendTaskFailure); `gone` as above. */
  fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'>;
}

/** The flow view's counters (see `flow-counts.ts`), per store, journey and day. */
export interface FlowCounter {
  /** Adds one to each counter of the tally on the day of `at`; `shardKey` spreads one node's writes. */
  add(storeId: string, journey: string, at: Date, tally: FlowTally, shardKey: string): Promise<void>;
  /** A run left a node before its wait ended (a `waitFor` resumed by its event). */
  stopWaiting(storeId: string, journey: string, node: string, until: string, shardKey: string): Promise<void>;
  /** The winner declared for the experiment at `node`, if any. */
  findWinner(storeId: string, journey: string, node: string): Promise<string | undefined>;
  /** Records the winner unless one is recorded; returns the one that stands. */
  declareWinner(
    storeId: string,
    journey: string,
    node: string,
    decision: { winner: string; reason: string; at: string },
  ): Promise<string>;
  /** The counts of the days from `from` to `to`, and the runs waiting at each node at `now`. */
  read(
    storeId: string,
    journey: string,
    span: { from: Date; to: Date; now: Date },
  ): Promise<{ counts: FlowCounts; waiting: Record<string, number> }>;
}

export type { CanonicalEvent };
