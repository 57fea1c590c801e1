import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import { conditionalWrite } from '#shared/conditional-write.ts';
import type { LatestTrigger, RunGoal, RunStore, SeenEvent, Waiter } from '../step/ports.ts';

const DAY_SECONDS = 86_400;
/** A seen event is kept as long as a `waitFor` that started before it may still be waiting for it. */
const SEEN_TTL_DAYS = 35;
const LATEST_TTL_DAYS = 35;
/** A run's end is claimed when it ends; a goal's stop comes within seconds of a step's exit. */
const RUN_END_TTL_DAYS = 7;
/** As long as a run's goals are kept: the longest journeys wait weeks between mails. */
const RUN_TTL_DAYS = 90;

const customerPk = ({ storeId, customerKey }: CustomerRef) => `CUSTOMER#${storeId}#${customerKey}`;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const latestOf = (item: Record<string, unknown>): LatestTrigger => ({
  id: String(item.id),
  occurredAt: String(item.occurredAt),
});

/** Journey run state in the Messages table: newest trigger per subject, waiting runs, events seen. */
export class DynamoDbRunStore implements RunStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordLatestTrigger(
    storeId: string,
    journey: string,
    subjectKey: string,
    trigger: LatestTrigger,
  ): Promise<{ latest: LatestTrigger; replaced?: LatestTrigger }> {
    const key = { pk: `LATEST#${storeId}#${journey}`, sk: subjectKey };
    try {
      const { Attributes: old } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            ...trigger,
            expiresAt: epochSeconds(trigger.occurredAt) + LATEST_TTL_DAYS * DAY_SECONDS,
          },
          // Newer by time, then by id: the same answer in any arrival order.
          ConditionExpression:
            'attribute_not_exists(pk) OR occurredAt < :at OR (occurredAt = :at AND id <= :id)',
          ExpressionAttributeValues: { ':at': trigger.occurredAt, ':id': trigger.id },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // A redelivered trigger replaces itself: nothing older was replaced by it this time.
      const replaced = old === undefined || old.id === trigger.id ? undefined : latestOf(old);
      return { latest: trigger, ...(replaced !== undefined && { replaced }) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { latest: (await this.findLatestTrigger(storeId, journey, subjectKey)) ?? trigger };
    }
  }

  async findLatestTrigger(
    storeId: string,
    journey: string,
    subjectKey: string,
  ): Promise<LatestTrigger | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `LATEST#${storeId}#${journey}`, sk: subjectKey },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : latestOf(Item);
  }

  async saveWaiter(customer: CustomerRef, waiter: Waiter): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: customerPk(customer),
          sk: `WAIT#${waiter.eventType}#${waiter.journey}#${waiter.subjectKey}`,
          ...waiter,
          expiresAtIso: waiter.expiresAt,
          expiresAt: epochSeconds(waiter.expiresAt),
        },
      }),
    );
  }

  async listWaiters(customer: CustomerRef, eventType: string): Promise<Waiter[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': customerPk(customer), ':prefix': `WAIT#${eventType}#` },
        ConsistentRead: true,
      }),
    );
    return Items.map(({ pk: _pk, sk: _sk, expiresAt: _epoch, expiresAtIso, ...waiter }) => ({
      ...(waiter as Omit<Waiter, 'expiresAt'>),
      expiresAt: String(expiresAtIso),
    }));
  }

  async deleteWaiter(
    customer: CustomerRef,
    waiter: Pick<Waiter, 'eventType' | 'journey' | 'subjectKey'>,
  ): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: {
          pk: customerPk(customer),
          sk: `WAIT#${waiter.eventType}#${waiter.journey}#${waiter.subjectKey}`,
        },
      }),
    );
  }

  async recordRun(customer: CustomerRef, journey: string, executionArn: string, at: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: customerPk(customer),
          sk: `RUN#${journey}#${executionArn}`,
          executionArn,
          expiresAt: epochSeconds(at) + RUN_TTL_DAYS * DAY_SECONDS,
        },
      }),
    );
  }

  async claimRunEnd(
    customer: CustomerRef,
    journey: string,
    runId: string,
    at: string,
  ): Promise<'claimed' | 'taken'> {
    const written = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: customerPk(customer),
            sk: `RUNEND#${journey}#${runId}`,
            at,
            expiresAt: epochSeconds(at) + RUN_END_TTL_DAYS * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return written === 'written' ? 'claimed' : 'taken';
  }

  async saveGoals(customer: CustomerRef, goals: readonly RunGoal[]): Promise<void> {
    for (const goal of goals) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: customerPk(customer),
            sk: `GOAL#${goal.eventType}#${goal.journey}#${goal.subjectKey}`,
            ...goal,
            expiresAtIso: goal.expiresAt,
            expiresAt: epochSeconds(goal.expiresAt),
          },
        }),
      );
    }
  }

  async listGoals(customer: CustomerRef, eventType: string): Promise<RunGoal[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': customerPk(customer), ':prefix': `GOAL#${eventType}#` },
        // A goal written just before this read must be seen (see run-goals.ts).
        ConsistentRead: true,
      }),
    );
    return Items.map(({ pk: _pk, sk: _sk, expiresAt: _epoch, expiresAtIso, ...goal }) => ({
      ...(goal as Omit<RunGoal, 'expiresAt'>),
      expiresAt: String(expiresAtIso),
    }));
  }

  async deleteGoals(
    customer: CustomerRef,
    goal: Pick<RunGoal, 'eventTypes' | 'journey' | 'subjectKey'>,
  ): Promise<void> {
    for (const eventType of goal.eventTypes) {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customer), sk: `GOAL#${eventType}#${goal.journey}#${goal.subjectKey}` },
        }),
      );
    }
  }

  async recordSeenEvent(customer: CustomerRef, event: SeenEvent): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: customerPk(customer),
          sk: `SEEN#${event.type}#${event.occurredAt}#${event.id}`,
          ...event,
          expiresAt: epochSeconds(event.occurredAt) + SEEN_TTL_DAYS * DAY_SECONDS,
        },
      }),
    );
  }

  async listSeenEvents(customer: CustomerRef, eventType: string, since: string): Promise<SeenEvent[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': customerPk(customer),
          ':from': `SEEN#${eventType}#${since}`,
          ':to': `SEEN#${eventType}#\uffff`,
        },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => ({
      id: String(item.id),
      type: String(item.type),
      occurredAt: String(item.occurredAt),
      data: item.data,
    }));
  }
}
