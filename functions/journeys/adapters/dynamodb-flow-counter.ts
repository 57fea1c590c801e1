import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { addFlowCounts, type FlowCounts, type FlowTally } from '../step/flow-counts.ts';
import type { FlowCounter } from '../step/ports.ts';

/**
 * A busy node (mails released together at the end of quiet hours) would update one item hundreds of
 * times a second; eight items per day share the load, and a read adds them up.
 */
const SHARDS = 8;
const DAY_SECONDS = 86_400;
/** Long enough to compare a journey's flow year over year. */
const COUNTS_TTL_DAYS = 400;
/** Runs are counted as waiting until the ten minutes in which their wait ends. */
const WAIT_BUCKET_MS = 10 * 60 * 1000;
/** Separates the node from the counter name in an attribute name; node ids and names never hold it. */
const SEPARATOR = '|';

const flowPk = (storeId: string, journey: string) => `FLOW#${storeId}#${journey}`;
const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const waitBucketOf = (until: string) =>
  new Date(Math.floor(Date.parse(until) / WAIT_BUCKET_MS) * WAIT_BUCKET_MS).toISOString().slice(0, 16);
const shardOf = (key: string) => createHash('sha256').update(key).digest().readUInt32BE(0) % SHARDS;
const epochSeconds = (at: number) => Math.floor(at / 1000);

/**
 * The flow view's counters in the Messages table: `DAY#<day>#<shard>` items with one number per
 * node and counter (`reminder-1|sent`), and `WAIT#<ten minutes>#<shard>` items counting, per node,
 * the runs whose wait ends then. Each answer is one UpdateItem (two when the run waits); a retried
 * Lambda may count an answer twice, as it would a CloudWatch metric.
 */
export class DynamoDbFlowCounter implements FlowCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(storeId: string, journey: string, at: Date, tally: FlowTally, shardKey: string): Promise<void> {
    const shard = shardOf(shardKey);
    const attribute = (name: string) => `${tally.node}${SEPARATOR}${name}`;
    await this.addTo(
      { pk: flowPk(storeId, journey), sk: `DAY#${dayOf(at)}#${shard}` },
      [
        ...tally.names.map((name): [string, number] => [attribute(name), 1]),
        ...Object.entries(tally.amounts ?? {}).map(([name, amount]): [string, number] => [
          attribute(name),
          amount,
        ]),
      ],
      epochSeconds(at.getTime()) + COUNTS_TTL_DAYS * DAY_SECONDS,
    );
    if (tally.waitingUntil !== undefined)
      await this.wait(storeId, journey, tally.node, tally.waitingUntil, shard, 1);
  }

  async stopWaiting(
    storeId: string,
    journey: string,
    node: string,
    until: string,
    shardKey: string,
  ): Promise<void> {
    await this.wait(storeId, journey, node, until, shardOf(shardKey), -1);
  }

  async read(
    storeId: string,
    journey: string,
    span: { from: Date; to: Date; now: Date },
  ): Promise<{ counts: FlowCounts; waiting: Record<string, number> }> {
    const counts: FlowCounts = {};
    for (const item of await this.query(
      storeId,
      journey,
      `DAY#${dayOf(span.from)}`,
      `DAY#${dayOf(span.to)}#~`,
    )) {
      for (const [attribute, value] of Object.entries(item)) {
        const at = attribute.indexOf(SEPARATOR);
        if (at > 0 && typeof value === 'number')
          addFlowCounts(counts, attribute.slice(0, at), attribute.slice(at + 1), value);
      }
    }
    const waiting: Record<string, number> = {};
    // Buckets ending after now: the current one may hold runs that moved on less than ten minutes ago.
    const from = `WAIT#${waitBucketOf(span.now.toISOString())}`;
    for (const item of await this.query(storeId, journey, from, 'WAIT#~')) {
      for (const [node, value] of Object.entries(item)) {
        if (node.startsWith('n:') && typeof value === 'number')
          waiting[node.slice(2)] = (waiting[node.slice(2)] ?? 0) + value;
      }
    }
    for (const [node, value] of Object.entries(waiting)) if (value <= 0) delete waiting[node];
    return { counts, waiting };
  }

  private async wait(
    storeId: string,
    journey: string,
    node: string,
    until: string,
    shard: number,
    change: 1 | -1,
  ): Promise<void> {
    await this.addTo(
      { pk: flowPk(storeId, journey), sk: `WAIT#${waitBucketOf(until)}#${shard}` },
      [[`n:${node}`, change]],
      epochSeconds(Date.parse(until)) + DAY_SECONDS,
    );
  }

  private async addTo(
    key: { pk: string; sk: string },
    changes: ReadonlyArray<[attribute: string, change: number]>,
    expiresAt: number,
  ): Promise<void> {
    if (changes.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `ADD ${changes.map((_, index) => `#c${index} :c${index}`).join(', ')} SET expiresAt = if_not_exists(expiresAt, :expiresAt)`,
        ExpressionAttributeNames: Object.fromEntries(
          changes.map(([attribute], index) => [`#c${index}`, attribute]),
        ),
        ExpressionAttributeValues: {
          ...Object.fromEntries(changes.map(([, change], index) => [`:c${index}`, change])),
          ':expiresAt': expiresAt,
        },
      }),
    );
  }

  async findWinner(storeId: string, journey: string, node: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: flowPk(storeId, journey), sk: `WINNER#${node}` },
      }),
    );
    return typeof Item?.winner === 'string' ? Item.winner : undefined;
  }

  async declareWinner(
    storeId: string,
    journey: string,
    node: string,
    decision: { winner: string; reason: string; at: string },
  ): Promise<string> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // Kept as long as the counters that decided it.
          Item: {
            pk: flowPk(storeId, journey),
            sk: `WINNER#${node}`,
            ...decision,
            expiresAt: epochSeconds(Date.parse(decision.at)) + COUNTS_TTL_DAYS * DAY_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return decision.winner;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.findWinner(storeId, journey, node)) ?? decision.winner;
    }
  }

  private async query(storeId: string, journey: string, from: string, to: string) {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': flowPk(storeId, journey), ':from': from, ':to': to },
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
