import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_FUNCTION_TIMEOUT } from '#infra/app-factory.ts';
import { DORMANT_ON_INDEX, MAX_RECEIVE_COUNT } from '#infra/stacks/stateful-stack.ts';
import {
  type CfnResource,
  type CfnTemplate,
  describeValue,
  functionIdByEntry,
  type Json,
  logicalIdNamed,
  logicalIdOfType,
  raw,
  resourcesOfType,
} from './template-helpers.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

/** Queues an EventBridge rule feeds and a function consumes. */
const CONSUMER_QUEUES = [
  'ProfileEventsQueue',
  'SesEventsQueue',
  'AttributionOrdersQueue',
  'JourneyEventsQueue',
  'JourneyEntriesQueue',
];
/** Queues rules on the storefront bus deliver to: targets and their dead-letter queues, journey starts. */
const STOREFRONT_BUS_QUEUES = [
  'ProfileEventsQueue',
  'ProfileEventsRuleDlq',
  'JourneyStartsDlq',
  'AttributionOrdersQueue',
  'JourneyEventsQueue',
  'JourneyEventsRuleDlq',
  'JourneyEntriesQueue',
  'JourneyEntriesRuleDlq',
  'AttributionOrdersRuleDlq',
];
/** SES publishes to the account's default bus only, so the SES-events rule lives there. */
const DEFAULT_BUS_QUEUES = ['SesEventsQueue', 'SesEventsRuleDlq'];

/** `SesEventsQueue` → `SesEvents`: the construct id prefix its dead-letter queues share. */
function prefixOf(queue: string): string {
  return queue.replace(/Queue$/, '');
}

