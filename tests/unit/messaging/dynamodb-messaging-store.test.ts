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

  it('claims an entry key for one run: the same run claims it again, any other run finds it taken', async () => {
    // Prepare
    const at = '2026-03-01T09:00:00.000Z';
    const first = await store.claimTrigger('demo', 'browse-abandonment', 'customer:ann:20513', at, 'run-a');

    // Act
    const retried = await store.claimTrigger('demo', 'browse-abandonment', 'customer:ann:20513', at, 'run-a');
    const other = await store.claimTrigger('demo', 'browse-abandonment', 'customer:ann:20513', at, 'run-b');
    const elsewhere = await store.claimTrigger('demo', 'welcome', 'customer:ann:20513', at, 'run-b');

    // Assess
    expect([first, retried, other, elsewhere]).toEqual(['claimed', 'claimed', 'exists', 'claimed']);
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

  it('claims a slot once per lease, and lets an abandoned claim be taken over with its reservation', async () => {
    // Prepare
    const customer = { storeId: 'demo', customerKey: 'customer:claims' };
    const claim = (claimedAt: string) => ({
      messageKey: 'cart-abandonment#cart-1#reminder-1',
      template: 'cart-abandonment.reminder-1',
      claimedAt,
      reservedAt: claimedAt,
    });
    const lease = 15 * 60 * 1000;

    // Act
    const first = await store.claimMessage(customer, claim('2026-03-01T10:00:00.000Z'), lease);
    const held = await store.claimMessage(customer, claim('2026-03-01T10:00:05.000Z'), lease);
    const slot = await store.findSlot(customer, 'cart-abandonment#cart-1#reminder-1');
    const takenOver = await store.claimMessage(customer, claim('2026-03-01T10:15:01.000Z'), lease);

    // Assess
    expect(first).toEqual({ outcome: 'claimed' });
    expect(held).toEqual({ outcome: 'in-progress', claimedAt: '2026-03-01T10:00:00.000Z' });
    expect(slot).toEqual({
      status: 'claimed',
      claimedAt: '2026-03-01T10:00:00.000Z',
      reservedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(takenOver).toEqual({ outcome: 'claimed', replacedReservation: '2026-03-01T10:00:00.000Z' });
  });

  it('marks a slot sent and indexes its message id; a sent slot is never claimed again', async () => {
    // Prepare
    const customer = { storeId: 'demo', customerKey: 'customer:sent' };
    const key = 'welcome#c-1#welcome';
    await store.claimMessage(
      customer,
      { messageKey: key, template: 'welcome.welcome', claimedAt: '2026-03-01T10:00:00.000Z' },
      60_000,
    );
    const sent = {
      messageId: 'ses-sent',
      sentAt: '2026-03-01T10:00:01.000Z',
      journey: 'welcome',
      step: 'welcome',
      variant: 'welcome.welcome',
      subjectKey: 'c-1',
    };

    // Act
    await store.markSent(customer, key, sent);
    const again = await store.claimMessage(
      customer,
      { messageKey: key, template: 'welcome.welcome', claimedAt: '2026-03-02T10:00:00.000Z' },
      60_000,
    );

    // Assess
    expect(await store.findSlot(customer, key)).toEqual({ status: 'sent', messageId: 'ses-sent' });
    expect(again).toEqual({ outcome: 'already-sent' });
    expect(await partition('SESMESSAGE#ses-sent')).toEqual([
      { pk: 'SESMESSAGE#ses-sent', sk: 'MESSAGE', ...customer, messageKey: key, ...sent },
    ]);
  });

  it('knows nothing of a slot never claimed', async () => {
    // Act
    const slot = await store.findSlot(
      { storeId: 'demo', customerKey: 'customer:none' },
      'welcome#c-9#welcome',
    );

    // Assess
    expect(slot).toBeUndefined();
  });
});
