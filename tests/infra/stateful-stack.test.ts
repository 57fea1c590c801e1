import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_FUNCTION_TIMEOUT } from '#infra/app-factory.ts';
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

  it('redrives the profile-events queue to its dead-letter queue after 5 receives', () => {
    // Act
    const queues = resourcesOfType(json, 'AWS::SQS::Queue');
    const [, main] = queues.find(([, r]) => r.Properties?.RedrivePolicy !== undefined)!;
    const policy = main.Properties!.RedrivePolicy as {
      deadLetterTargetArn: { 'Fn::GetAtt': [string, string] };
    };

    // Assess
    expect(queues).toHaveLength(3);
    expect(main.Properties!.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    expect(json.Resources[policy.deadLetterTargetArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::SQS::Queue');
  });

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

  it('lets only rules on the bus, in this account, send to the profile-events queue and the rule dead-letter queue', () => {
    // Act
    const busId = logicalIdOfType(json, 'AWS::Events::EventBus');
    const allowing = resourcesOfType(json, 'AWS::SQS::QueuePolicy').filter(([, r]) =>
      JSON.stringify(r.Properties).includes('events.amazonaws.com'),
    );

    // Assess
    expect(allowing).toHaveLength(2);
    for (const [, policy] of allowing) {
      const statement = (
        policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }
      ).Statement.find((s) => s.Effect === 'Allow')!;
      expect(statement.Action).toBe('sqs:SendMessage');
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
