/**
 * The event router's rule: an event that runs may wait for (`waitFor`) is kept in the customer's
 * partition for a while, then every run of the customer waiting for its type whose filter it passes
 * is resumed with its task token — at once, instead of polling. Writing the event before looking for
 * waiters (while a run writes its waiter before looking for events) means one of the two always sees
 * the other. Resuming twice is harmless: a task resumes once, later tokens are `gone`. The same
 * event then ends the runs whose goals it reaches (`run-goals.ts`).
 */
import type { CanonicalEvent } from '#events/schemas.ts';
import { type Condition, evaluate } from '#journeys/definition/conditions.ts';
import { erasedSince } from '#profiles/domain/erasure.ts';
import { identityKeys } from '#profiles/domain/identity.ts';
import type { ErasureLog, ProfileStore } from '#profiles/domain/ports.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { nodeAnswer } from './contract.ts';
import { nextWaitTallyOf } from './flow-counts.ts';
import type { RunGoal, TaskResumer } from './ports.ts';
import { endRunsReaching, type GoalDependencies } from './run-goals.ts';

export interface ResumeDependencies extends GoalDependencies {
  profiles: ProfileStore;
  erasures: ErasureLog;
  resumer: TaskResumer;
}

export async function resumeWaitingRuns(
  deps: ResumeDependencies,
  event: CanonicalEvent,
): Promise<{ resumed: number; gone: number; ended: RunGoal[] }> {
  const [strongest] = identityKeys(event.identity);
  if (strongest === undefined) return { resumed: 0, gone: 0, ended: [] };
  const resolved = await resolveProfile(deps.profiles, event.storeId, strongest);
  // A replayed event of someone erased since: no run of theirs is left, and nothing is kept.
  if (await erasedSince(deps.erasures, event, resolved.stored?.profile))
    return { resumed: 0, gone: 0, ended: [] };
  const customer = { storeId: event.storeId, customerKey: resolved.key };
  const occurredAt = new Date(event.occurredAt).toISOString();
  await deps.runs.recordSeenEvent(customer, { id: event.id, type: event.type, occurredAt, data: event.data });
  let resumed = 0;
  let gone = 0;
  for (const waiter of await deps.runs.listWaiters(customer, event.type)) {
    if (occurredAt < waiter.since) continue;
    const context = { now: deps.now(), event, subject: waiter.subject };
    if (waiter.where !== undefined && !evaluate(waiter.where as Condition, context)) continue;
    const outcome = await deps.resumer.resume(waiter.taskToken, nodeAnswer.continue('event'));
    if (outcome === 'resumed') {
      resumed += 1;
      if (waiter.node !== undefined)
        await deps.flow.stopWaiting(event.storeId, waiter.journey, waiter.node, waiter.expiresAt, event.id);
      const now = deps.now();
      const next = nextWaitTallyOf(nodeAnswer.continue('event'), waiter.nextWait, now);
      if (next !== undefined) await deps.flow.add(event.storeId, waiter.journey, now, next, event.id);
    } else gone += 1;
    await deps.runs.deleteWaiter(customer, waiter);
  }
  // Goals too: the event is recorded as seen above, before the goals are read.
  const ended = await endRunsReaching(deps, customer, { ...event, occurredAt });
  return { resumed, gone, ended };
}
