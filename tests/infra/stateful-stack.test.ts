import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_FUNCTION_TIMEOUT } from '#infra/app-factory.ts';
import { DORMANT_ON_INDEX, PROFILE_EVENTS_MAX_RECEIVE_COUNT } from '#infra/stacks/stateful-stack.ts';
import {
  type CfnTemplate,
  logicalIdNamed,
  logicalIdOfType,
  raw,
  resourcesOfType,
} from './template-helpers.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

describe('Stack: Stateful', () => {
  let template: Template;
  let json: CfnTemplate;
  let statelessJson: CfnTemplate;

  let built: TestApp;

  beforeAll(() => {
    // Prepare (once: synthesis bundles every function with esbuild)
    built = buildTestApp();
    template = Template.fromStack(built.stateful);
    json = raw(template);
    statelessJson = raw(Template.fromStack(built.stateless));
  });
  afterAll(() => built?.dispose());

  it('keys the profiles table by pk alone, on demand, with PITR, TTL on expiresAt, retained', () => {
    // Act
    const profiles = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'ProfilesTable')]!;

    // Assess
    expect(profiles.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(profiles.DeletionPolicy).toBe('Retain');
  });

  it('keys the stores table by pk alone, on demand, with PITR, retained', () => {
    // Act
    const stores = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'StoresTable')]!;

    // Assess
    expect(stores.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(stores.DeletionPolicy).toBe('Retain');
  });

  it('indexes profiles by the day they fall dormant (DormantOn: dormantOn + pk, keys only)', () => {
    // Act
    const profiles = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'ProfilesTable')]!;

    // Assess
    expect(profiles.Properties!.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: DORMANT_ON_INDEX,
        KeySchema: [
          { AttributeName: 'dormantOn', KeyType: 'HASH' },
          { AttributeName: 'pk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(profiles.Properties!.AttributeDefinitions).toEqual(
      expect.arrayContaining([{ AttributeName: 'dormantOn', AttributeType: 'S' }]),
    );
    expect(DORMANT_ON_INDEX).toBe('DormantOn');
  });

  it('keys the messages table by pk and sk, on demand, with PITR, TTL on expiresAt, retained', () => {
    // Act
    const messages = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'MessagesTable')]!;

    // Assess
    expect(messages.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(messages.Properties!.GlobalSecondaryIndexes).toBeUndefined();
    expect(messages.DeletionPolicy).toBe('Retain');
    expect(messages.UpdateReplacePolicy).toBe('Retain');
  });

  it('hard-codes no physical names for tables and queues', () => {
    // Act
    const named = [
      ...resourcesOfType(json, 'AWS::DynamoDB::Table').filter(
        ([, r]) => r.Properties?.TableName !== undefined,
      ),
      ...resourcesOfType(json, 'AWS::SQS::Queue').filter(([, r]) => r.Properties?.QueueName !== undefined),
    ];

    // Assess
    expect(named).toEqual([]);
  });

  it('archives every event on the custom bus for 30 days', () => {
    // Act
    const busId = logicalIdOfType(json, 'AWS::Events::EventBus');

    // Assess
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: 30,
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
    });
  });

  it('takes the archive retention from the archiveRetentionDays context value', () => {
    // Prepare
    const other = buildTestApp({ context: { archiveRetentionDays: '90' }, bundle: false });

    // Act
    const archive = Template.fromStack(other.stateful);
    other.dispose();

    // Assess
    archive.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('fails when archiveRetentionDays is not a positive whole number', () => {
    // Act
    const build = () => buildTestApp({ context: { archiveRetentionDays: 'soon' }, bundle: false });

    // Assess
    expect(build).toThrow(/archiveRetentionDays must be a positive whole number/);
  });

  it('holds the profile-events queue and three dead-letter queues, only the first with a redrive policy', () => {
    // Prepare
    const queueIds = [
      logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsQueue'),
      logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsDlq'),
      logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsRuleDlq'),
      logicalIdNamed(json, 'AWS::SQS::Queue', 'JourneyStartsDlq'),
    ];

    // Act
    const queues = resourcesOfType(json, 'AWS::SQS::Queue');
    const redriving = queues.filter(([, r]) => r.Properties?.RedrivePolicy !== undefined).map(([id]) => id);

    // Assess
    expect(queues.map(([id]) => id).sort()).toEqual([...queueIds].sort());
    expect(redriving).toEqual([queueIds[0]]);
  });

  it('redrives the profile-events queue to the profile-events dead-letter queue after 5 receives', () => {
    // Act
    const main = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsQueue')]!;

    // Assess
    expect(main.Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: {
        'Fn::GetAtt': [logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsDlq'), 'Arn'],
      },
      maxReceiveCount: PROFILE_EVENTS_MAX_RECEIVE_COUNT,
    });
    expect(PROFILE_EVENTS_MAX_RECEIVE_COUNT).toBe(5);
  });

  it.each(['ProfileEventsDlq', 'ProfileEventsRuleDlq', 'JourneyStartsDlq'])(
    'keeps messages in %s for 14 days, the SQS maximum',
    (constructId) => {
      // Act
      const queue = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', constructId)]!;

      // Assess
      expect(queue.Properties!.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    },
  );

  it('gives the profile-events queue a visibility timeout of at least six times the consumer timeout', () => {
    // Act
    const [, main] = resourcesOfType(json, 'AWS::SQS::Queue').find(([, r]) => r.Properties?.RedrivePolicy)!;
    const consumer = resourcesOfType(statelessJson, 'AWS::Lambda::Function').find(
      ([, r]) => r.Metadata?.['storefront-journeys:entry'] === 'functions/profiles/handlers/apply-events.ts',
    )!;

    // Assess
    expect(consumer[1].Properties!.Timeout).toBe(PROFILE_FUNCTION_TIMEOUT.toSeconds());
    expect(main.Properties!.VisibilityTimeout as number).toBeGreaterThanOrEqual(
      6 * (consumer[1].Properties!.Timeout as number),
    );
  });

  it('encrypts every queue and denies requests without TLS', () => {
    // Act
    const queueIds = resourcesOfType(json, 'AWS::SQS::Queue').map(([id]) => id);

    // Assess
    for (const id of queueIds) {
      expect(json.Resources[id]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('lets only rules on the bus, in this account, send to the profile-events queue and the rule and journey-start dead-letter queues', () => {
    // Prepare
    const busId = logicalIdOfType(json, 'AWS::Events::EventBus');
    const expected = ['ProfileEventsQueue', 'ProfileEventsRuleDlq', 'JourneyStartsDlq'].map((id) =>
      logicalIdNamed(json, 'AWS::SQS::Queue', id),
    );

    // Act
    const allowing = resourcesOfType(json, 'AWS::SQS::QueuePolicy').filter(([, r]) =>
      JSON.stringify(r.Properties).includes('events.amazonaws.com'),
    );
    const queues = allowing.flatMap(([, r]) => (r.Properties!.Queues as { Ref: string }[]).map((q) => q.Ref));

    // Assess
    expect(queues.sort()).toEqual([...expected].sort());
    for (const [, policy] of allowing) {
      const queueId = (policy.Properties!.Queues as { Ref: string }[])[0]!.Ref;
      const statement = (
        policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }
      ).Statement.find((s) => s.Effect === 'Allow')!;
      expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(statement.Action).toBe('sqs:SendMessage');
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      expect(JSON.stringify(statement.Condition)).toContain(`{"Ref":"${busId}"},"/*"`);
      expect(statement.Condition).toMatchObject({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      });
    }
  });

  it('outputs the table names, bus and archive names, queue and dead-letter queue URLs', () => {
    // Act
    const outputs = Object.keys(json.Outputs ?? {}).filter((key) => !key.startsWith('ExportsOutput'));

    // Assess
    expect(outputs.sort()).toEqual(
      [
        'EventArchiveName',
        'EventBusName',
        'JourneyStartsDlqUrl',
        'MessagesTableName',
        'ProfileEventsDlqUrl',
        'ProfileEventsQueueUrl',
        'ProfileEventsRuleDlqUrl',
        'ProfilesTableName',
        'StoresTableName',
      ].sort(),
    );
  });
});
