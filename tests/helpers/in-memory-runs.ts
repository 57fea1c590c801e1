import { addFlowCounts, type FlowCounts, type FlowTally } from '#journeys/step/flow-counts.ts';
import type {
  FlowCounter,
  LatestTrigger,
  RunGoal,
  RunStopper,
  RunStore,
  SeenEvent,
  TaskResumer,
  Waiter,
} from '#journeys/step/ports.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';

const ref = ({ storeId, customerKey }: CustomerRef) => `${storeId}#${customerKey}`;

/** The journey runs' records in memory, with the DynamoDB adapter's rules (newest trigger by time, then id). */
export class InMemoryRunStore implements RunStore {
  readonly latest = new Map<string, LatestTrigger>();
  readonly waiters = new Map<string, Waiter>();
  readonly seen = new Map<string, SeenEvent[]>();
  readonly goals = new Map<string, RunGoal>();

  async recordLatestTrigger(storeId: string, journey: string, subjectKey: string, trigger: LatestTrigger) {
    const key = `${storeId}#${journey}#${subjectKey}`;
    const known = this.latest.get(key);
    const newer =
      known === undefined ||
      known.occurredAt < trigger.occurredAt ||
      (known.occurredAt === trigger.occurredAt && known.id <= trigger.id);
    if (!newer) return { latest: known };
    this.latest.set(key, trigger);
    return known === undefined || known.id === trigger.id
      ? { latest: trigger }
      : { latest: trigger, replaced: known };
  }

  async findLatestTrigger(storeId: string, journey: string, subjectKey: string) {
    return this.latest.get(`${storeId}#${journey}#${subjectKey}`);
  }

  async saveWaiter(customer: CustomerRef, waiter: Waiter) {
    this.waiters.set(`${ref(customer)}#${waiter.eventType}#${waiter.journey}#${waiter.subjectKey}`, waiter);
  }

  async listWaiters(customer: CustomerRef, eventType: string) {
    const prefix = `${ref(customer)}#${eventType}#`;
    return [...this.waiters.entries()].filter(([key]) => key.startsWith(prefix)).map(([, waiter]) => waiter);
  }

  async deleteWaiter(customer: CustomerRef, waiter: Pick<Waiter, 'eventType' | 'journey' | 'subjectKey'>) {
    this.waiters.delete(`${ref(customer)}#${waiter.eventType}#${waiter.journey}#${waiter.subjectKey}`);
  }

  readonly runEnds = new Set<string>();

  /** Runs noted at entry, by customer. */
  readonly runsOf = new Map<string, Set<string>>();

  async recordRun(customer: CustomerRef, _journey: string, executionArn: string, _at: string) {
    const runs = this.runsOf.get(ref(customer)) ?? new Set<string>();
    runs.add(executionArn);
    this.runsOf.set(ref(customer), runs);
  }

  async claimRunEnd(customer: CustomerRef, journey: string, runId: string, _at?: string) {
    const key = `${ref(customer)}#${journey}#${runId}`;
    if (this.runEnds.has(key)) return 'taken' as const;
    this.runEnds.add(key);
    return 'claimed' as const;
  }

  async saveGoals(customer: CustomerRef, goals: readonly RunGoal[]) {
    for (const goal of goals)
      this.goals.set(`${ref(customer)}#${goal.eventType}#${goal.journey}#${goal.subjectKey}`, goal);
  }

  async listGoals(customer: CustomerRef, eventType: string) {
    const prefix = `${ref(customer)}#${eventType}#`;
    return [...this.goals.entries()].filter(([key]) => key.startsWith(prefix)).map(([, goal]) => goal);
  }

  async deleteGoals(customer: CustomerRef, goal: Pick<RunGoal, 'eventTypes' | 'journey' | 'subjectKey'>) {
    for (const eventType of goal.eventTypes)
      this.goals.delete(`${ref(customer)}#${eventType}#${goal.journey}#${goal.subjectKey}`);
  }

  async recordSeenEvent(customer: CustomerRef, event: SeenEvent) {
    const key = `${ref(customer)}#${event.type}`;
    this.seen.set(key, [...(this.seen.get(key) ?? []), event]);
  }

