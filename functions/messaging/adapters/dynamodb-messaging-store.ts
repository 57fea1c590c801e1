import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '#shared/conditional-write.ts';
import type { DecisionRecord } from '../domain/decision-record.ts';
import type {
  ClaimResult,
  CustomerRef,
  FrequencyHistory,
  JourneyEntry,
  JourneyExit,
  MessageClaim,
  MessagingStore,
  SentMessage,
  SlotState,
} from '../domain/ports.ts';
import type { SuppressionReason } from '../domain/send-decision.ts';

const DAY_SECONDS = 24 * 60 * 60;
/** Decisions answer "why (not)?" for half a year; trigger claims only need to outlive replays. */
const DECISION_TTL_DAYS = 180;
const TRIGGER_TTL_DAYS = 35;

const customerPk = ({ storeId, customerKey }: CustomerRef) => `CUSTOMER#${storeId}#${customerKey}`;
/**
 * A trigger claim's key can name the customer (`customer:<key>` for once-per-customer journeys), and the
 * claim sits outside the customer's partition, where an erasure cannot find it: it is kept hashed.
 */
const claimKeyOf = (key: string) => createHash('sha256').update(key).digest('base64url');
const expiresIn = (days: number, from: string) => Math.floor(Date.parse(from) / 1000) + days * DAY_SECONDS;

/**
 * The Messages table: one partition per customer (`CUSTOMER#…`) holding sent-message claims,
 * decisions, the frequency history and journey entries and exits; suppressions and trigger claims have
 * partitions of their own.
 */
