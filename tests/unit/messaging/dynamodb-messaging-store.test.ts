import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { type LocalTables, MESSAGES_TABLE, startLocalTables } from '#tests/unit/engagement/messages-table.ts';

let tables: LocalTables;
let store: DynamoDbMessagingStore;

beforeAll(async () => {
  tables = await startLocalTables();
  store = new DynamoDbMessagingStore(tables.documents, MESSAGES_TABLE);
});
afterAll(async () => tables?.close());

const partition = async (pk: string) =>
  (
    await tables.documents.send(
      new QueryCommand({
        TableName: MESSAGES_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    )
  ).Items ?? [];

describe('Class: DynamoDbMessagingStore', () => {
  it("keeps a journey's exit next to its entry in the customer's partition, the first exit winning", async () => {
    // Prepare
    const customer = { storeId: 'demo', customerKey: 'customer:exits' };
    await store.recordEntry(customer, {
      journey: 'cart-abandonment',
      subjectKey: 'cart-1',
      at: '2026-03-01T09:00:00.000Z',
      heldOut: false,
    });

    // Act
    await store.recordExit(customer, {
      journey: 'cart-abandonment',
      subjectKey: 'cart-1',
      step: 'reminder-2',
      reason: 'ordered',
      at: '2026-03-01T12:00:00.000Z',
    });
    await store.recordExit(customer, {
      journey: 'cart-abandonment',
      subjectKey: 'cart-1',
      step: 'last-chance',
      reason: 'emptied',
      at: '2026-03-02T12:00:00.000Z',
    });

    // Assess
    expect(await partition('CUSTOMER#demo#customer:exits')).toEqual([
      {
        pk: 'CUSTOMER#demo#customer:exits',
        sk: 'ENTRY#cart-abandonment#cart-1',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        at: '2026-03-01T09:00:00.000Z',
        heldOut: false,
      },
      {
        pk: 'CUSTOMER#demo#customer:exits',
        sk: 'EXIT#cart-abandonment#cart-1',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        step: 'reminder-2',
        reason: 'ordered',
        at: '2026-03-01T12:00:00.000Z',
      },
    ]);
  });

  it('keeps the first entry of a subject', async () => {
    // Prepare
    const customer = { storeId: 'demo', customerKey: 'customer:entries' };
    const entry = { journey: 'welcome', subjectKey: 'c-1', at: '2026-03-01T09:00:00.000Z', heldOut: true };

    // Act
    await store.recordEntry(customer, entry);
    await store.recordEntry(customer, { ...entry, at: '2026-03-01T10:00:00.000Z', heldOut: false });

    // Assess
    expect(await partition('CUSTOMER#demo#customer:entries')).toEqual([
      { pk: 'CUSTOMER#demo#customer:entries', sk: 'ENTRY#welcome#c-1', ...entry },
    ]);
  });
});
