import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Money } from '#events/schemas.ts';
import { writeSentMessage } from '#messaging/adapters/dynamodb-messaging-store.ts';
import type { CustomerRef, JourneyEntry, SentMessage } from '#messaging/domain/ports.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import { conditionalWrite } from '#shared/conditional-write.ts';
import type { AttributionRecord, ConversionRecord } from '../domain/attribution-rules.ts';
import { type EngagementSummary, emptyEngagementSummary } from '../domain/engagement-summary.ts';
import { emptyMessageEngagement, type MessageEngagementState } from '../domain/message-engagement.ts';
import type {
  AttributionStore,
  EngagementStore,
  SaveResult,
  SentMessageRecord,
  StoredMessage,
  StoredSummary,
} from '../domain/ports.ts';

const customerPk = ({ storeId, customerKey }: CustomerRef) => `CUSTOMER#${storeId}#${customerKey}`;
const messagePk = (messageId: string) => `SESMESSAGE#${messageId}`;
const SUMMARY_SK = 'ENGAGEMENT';

/**
 * Engagement on the Messages table, next to what the send path keeps: the engagement of a mail on
 * its `SESMESSAGE#<messageId>` item, the customer's summary (`CUSTOMER#…`/`ENGAGEMENT`), attributions
 * and conversions in the customer's partition, suppressions in their own. Single-item conditional
 * writes only (no transactions), as everywhere else.
 */
