import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEngagementStore } from '#engagement/adapters/dynamodb-engagement-store.ts';
import { applyToSummary, emptyEngagementSummary } from '#engagement/domain/engagement-summary.ts';
import { applyToMessage, emptyMessageEngagement } from '#engagement/domain/message-engagement.ts';
import { usd } from '#tests/helpers/events.ts';
import { opened, sentMessage } from './engagement-events.ts';
import { type LocalTables, MESSAGES_TABLE, startLocalTables } from './messages-table.ts';

let tables: LocalTables;
let store: DynamoDbEngagementStore;

beforeAll(async () => {
  tables = await startLocalTables();
  store = new DynamoDbEngagementStore(tables.documents, MESSAGES_TABLE);
});
afterAll(async () => tables?.close());

const customerOf = (customerKey: string) => ({ storeId: 'demo', customerKey });
const itemOf = async (pk: string, sk: string) =>
  (await tables.documents.send(new GetCommand({ TableName: MESSAGES_TABLE, Key: { pk, sk } }))).Item;

describe('Class: DynamoDbEngagementStore', () => {
  it('reads a mail as the send path indexed it, with no engagement yet', async () => {
    // Prepare
    await tables.putSentMessage(sentMessage({ messageId: 'ses-read' }));

    // Act
    const stored = await store.loadMessage('ses-read');

    // Assess
    expect(stored).toEqual({
      message: sentMessage({ messageId: 'ses-read' }),
      state: emptyMessageEngagement(),
      version: undefined,
    });
  });

  it('writes engagement onto the mail item with a version, keeping what the send path wrote', async () => {
    // Prepare
    await tables.putSentMessage(sentMessage({ messageId: 'ses-write' }));
    const { state } = applyToMessage(emptyMessageEngagement(), opened('2026-03-01T11:00:00Z'));

    // Act
    const first = await store.saveMessageEngagement('ses-write', state, undefined);
    const stale = await store.saveMessageEngagement('ses-write', state, undefined);
    const next = await store.saveMessageEngagement('ses-write', state, 1);

    // Assess
    expect([first, stale, next]).toEqual(['saved', 'conflict', 'saved']);
    expect(await itemOf('SESMESSAGE#ses-write', 'MESSAGE')).toMatchObject({
      journey: 'cart-abandonment',
      customerKey: 'customer:c-1',
      engagement: { open: '2026-03-01T11:00:00.000Z' },
      opens: 1,
      status: 'opened',
      version: 2,
    });
  });

  it('never creates a mail item for a message id the send path did not index', async () => {
    // Act
    const result = await store.saveMessageEngagement('ses-unknown', emptyMessageEngagement(), undefined);

    // Assess
    expect(result).toBe('conflict');
    expect(await store.loadMessage('ses-unknown')).toBeUndefined();
  });

  it("records a mail from SES's report as the send path would, keeping what is already recorded", async () => {
    // Prepare: the sender claimed the slot, SES accepted the mail, and the sender stopped
    const customer = customerOf('customer:from-tags');
    await tables.documents.send(
      new PutCommand({
        TableName: MESSAGES_TABLE,
        Item: {
          pk: 'CUSTOMER#demo#customer:from-tags',
          sk: 'MESSAGE#cart-abandonment#cart-1#reminder-1',
          status: 'claimed',
          messageKey: 'cart-abandonment#cart-1#reminder-1',
          template: 'cart-abandonment.reminder-1',
          claimedAt: '2026-03-01T10:00:00.000Z',
          reservedAt: '2026-03-01T10:00:00.000Z',
        },
      }),
    );
    const {
      storeId: _storeId,
      customerKey: _customerKey,
      messageKey: _messageKey,
      ...sent
    } = sentMessage({
      messageId: 'ses-from-tags',
    });

    // Act
    await store.recordSentFromSes(customer, 'cart-abandonment#cart-1#reminder-1', sent);
    await store.recordSentFromSes(customer, 'cart-abandonment#cart-1#reminder-1', {
      ...sent,
      messageId: 'ses-other',
      sentAt: '2026-03-02T00:00:00.000Z',
    });
    await store.recordSentFromSes(customer, 'cart-abandonment#cart-1#reminder-1', {
      ...sent,
      sentAt: '2026-03-02T00:00:00.000Z',
    });

    // Assess
    expect(
      await itemOf('CUSTOMER#demo#customer:from-tags', 'MESSAGE#cart-abandonment#cart-1#reminder-1'),
    ).toMatchObject({ status: 'sent', messageId: 'ses-from-tags', sentAt: '2026-03-01T10:00:00.000Z' });
    expect((await store.loadMessage('ses-from-tags'))?.message).toEqual(
      sentMessage({ ...customer, messageId: 'ses-from-tags' }),
    );
  });

  it('saves and reads the customer summary under optimistic concurrency', async () => {
    // Prepare
    const customer = customerOf('customer:summary');
    const origin = { messageId: 'ses-1', journey: 'welcome', step: 'welcome', variant: 'welcome.welcome' };
    const { summary } = applyToSummary(emptyEngagementSummary(), opened('2026-03-01T11:00:00Z'), origin);

    // Act
    const saved = await store.saveSummary(customer, summary, undefined);
    const conflict = await store.saveSummary(customer, summary, undefined);
    const loaded = await store.loadSummary(customer);

    // Assess
    expect([saved, conflict]).toEqual(['saved', 'conflict']);
    expect(loaded).toEqual({ summary, version: 1 });
    expect(await itemOf('CUSTOMER#demo#customer:summary', 'ENGAGEMENT')).toMatchObject({ opens: 1 });
  });

  it('suppresses an address, replaces only weaker reasons, and writes the item the send path reads', async () => {
    // Act
    const unsubscribed = await store.suppress(
      'demo',
      'bo@example.com',
      { reason: 'unsubscribed', at: 'a' },
      [],
    );
    const sameStrength = await store.suppress(
      'demo',
      'bo@example.com',
      { reason: 'soft-bounces', at: 'b' },
      [],
    );
    const stronger = await store.suppress('demo', 'bo@example.com', { reason: 'hard-bounce', at: 'c' }, [
      'unsubscribed',
      'soft-bounces',
    ]);
    const weakerAgain = await store.suppress('demo', 'bo@example.com', { reason: 'complaint', at: 'd' }, [
      'unsubscribed',
      'soft-bounces',
    ]);

    // Assess
    expect([unsubscribed, sameStrength, stronger, weakerAgain]).toEqual([
      'suppressed',
      'exists',
      'suppressed',
      'exists',
    ]);
    expect(await itemOf('SUPPRESSION#demo#bo@example.com', 'SUPPRESSION')).toEqual({
      pk: 'SUPPRESSION#demo#bo@example.com',
      sk: 'SUPPRESSION',
      reason: 'hard-bounce',
      at: 'c',
    });
  });

  it('lists the journey entries of a customer since a time', async () => {
    // Prepare
    const customer = customerOf('customer:entries');
    for (const [journey, at, heldOut] of [
      ['welcome', '2026-02-01T00:00:00.000Z', false],
      ['cart-abandonment', '2026-03-01T00:00:00.000Z', true],
    ] as const) {
      await tables.documents.send(
        new PutCommand({
          TableName: MESSAGES_TABLE,
          Item: {
            pk: 'CUSTOMER#demo#customer:entries',
            sk: `ENTRY#${journey}#s`,
            journey,
            subjectKey: 's',
            at,
            heldOut,
          },
        }),
      );
    }

    // Act
    const entries = await store.listEntries(customer, '2026-02-15T00:00:00.000Z');

    // Assess
    expect(entries).toEqual([
      { journey: 'cart-abandonment', subjectKey: 's', at: '2026-03-01T00:00:00.000Z', heldOut: true },
    ]);
  });

  it('records an attribution and a conversion once each', async () => {
    // Prepare
    const customer = customerOf('customer:orders');
    const attribution = {
      orderId: 'o-9',
      at: '2026-03-02T12:00:00.000Z',
      revenue: usd('9.99'),
      unattributed: true as const,
    };
    const conversion = {
      orderId: 'o-9',
      journey: 'welcome',
      subjectKey: 'c-9',
      group: 'heldout' as const,
      revenue: usd('9.99'),
      at: '2026-03-02T12:00:00.000Z',
      enteredAt: '2026-03-01T12:00:00.000Z',
    };

    // Act
    const results = [
      await store.recordAttribution(customer, attribution),
      await store.recordAttribution(customer, { ...attribution, revenue: usd('1.00') }),
      await store.recordConversion(customer, conversion),
      await store.recordConversion(customer, conversion),
    ];

    // Assess
    expect(results).toEqual(['recorded', 'exists', 'recorded', 'exists']);
    expect(await store.findAttribution(customer, 'o-9')).toEqual(attribution);
    expect(await itemOf('CUSTOMER#demo#customer:orders', 'CONVERSION#welcome#o-9')).toMatchObject({
      group: 'heldout',
      revenue: usd('9.99'),
    });
  });

  it("lists a customer's attributed orders placed within a span, both ends included", async () => {
    // Prepare
    const customer = customerOf('customer:span');
    const order = (orderId: string, at: string) => ({
      orderId,
      at,
      revenue: usd('5.00'),
      unattributed: true as const,
    });
    for (const record of [
      order('o-before', '2026-03-01T09:59:59.999Z'),
      order('o-first', '2026-03-01T10:00:00.000Z'),
      order('o-last', '2026-03-08T10:00:00.000Z'),
      order('o-after', '2026-03-08T10:00:00.001Z'),
    ])
      await store.recordAttribution(customer, record);
    await store.recordAttribution(customerOf('customer:other'), order('o-other', '2026-03-02T10:00:00.000Z'));

    // Act
    const listed = await store.listAttributions(
      customer,
      '2026-03-01T10:00:00.000Z',
      '2026-03-08T10:00:00.000Z',
    );

    // Assess
    expect(listed.map(({ orderId }) => orderId).sort()).toEqual(['o-first', 'o-last']);
    expect(listed[0]).not.toHaveProperty('pk');
  });
});
