import type { LatestTrigger, RunStore, SeenEvent, TaskResumer, Waiter } from '#journeys/step/ports.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';

const ref = ({ storeId, customerKey }: CustomerRef) => `${storeId}#${customerKey}`;

/** The journey runs' records in memory, with the DynamoDB adapter's rules (newest trigger by time, then id). */
export class InMemoryRunStore implements RunStore {
  readonly latest = new Map<string, LatestTrigger>();
  readonly waiters = new Map<string, Waiter>();
  readonly seen = new Map<string, SeenEvent[]>();

  async recordLatestTrigger(storeId: string, journey: string, subjectKey: string, trigger: LatestTrigger) {
    const key = `${storeId}#${journey}#${subjectKey}`;
    const known = this.latest.get(key);
    const newer =
      known === undefined ||
      known.occurredAt < trigger.occurredAt ||
      (known.occurredAt === trigger.occurredAt && known.id <= trigger.id);
    if (newer) this.latest.set(key, trigger);
    return this.latest.get(key) as LatestTrigger;
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

/** Records SendTaskSuccess calls; a token resumes once, as in Step Functions. */
export class RecordingResumer implements TaskResumer {
  readonly resumed: Array<{ taskToken: string; output: unknown }> = [];

  async resume(taskToken: string, output: unknown) {
    if (this.resumed.some((call) => call.taskToken === taskToken)) return 'gone' as const;
    this.resumed.push({ taskToken, output });
    return 'resumed' as const;
  }
}
