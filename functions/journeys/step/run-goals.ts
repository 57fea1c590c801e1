/**
 * A journey's goals on events (`exitWhen: { event, where, as }`) end its run at once: the entry
 * function keeps each run's goals in the customer's partition, and the event router stops the run
 * when a matching event arrives (StopExecution: no further step, no further transition). Keeping
 * the goals before looking at the events already seen (while the router records an event before
 * looking for goals) means one of the two always sees the other, as for `waitFor`. Every step still
 * checks the goals too, so a goal the router missed ends the run at its next step as before.
 */
import { type Condition, evaluate } from '#journeys/definition/conditions.ts';
import type { CustomerRef, MessagingStore } from '#messaging/domain/ports.ts';
import type { JourneyMeta } from './contract.ts';
import type { ExitGoal } from './exit-goals.ts';
import type { FlowCounter, RunGoal, RunStopper, RunStore } from './ports.ts';

/**
 * The flow view's node and the metrics' step for runs ended between steps: by a goal's event, or
 * by a newer trigger of the same subject (`supersede`).
 */
export const GOAL_NODE = 'goal';
/** Longer than any shipped journey runs; a run outliving its goals still checks them at each step. */
const GOALS_TTL_DAYS = 90;
const DAY_MS = 86_400_000;

export interface GoalDependencies {
  runs: RunStore;
  stopper: RunStopper;
  messaging: Pick<MessagingStore, 'recordExit'>;
  flow: FlowCounter;
  now(): Date;
}

/** The goals on events of one run, as they are kept while it runs. */
export function runGoalsOf(
  journey: Pick<JourneyMeta, 'id' | 'exitWhen'>,
  trigger: { type: string; occurredAt: string },
  subjectKey: string,
  executionArn: string,
  now: Date,
): RunGoal[] {
  const goals = (journey.exitWhen as ExitGoal[]).flatMap((goal) => ('event' in goal ? [goal] : []));
  const eventTypes = [...new Set(goals.map((goal) => goal.event))];
  return goals.map((goal) => ({
    eventType: goal.event,
    journey: journey.id,
    subjectKey,
    ...(goal.where !== undefined && { where: goal.where }),
    as: goal.as,
    executionArn,
    since: new Date(trigger.occurredAt).toISOString(),
    triggerType: trigger.type,
    eventTypes,
    expiresAt: new Date(now.getTime() + GOALS_TTL_DAYS * DAY_MS).toISOString(),
  }));
}

/**
 * Keeps a new run's goals, then ends the run if an event seen already reaches one (it arrived while
 * the run was being started). Returns the goal that ended it, if one did.
 */
export async function watchGoals(
  deps: GoalDependencies,
  customer: CustomerRef,
  goals: readonly RunGoal[],
): Promise<RunGoal | undefined> {
  if (goals.length === 0) return undefined;
  await deps.runs.saveGoals(customer, goals);
  for (const goal of goals) {
    const seen = await deps.runs.listSeenEvents(customer, goal.eventType, goal.since);
    if (seen.some((event) => reaches(goal, event, deps.now()))) {
      return (await endRun(deps, customer, goal)) ? goal : undefined;
    }
  }
  return undefined;
}

/** Ends every run of the customer whose goal the event reaches; returns the goals that ended one. */
export async function endRunsReaching(
  deps: GoalDependencies,
  customer: CustomerRef,
  event: { id: string; type: string; occurredAt: string; data: unknown },
): Promise<RunGoal[]> {
  const ended: RunGoal[] = [];
  for (const goal of await deps.runs.listGoals(customer, event.type)) {
    if (reaches(goal, event, deps.now()) && (await endRun(deps, customer, goal))) ended.push(goal);
  }
  return ended;
}

/** An event of the trigger's own type counts only after the trigger, one of another type from it on. */
function reaches(
  goal: RunGoal,
  event: { type: string; occurredAt: string; data: unknown },
  now: Date,
): boolean {
  const at = new Date(event.occurredAt).toISOString();
  if (goal.eventType === goal.triggerType ? at <= goal.since : at < goal.since) return false;
  return (
    goal.where === undefined ||
    evaluate(goal.where as Condition, {
      now,
      event: { type: event.type, data: event.data as Record<string, unknown> },
      subject: goal.subjectKey,
    })
  );
}

async function endRun(deps: GoalDependencies, customer: CustomerRef, goal: RunGoal): Promise<boolean> {
  const stopped = await stopRun(deps, customer, goal, goal.as);
  await deps.runs.deleteGoals(customer, goal);
  return stopped;
}

/** A run to stop between its steps. */
export interface RunToStop {
  journey: string;
  subjectKey: string;
  executionArn: string;
}

/** A superseded run is no end of its subject's journey (the newer run goes on): not in the customer's story. */
export const SUPERSEDED = 'superseded';

/**
 * Stops a run between its steps and counts its end at the `goal` node, once: false when it had
 * already ended, or a step answering at that moment ended it first.
 */
export async function stopRun(
  deps: GoalDependencies,
  customer: CustomerRef,
  run: RunToStop,
  reason: string,
): Promise<boolean> {
  if ((await deps.stopper.stop(run.executionArn, reason)) === 'gone') return false;
  const now = deps.now();
  const claimed = await deps.runs.claimRunEnd(customer, run.journey, run.executionArn, now.toISOString());
  if (claimed === 'taken') return false;
  if (reason !== SUPERSEDED) {
    await deps.messaging.recordExit(customer, {
      journey: run.journey,
      subjectKey: run.subjectKey,
      step: GOAL_NODE,
      reason,
      at: now.toISOString(),
    });
  }
  await deps.flow.add(
    customer.storeId,
    run.journey,
    now,
    { node: GOAL_NODE, names: [`exited:${reason}`] },
    run.executionArn,
  );
  return true;
}
