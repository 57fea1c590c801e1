import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRunStore } from '#journeys/adapters/dynamodb-run-store.ts';
import { type LocalTables, MESSAGES_TABLE, startLocalTables } from '../engagement/messages-table.ts';

let tables: LocalTables;
let runs: DynamoDbRunStore;

beforeAll(async () => {
  tables = await startLocalTables();
  runs = new DynamoDbRunStore(tables.documents, MESSAGES_TABLE);
});
afterAll(async () => tables?.close());

const customer = { storeId: 'demo', customerKey: 'customer:c-1' };
const goal = (eventType: string) => ({
  eventType,
  journey: 'welcome',
  subjectKey: 'c-1',
  as: 'ordered',
  executionArn: 'arn:aws:states:us-east-1:111122223333:execution:Welcome:run-1',
  since: '2026-03-01T09:00:00.000Z',
  triggerType: 'customer.registered',
  eventTypes: ['order.placed', 'checkout.started'],
  expiresAt: '2026-05-30T09:00:00.000Z',
});

describe('Class: DynamoDbRunStore (goals and run ends)', () => {
  it("keeps a run's goals per event type and removes them all at once", async () => {
    // Prepare
    await runs.saveGoals(customer, [goal('order.placed'), goal('checkout.started')]);

    // Act
    const listed = await runs.listGoals(customer, 'order.placed');
    await runs.deleteGoals(customer, goal('order.placed'));

    // Assess
    expect(listed).toEqual([goal('order.placed')]);
    expect(await runs.listGoals(customer, 'order.placed')).toEqual([]);
    expect(await runs.listGoals(customer, 'checkout.started')).toEqual([]);
  });

  it("claims a run's end once", async () => {
    // Act
    const first = await runs.claimRunEnd(customer, 'welcome', 'arn:run-9', '2026-03-01T09:00:00.000Z');
    const second = await runs.claimRunEnd(customer, 'welcome', 'arn:run-9', '2026-03-01T09:00:01.000Z');
    const other = await runs.claimRunEnd(customer, 'welcome', 'arn:run-10', '2026-03-01T09:00:01.000Z');

    // Assess
    expect([first, second, other]).toEqual(['claimed', 'taken', 'claimed']);
  });
});