function allowStatementsOf(policy: CfnResource): Json[] {
  return (policy.Properties!.PolicyDocument as { Statement: Json[] }).Statement.filter(
    (s) => s.Effect === 'Allow',
  );
}

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

  it('keys the profiles table by pk alone, on demand, with PITR, TTL on expiresAt, retained and protected from deletion', () => {
    // Act
    const profiles = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'ProfilesTable')]!;

    // Assess
    expect(profiles.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(profiles.DeletionPolicy).toBe('Retain');
  });

  it('keys the stores table by pk alone, on demand, with PITR, retained and protected from deletion', () => {
    // Act
    const stores = json.Resources[logicalIdNamed(json, 'AWS::DynamoDB::Table', 'StoresTable')]!;

    // Assess
    expect(stores.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
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

  it('keys the messages table by pk and sk, on demand, with PITR, TTL on expiresAt, retained and protected from deletion', () => {
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
      DeletionProtectionEnabled: true,
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

  it('holds the five consumer queues, each with a redrive and a rule dead-letter queue, the erasure-requests queue with its dead-letter queue, and the journey-starts dead-letter queue', () => {
    // Prepare
    const consumers = [...CONSUMER_QUEUES, 'ErasureRequestsQueue'].map((queue) =>
      logicalIdNamed(json, 'AWS::SQS::Queue', queue),
    );
    const deadLetterQueues = [
      ...CONSUMER_QUEUES.flatMap((queue) => [`${prefixOf(queue)}Dlq`, `${prefixOf(queue)}RuleDlq`]),
      'ErasureRequestsDlq',
      'JourneyStartsDlq',
    ].map((queue) => logicalIdNamed(json, 'AWS::SQS::Queue', queue));

    // Act
    const queues = resourcesOfType(json, 'AWS::SQS::Queue');
    const redriving = queues.filter(([, r]) => r.Properties?.RedrivePolicy !== undefined).map(([id]) => id);

    // Assess
    expect(queues.map(([id]) => id).sort()).toEqual([...consumers, ...deadLetterQueues].sort());
    expect(queues).toHaveLength(18);
    expect(redriving.sort()).toEqual([...consumers].sort());
  });

  it.each(CONSUMER_QUEUES)('redrives %s to its own dead-letter queue after 5 receives', (queue) => {
    // Act
    const main = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', queue)]!;

    // Assess
    expect(main.Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: {
        'Fn::GetAtt': [logicalIdNamed(json, 'AWS::SQS::Queue', `${prefixOf(queue)}Dlq`), 'Arn'],
      },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(MAX_RECEIVE_COUNT).toBe(5);
  });

  it.each([
    'ProfileEventsDlq',
    'ProfileEventsRuleDlq',
    'JourneyStartsDlq',
    'SesEventsDlq',
    'SesEventsRuleDlq',
    'AttributionOrdersDlq',
    'AttributionOrdersRuleDlq',
  ])('keeps messages in %s for 14 days, the SQS maximum', (constructId) => {
    // Act
    const queue = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', constructId)]!;

    // Assess
    expect(queue.Properties!.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
  });

  it.each([
    ['ProfileEventsQueue', 'functions/profiles/handlers/apply-events.ts'],
    ['SesEventsQueue', 'functions/engagement/handlers/ses-events.ts'],
    ['AttributionOrdersQueue', 'functions/engagement/handlers/attribute-orders.ts'],
  ])(
    'gives %s a visibility timeout of at least six times the timeout of its consumer, %s',
    (queue, entry) => {
      // Act
      const main = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', queue)]!;
      const consumer = statelessJson.Resources[functionIdByEntry(statelessJson, entry)]!;

      // Assess
      expect(main.Properties!.VisibilityTimeout as number).toBeGreaterThanOrEqual(
        6 * (consumer.Properties!.Timeout as number),
      );
    },
  );

  it('times the profile function out after PROFILE_FUNCTION_TIMEOUT, which the profile-events queue is sized for', () => {
    // Act
    const consumer =
      statelessJson.Resources[
        functionIdByEntry(statelessJson, 'functions/profiles/handlers/apply-events.ts')
      ]!;
    const main = json.Resources[logicalIdNamed(json, 'AWS::SQS::Queue', 'ProfileEventsQueue')]!;

    // Assess
    expect(consumer.Properties!.Timeout).toBe(PROFILE_FUNCTION_TIMEOUT.toSeconds());
    expect(main.Properties!.VisibilityTimeout).toBe(6 * PROFILE_FUNCTION_TIMEOUT.toSeconds());
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

  it('lets only EventBridge rules of this account send to the queues rules deliver to, and to no other queue', () => {
    // Prepare
    const fedByRules = [...STOREFRONT_BUS_QUEUES, ...DEFAULT_BUS_QUEUES].map((id) =>
      logicalIdNamed(json, 'AWS::SQS::Queue', id),
    );

    // Act
    const allowing = resourcesOfType(json, 'AWS::SQS::QueuePolicy').filter(
      ([, r]) => allowStatementsOf(r).length > 0,
    );
    const queues = allowing.flatMap(([, r]) => (r.Properties!.Queues as { Ref: string }[]).map((q) => q.Ref));

    // Assess
    expect(queues.sort()).toEqual([...fedByRules].sort());
  });

  it.each([
    ...STOREFRONT_BUS_QUEUES.map((queue) => ['the storefront bus', queue] as const),
    ...DEFAULT_BUS_QUEUES.map((queue) => ['the default bus', queue] as const),
  ])('lets only rules on %s, in this account, send to %s', (bus, queue) => {
    // Prepare
    const queueId = logicalIdNamed(json, 'AWS::SQS::Queue', queue);
    const rules =
      bus === 'the default bus' ? 'rule/*' : `rule/<${logicalIdOfType(json, 'AWS::Events::EventBus')}>/*`;

    // Act
    const policies = resourcesOfType(json, 'AWS::SQS::QueuePolicy').filter(([, r]) =>
      JSON.stringify(r.Properties!.Queues).includes(`"Ref":"${queueId}"`),
    );
    const allowed = policies.flatMap(([, policy]) => allowStatementsOf(policy));
    const statement = allowed[0]!;
    const condition = statement.Condition as {
      ArnLike: { 'aws:SourceArn': unknown };
      StringEquals: Record<string, unknown>;
    };

    // Assess
    expect(policies).toHaveLength(1);
    expect((policies[0]![1].Properties!.Queues as unknown[]).length).toBe(1);
    expect(allowed).toHaveLength(1);
    expect(statement).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    expect(Object.keys(condition).sort()).toEqual(['ArnLike', 'StringEquals']);
    expect(describeValue(json, condition.ArnLike['aws:SourceArn'])).toBe(
      `arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:${rules}`,
    );
    expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  });

  it('retains the bus, its archive and every queue when the stack is deleted, as it does the tables', () => {
    // Act
    const held = [
      ...resourcesOfType(json, 'AWS::SQS::Queue'),
      ...resourcesOfType(json, 'AWS::Events::EventBus'),
      ...resourcesOfType(json, 'AWS::Events::Archive'),
      ...resourcesOfType(json, 'AWS::DynamoDB::Table'),
    ];

    // Assess
    expect(held).toHaveLength(18 + 1 + 1 + 3);
    for (const [id, resource] of held) {
      expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
    }
  });

  it('outputs the table names, bus and archive names, the profile-events queue URL and every dead-letter queue URL', () => {
    // Act
    const outputs = Object.keys(json.Outputs ?? {}).filter((key) => !key.startsWith('ExportsOutput'));

    // Assess
    expect(outputs.sort()).toEqual(
      [
        'ErasureRequestsDlqUrl',
        'EventArchiveName',
        'EventBusName',
        'JourneyStartsDlqUrl',
        'SesEventsDlqUrl',
        'SesEventsRuleDlqUrl',
        'AttributionOrdersDlqUrl',
        'AttributionOrdersRuleDlqUrl',
        'JourneyEventsDlqUrl',
        'JourneyEventsRuleDlqUrl',
        'JourneyEntriesDlqUrl',
        'JourneyEntriesRuleDlqUrl',
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
