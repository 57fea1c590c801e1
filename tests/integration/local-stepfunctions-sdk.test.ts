import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { type DynaliteServer, startDynalite } from '#local/dynamodb/dynalite-server.ts';
import { ensureTables } from '#local/dynamodb/ensure-tables.ts';
import { createServiceCaller } from '#local/stepfunctions/aws-sdk-caller.ts';
import { LocalStepFunctions } from '#local/stepfunctions/service.ts';

let dynamodb: DynaliteServer;
let stepFunctions: LocalStepFunctions;
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Counter';

/** Writes an item once (a second write fails its condition and is caught), then reads it back with aws-sdk. */
const definition = {
  StartAt: 'Put',
  States: {
    Put: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: {
        TableName: 'Things',
        Item: { pk: { 'S.$': '$.id' }, note: { S: 'written by a state machine' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      ResultPath: null,
      Catch: [
        { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.caught', Next: 'Get' },
      ],
      Next: 'Get',
    },
    Get: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
      Parameters: { TableName: 'Things', Key: { pk: { 'S.$': '$.id' } } },
      ResultSelector: { 'note.$': '$.Item.note.S' },
      ResultPath: '$.read',
      End: true,
    },
  },
};

beforeAll(async () => {
  dynamodb = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(client, [
    {
      TableName: 'Things',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  ]);
  stepFunctions = new LocalStepFunctions({
    clock: createVirtualClock({ speed: 1 }),
    invokeFunction: async () => ({}),
    callService: createServiceCaller({ endpoints: { dynamodb: dynamodb.endpoint }, region: 'us-east-1' }),
    stateMachines: [{ name: 'Counter', arn: ARN, definition }],
  });
  await stepFunctions.ready();
});
afterAll(async () => {
  await stepFunctions?.close();
  await dynamodb?.close();
});

async function finished(executionArn: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const description = await stepFunctions.describeExecution(executionArn);
    if (description.status !== 'RUNNING') return description;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('execution did not finish');
}

describe('Class: LocalStepFunctions with service integrations', () => {
  it('runs dynamodb:putItem and aws-sdk:dynamodb:getItem against the local DynamoDB, with AWS error names', async () => {
    // Act
    const first = await stepFunctions.startExecution({ stateMachineArn: ARN, input: '{"id":"thing-1"}' });
    const second = await stepFunctions.startExecution({ stateMachineArn: ARN, input: '{"id":"thing-1"}' });
    const [once, twice] = [await finished(first.executionArn), await finished(second.executionArn)];

    // Assess
    expect(once.status).toBe('SUCCEEDED');
    expect(JSON.parse(once.output ?? '{}')).toEqual({
      id: 'thing-1',
      read: { note: 'written by a state machine' },
    });
    expect(twice.status).toBe('SUCCEEDED');
    expect(JSON.parse(twice.output ?? '{}').caught.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });
});