export class DynamoDbEngagementStore implements EngagementStore, AttributionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadMessage(messageId: string): Promise<StoredMessage | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: messagePk(messageId), sk: 'MESSAGE' },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const empty = emptyMessageEngagement();
    const message: SentMessageRecord = {
      storeId: Item.storeId,
      customerKey: Item.customerKey,
      ...(Item.messageKey !== undefined && { messageKey: Item.messageKey }),
      messageId: Item.messageId ?? messageId,
      sentAt: Item.sentAt,
      journey: Item.journey,
      step: Item.step,
      variant: Item.variant,
      subjectKey: Item.subjectKey,
    };
    const state: MessageEngagementState = {
      engagement: Item.engagement ?? empty.engagement,
      opens: Item.opens ?? empty.opens,
      clicks: Item.clicks ?? empty.clicks,
      status: Item.status ?? empty.status,
      appliedEventIds: Item.appliedEventIds ?? empty.appliedEventIds,
    };
    return { message, state, version: Item.version as number | undefined };
  }

  async recordSentFromSes(customer: CustomerRef, messageKey: string, sent: SentMessage): Promise<void> {
    // The same items the send path's markSent writes, so both stay one shape.
    await writeSentMessage(this.client, this.tableName, customer, messageKey, sent, 'keep-first');
  }

  async saveMessageEngagement(
    messageId: string,
    state: MessageEngagementState,
    expectedVersion: number | undefined,
  ): Promise<SaveResult> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: messagePk(messageId), sk: 'MESSAGE' },
        UpdateExpression:
          'SET engagement = :engagement, opens = :opens, clicks = :clicks, #status = :status, appliedEventIds = :ids, #version = :next',
        ConditionExpression:
          expectedVersion === undefined
            ? 'attribute_exists(pk) AND attribute_not_exists(#version)'
            : 'attribute_exists(pk) AND #version = :expected',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: {
          ':engagement': state.engagement,
          ':opens': state.opens,
          ':clicks': state.clicks,
          ':status': state.status,
          ':ids': state.appliedEventIds,
          ':next': (expectedVersion ?? 0) + 1,
          ...(expectedVersion !== undefined && { ':expected': expectedVersion }),
        },
      }),
    );
  }

  async loadSummary(customer: CustomerRef): Promise<StoredSummary | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customer), sk: SUMMARY_SK },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, version, ...summary } = Item;
    return { summary: { ...emptyEngagementSummary(), ...summary } as EngagementSummary, version };
  }

  async saveSummary(
    customer: CustomerRef,
    summary: EngagementSummary,
    expectedVersion: number | undefined,
  ): Promise<SaveResult> {
    return this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: customerPk(customer), sk: SUMMARY_SK, ...summary, version: (expectedVersion ?? 0) + 1 },
        ...versionCondition(expectedVersion),
      }),
    );
  }

  async suppress(
    storeId: string,
    email: string,
    suppression: { reason: SuppressionReason; at: string },
    replaces: readonly SuppressionReason[],
  ): Promise<'suppressed' | 'exists'> {
    const weaker = Object.fromEntries(replaces.map((reason, index) => [`:weaker${index}`, reason]));
    const result = await this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        // The item the send path reads (MessagingStore.findSuppression).
        Item: { pk: `SUPPRESSION#${storeId}#${email}`, sk: 'SUPPRESSION', ...suppression },
        ...(replaces.length === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: `attribute_not_exists(pk) OR #reason IN (${Object.keys(weaker).join(', ')})`,
              ExpressionAttributeNames: { '#reason': 'reason' },
              ExpressionAttributeValues: weaker,
            }),
      }),
    );
    return result === 'saved' ? 'suppressed' : 'exists';
  }

  async listEntries(customer: CustomerRef, since: string): Promise<JourneyEntry[]> {
    const entries: JourneyEntry[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
        FilterExpression: '#at >= :since',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':pk': customerPk(customer), ':entry': 'ENTRY#', ':since': since },
        // An entry written just before this read must be seen (see attribute-order.ts).
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const { journey, subjectKey, at, heldOut } of page.Items ?? []) {
        entries.push({ journey, subjectKey, at, heldOut: heldOut === true });
      }
    }
    return entries;
  }

  async listAttributions(customer: CustomerRef, from: string, to: string): Promise<AttributionRecord[]> {
    const records: AttributionRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :attribution)',
        FilterExpression: '#at BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: {
          ':pk': customerPk(customer),
          ':attribution': 'ATTRIBUTION#',
          ':from': from,
          ':to': to,
        },
        // An attribution written just before this read must be seen (see attribute-order.ts).
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const { pk: _pk, sk: _sk, ...record } of page.Items ?? [])
        records.push(record as AttributionRecord);
    }
    return records;
  }

  async findAttribution(customer: CustomerRef, orderId: string): Promise<AttributionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customer), sk: `ATTRIBUTION#${orderId}` },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...record } = Item;
    return record as AttributionRecord;
  }

  async recordAttribution(customer: CustomerRef, record: AttributionRecord): Promise<'recorded' | 'exists'> {
    return this.putOnce({ pk: customerPk(customer), sk: `ATTRIBUTION#${record.orderId}`, ...record });
  }

  async adjustAttribution(
    customer: CustomerRef,
    orderId: string,
    adjustment: { id: string; netRevenue: Money; expectedNet: Money | undefined },
  ): Promise<'applied' | 'conflict'> {
    const result = await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customer), sk: `ATTRIBUTION#${orderId}` },
        UpdateExpression:
          'SET netRevenue = :net, adjustmentIds = list_append(if_not_exists(adjustmentIds, :none), :id)',
        ConditionExpression: `attribute_exists(pk) AND ${
          adjustment.expectedNet === undefined
            ? 'attribute_not_exists(netRevenue)'
            : 'netRevenue.amount = :expected'
        } AND NOT contains(adjustmentIds, :idText)`,
        ExpressionAttributeValues: {
          ':net': adjustment.netRevenue,
          ':none': [],
          ':id': [adjustment.id],
          ':idText': adjustment.id,
          ...(adjustment.expectedNet !== undefined && { ':expected': adjustment.expectedNet.amount }),
        },
      }),
    );
    return result === 'saved' ? 'applied' : 'conflict';
  }

  async recordConversion(customer: CustomerRef, record: ConversionRecord): Promise<'recorded' | 'exists'> {
    return this.putOnce({
      pk: customerPk(customer),
      sk: `CONVERSION#${record.journey}#${record.orderId}`,
      ...record,
    });
  }

  private async putOnce(item: Record<string, unknown>): Promise<'recorded' | 'exists'> {
    const result = await this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return result === 'saved' ? 'recorded' : 'exists';
  }

  /** Sends a conditional write; a failed condition is an expected answer, not an error. */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<SaveResult> {
    const written = await conditionalWrite(() =>
      command instanceof PutCommand ? this.client.send(command) : this.client.send(command),
    );
    return written === 'written' ? 'saved' : 'conflict';
  }
}

function versionCondition(expectedVersion: number | undefined): Partial<PutCommandInput> {
  return expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}