  async listSeenEvents(customer: CustomerRef, eventType: string, since: string) {
    return (this.seen.get(`${ref(customer)}#${eventType}`) ?? []).filter(
      (event) => event.occurredAt >= since,
    );
  }
}

/** Records StopExecution calls on the runs it was told are running; a run stops once. */
export class RecordingStopper implements RunStopper {
  readonly running = new Set<string>();
  readonly stopped: Array<{ executionArn: string; cause: string }> = [];

  async stop(executionArn: string, cause: string) {
    if (!this.running.delete(executionArn)) return 'gone' as const;
    this.stopped.push({ executionArn, cause });
    return 'stopped' as const;
  }
}

/** Records SendTaskSuccess calls; a token resumes once, as in Step Functions. */
export class RecordingResumer implements TaskResumer {
  readonly resumed: Array<{ taskToken: string; output: unknown }> = [];

  async resume(taskToken: string, output: unknown) {
    if (this.resumed.some((call) => call.taskToken === taskToken)) return 'gone' as const;
    this.resumed.push({ taskToken, output });
    return 'resumed' as const;
  }

  readonly failed: Array<{ taskToken: string; error: string; cause: string }> = [];

  async fail(taskToken: string, error: string, cause: string) {
    if ([...this.resumed, ...this.failed].some((call) => call.taskToken === taskToken))
      return 'gone' as const;
    this.failed.push({ taskToken, error, cause });
    return 'failed' as const;
  }
}

/** The flow view's counters, kept as the DynamoDB adapter keeps them: per day, and waits by their end. */
export class InMemoryFlowCounter implements FlowCounter {
  readonly days = new Map<string, FlowCounts>();
  readonly waits: Array<{ key: string; node: string; until: string; change: number }> = [];

  async add(storeId: string, journey: string, at: Date, tally: FlowTally, _shardKey?: string): Promise<void> {
    const key = `${storeId}#${journey}#${at.toISOString().slice(0, 10)}`;
    const counts = this.days.get(key) ?? {};
    for (const name of tally.names) addFlowCounts(counts, tally.node, name, 1);
    for (const [name, amount] of Object.entries(tally.amounts ?? {}))
      addFlowCounts(counts, tally.node, name, amount);
    this.days.set(key, counts);
    if (tally.waitingUntil !== undefined)
      this.waits.push({
        key: `${storeId}#${journey}`,
        node: tally.node,
        until: tally.waitingUntil,
        change: 1,
      });
  }

  readonly winners = new Map<string, { winner: string; reason: string; at: string }>();
  reads = 0;

  async findWinner(storeId: string, journey: string, node: string) {
    return this.winners.get(`${storeId}#${journey}#${node}`)?.winner;
  }

  async declareWinner(
    storeId: string,
    journey: string,
    node: string,
    decision: { winner: string; reason: string; at: string },
  ) {
    const key = `${storeId}#${journey}#${node}`;
    if (!this.winners.has(key)) this.winners.set(key, decision);
    return (this.winners.get(key) as { winner: string }).winner;
  }

  async stopWaiting(storeId: string, journey: string, node: string, until: string): Promise<void> {
    this.waits.push({ key: `${storeId}#${journey}`, node, until, change: -1 });
  }

  async read(storeId: string, journey: string, span: { from: Date; to: Date; now: Date }) {
    this.reads += 1;
    const counts: FlowCounts = {};
    const [from, to] = [span.from, span.to].map((at) => at.toISOString().slice(0, 10)) as [string, string];
    for (const [key, day] of this.days) {
      const date = key.slice(key.lastIndexOf('#') + 1);
      if (!key.startsWith(`${storeId}#${journey}#`) || date < from || date > to) continue;
      for (const [node, names] of Object.entries(day))
        for (const [name, count] of Object.entries(names)) addFlowCounts(counts, node, name, count);
    }
    const waiting: Record<string, number> = {};
    for (const wait of this.waits) {
      if (wait.key === `${storeId}#${journey}` && wait.until > span.now.toISOString())
        waiting[wait.node] = (waiting[wait.node] ?? 0) + wait.change;
    }
    for (const [node, count] of Object.entries(waiting)) if (count <= 0) delete waiting[node];
    return { counts, waiting };
  }
}
