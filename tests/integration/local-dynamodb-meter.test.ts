import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '#local/dynamodb/dynalite-server.ts';
import { type LocalDynamoDb, startLocalDynamoDb, tableOf } from '#tests/helpers/local-dynamodb.ts';

let tables: LocalDynamoDb;
let dynamodb: DynaliteServer;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  tables = await startLocalDynamoDb([tableOf('Metered', 'pk')], { meter: true });
  ({ dynamodb, documents } = tables);
});

afterAll(async () => {
  await tables.close();
});

describe('dynalite with the capacity meter', () => {
  it('counts the units of reads and writes as DynamoDB bills them, and the client sees the answer it asked for', async () => {
    const before = { ...dynamodb.consumed };
    // 2.5 KB: three write units (1 KB each), one strongly consistent read unit (4 KB).
    await documents.send(
      new PutCommand({ TableName: 'Metered', Item: { pk: 'a', blob: 'x'.repeat(2_500) } }),
    );
    const read = await documents.send(
      new GetCommand({ TableName: 'Metered', Key: { pk: 'a' }, ConsistentRead: true }),
    );

    expect(read.Item?.blob).toHaveLength(2_500);
    expect(read.ConsumedCapacity).toBeUndefined();
    expect(dynamodb.consumed?.writeRequestUnits).toBe((before.writeRequestUnits ?? 0) + 3);
    expect(dynamodb.consumed?.readRequestUnits).toBe((before.readRequestUnits ?? 0) + 1);
  });

  it('keeps the capacity in the answer when the client asked for it, and counts it once', async () => {
    const before = dynamodb.consumed?.readRequestUnits ?? 0;
    const answer = await documents.send(
      new QueryCommand({
        TableName: 'Metered',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'a' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    expect(answer.Items).toHaveLength(1);
    expect(answer.ConsumedCapacity?.CapacityUnits).toBe(0.5);
    expect(dynamodb.consumed?.readRequestUnits).toBe(before + 0.5);
  });

  it('passes calls it does not meter, and refusals, through unchanged', async () => {
    const before = { ...dynamodb.consumed };
    await expect(
      documents.send(
        new PutCommand({
          TableName: 'Metered',
          Item: { pk: 'a' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow(/conditional request failed/i);
    await expect(documents.send(new GetCommand({ TableName: 'Missing', Key: { pk: 'a' } }))).rejects.toThrow(
      /resource not found/i,
    );

    expect(dynamodb.consumed).toEqual(before);
  });

  it('counts nothing on a dynalite started without the meter', async () => {
    const plain = await startDynalite();
    try {
      expect(plain.consumed).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