export class DynamoDbMessagingStore implements MessagingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimMessage(customer: CustomerRef, claim: MessageClaim, leaseMs: number): Promise<ClaimResult> {
    const leaseExpired = new Date(Date.parse(claim.claimedAt) - leaseMs).toISOString();
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: customerPk(customer), sk: `MESSAGE#${claim.messageKey}`, status: 'claimed', ...claim },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :claimed AND claimedAt < :leaseExpired)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':leaseExpired': leaseExpired },
          // The claim taken over, if any: its frequency reservation is replaced by this one's.
          ReturnValues: 'ALL_OLD',
        }),
      );
      const replaced = Attributes?.reservedAt as string | undefined;
      return { outcome: 'claimed', ...(replaced !== undefined && { replacedReservation: replaced }) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const slot = await this.findSlot(customer, claim.messageKey);
      if (slot?.status === 'sent') return { outcome: 'already-sent' };
      // Gone between the two calls (nothing deletes claims today): ask again as if just claimed.
      return { outcome: 'in-progress', claimedAt: slot?.claimedAt ?? claim.claimedAt };
    }
  }

  async findSlot(customer: CustomerRef, messageKey: string): Promise<SlotState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customer), sk: `MESSAGE#${messageKey}` },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    if (Item.status === 'sent') {
      return { status: 'sent', ...(typeof Item.messageId === 'string' && { messageId: Item.messageId }) };
    }
    return {
      status: 'claimed',
      claimedAt: Item.claimedAt as string,
      ...(typeof Item.reservedAt === 'string' && { reservedAt: Item.reservedAt }),
    };
  }

  async markSent(customer: CustomerRef, messageKey: string, sent: SentMessage): Promise<void> {
    await writeSentMessage(this.client, this.tableName, customer, messageKey, sent, 'overwrite');
  }

  async recordEntry(customer: CustomerRef, entry: JourneyEntry): Promise<void> {
    await this.putOnce({
      pk: customerPk(customer),
      sk: `ENTRY#${entry.journey}#${entry.subjectKey}`,
      ...entry,
    });
  }

  async recordExit(customer: CustomerRef, exit: JourneyExit): Promise<void> {
    // Next to the subject's entry; the first exit stays, as a retried or repeated step gives the same answer.
    await this.putOnce({ pk: customerPk(customer), sk: `EXIT#${exit.journey}#${exit.subjectKey}`, ...exit });
  }

  async releaseClaim(customer: CustomerRef, messageKey: string): Promise<void> {
    await conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customer), sk: `MESSAGE#${messageKey}` },
          UpdateExpression: 'SET claimedAt = :released',
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':released': '1970-01-01T00:00:00.000Z' },
        }),
      ),
    );
  }

  async loadFrequency(customer: CustomerRef): Promise<FrequencyHistory> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customer), sk: 'FREQUENCY' },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return { sentAt: [], version: undefined };
    return { sentAt: (Item.sentAt as string[]).map((at) => new Date(at)), version: Item.version as number };
  }

  async saveFrequency(
    customer: CustomerRef,
    sentAt: Date[],
    expectedVersion: number | undefined,
  ): Promise<'saved' | 'conflict'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: customerPk(customer),
            sk: 'FREQUENCY',
            sentAt: sentAt.map((at) => at.toISOString()),
            version: (expectedVersion ?? 0) + 1,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async recordDecision(customer: CustomerRef, record: DecisionRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: customerPk(customer),
          sk: `DECISION#${record.at}#${record.journey}#${record.step}`,
          ...record,
          expiresAt: expiresIn(DECISION_TTL_DAYS, record.at),
        },
      }),
    );
  }

  async listDecisions(customer: CustomerRef, limit: number): Promise<DecisionRecord[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :decision)',
        ExpressionAttributeValues: { ':pk': customerPk(customer), ':decision': 'DECISION#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(({ pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record }) => record as DecisionRecord);
  }

  async findSuppression(storeId: string, email: string) {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `SUPPRESSION#${storeId}#${email}`, sk: 'SUPPRESSION' },
      }),
    );
    return Item === undefined
      ? undefined
      : { reason: Item.reason as SuppressionReason, at: Item.at as string };
  }

  /** Never weakens a suppression: an unsubscribe does not turn a hard bounce or complaint back into a softer reason. */
  async suppress(
    storeId: string,
    email: string,
    suppression: { reason: SuppressionReason; at: string },
  ): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `SUPPRESSION#${storeId}#${email}`, sk: 'SUPPRESSION', ...suppression },
          ConditionExpression: 'attribute_not_exists(pk) OR reason IN (:unsubscribed, :softBounces)',
          ExpressionAttributeValues: { ':unsubscribed': 'unsubscribed', ':softBounces': 'soft-bounces' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async claimTrigger(
    storeId: string,
    journey: string,
    key: string,
    at: string,
    owner: string,
  ): Promise<'claimed' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `TRIGGER#${storeId}#${journey}#${claimKeyOf(key)}`,
            sk: 'TRIGGER',
            at,
            owner,
            expiresAt: expiresIn(TRIGGER_TTL_DAYS, at),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  /** Writes the item unless one with its key exists. */
  private async putOnce(item: Record<string, unknown>): Promise<void> {
    await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}

/**
 * Records a sent mail: first its slot in the customer's partition (status `sent`, so no retry sends it
 * again), then the index by SES message id that leads engagement events back to customer and journey
 * (only its own fields: engagement events may already have added theirs). In this order an indexed mail's
 * slot is always marked. The send path overwrites; `keep-first` (the engagement function recording a mail
 * from its SES tags) leaves a slot or index that is already recorded as it is.
 */
export async function writeSentMessage(
  client: DynamoDBDocumentClient,
  tableName: string,
  customer: CustomerRef,
  messageKey: string,
  sent: SentMessage,
  mode: 'overwrite' | 'keep-first',
): Promise<void> {
  const keepFirst = mode === 'keep-first';
  await conditionally(
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: customerPk(customer), sk: `MESSAGE#${messageKey}` },
        UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :sentAt',
        ...(keepFirst && { ConditionExpression: 'attribute_not_exists(#status) OR #status <> :sent' }),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':messageId': sent.messageId, ':sentAt': sent.sentAt },
      }),
    ),
  );
  const fields = { ...customer, messageKey, ...sent };
  await conditionally(
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `SESMESSAGE#${sent.messageId}`, sk: 'MESSAGE' },
        UpdateExpression: `SET ${Object.keys(fields)
          .map((name) => `#${name} = :${name}`)
          .join(', ')}`,
        ...(keepFirst && { ConditionExpression: 'attribute_not_exists(#journey)' }),
        ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(
          Object.entries(fields).map(([name, value]) => [`:${name}`, value]),
        ),
      }),
    ),
  );
}

/** A failed condition means the item was already recorded: nothing to do. */
async function conditionally(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
