import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnResource,
  type CfnTemplate,
  functionIdByEntry,
  grantsOf,
  logicalIdNamed,
  logicalIdOfType,
  raw,
  referencedLogicalId,
  resourcesOfType,
  statementsOfFunction,
} from './template-helpers.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

const SES_EVENTS = 'functions/engagement/handlers/ses-events.ts';
const ATTRIBUTE_ORDERS = 'functions/engagement/handlers/attribute-orders.ts';

const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const FUNCTION_XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** Item reads only: no queries, scans or index access on profiles. */
const PROFILE_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem'];
/** Item reads, writes and per-customer queries on the messages table (no deletes, no scans). */
const MESSAGES_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];
/** What an SQS event source mapping needs on its queue. */
const QUEUE_CONSUME_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
/**
 * The detail-type under which SES puts each event type the configuration set publishes
 * (`MatchingEventTypes`) on the default bus.
 */
const SES_DETAIL_TYPES: Record<string, string> = {
  send: 'Email Sent',
  delivery: 'Email Delivered',
  open: 'Email Opened',
  click: 'Email Clicked',
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
  reject: 'Email Rejected',
  renderingFailure: 'Email Rendering Failed',
  deliveryDelay: 'Email Delivery Delayed',
};

interface QueueTarget {
  Arn: unknown;
  RoleArn?: unknown;
  DeadLetterConfig?: { Arn: unknown };
  RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
}

describe('Construct: Engagement', () => {
  let built: TestApp;
  let json: CfnTemplate;
  let stateful: CfnTemplate;

  beforeAll(() => {
    // Prepare (without bundling: the template is the same apart from asset hashes)
    built = buildTestApp({ bundle: false });
    json = raw(Template.fromStack(built.stateless));
    stateful = raw(Template.fromStack(built.stateful));
  });
  afterAll(() => built?.dispose());

  const queueId = (constructId: string) => logicalIdNamed(stateful, 'AWS::SQS::Queue', constructId);
  const tableId = (constructId: string) => logicalIdNamed(stateful, 'AWS::DynamoDB::Table', constructId);
  const rule = (constructId: string) =>
    json.Resources[logicalIdNamed(json, 'AWS::Events::Rule', constructId)]!;
  const onlyTargetOf = (resource: CfnResource) => {
    const targets = resource.Properties!.Targets as QueueTarget[];
    if (targets.length !== 1) throw new Error(`Expected one target, found ${targets.length}`);
    return targets[0]!;
  };
  const variablesOf = (entry: string) =>
    (
      json.Resources[functionIdByEntry(json, entry)]!.Properties!.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
  const logGroupOf = (entry: string) =>
    (
      json.Resources[functionIdByEntry(json, entry)]!.Properties!.LoggingConfig as {
        LogGroup: { Ref: string };
      }
    ).LogGroup.Ref;

  describe('SES-events function', () => {
    it('is configured with the messages table, the profiles and stores tables for erasure tombstones, and the default soft-bounce limit', () => {
      // Act
      const variables = variablesOf(SES_EVENTS);

      // Assess
      expect(referencedLogicalId(stateful, variables.MESSAGES_TABLE_NAME)).toBe(tableId('MessagesTable'));
      expect(referencedLogicalId(stateful, variables.PROFILES_TABLE_NAME)).toBe(tableId('ProfilesTable'));
      expect(referencedLogicalId(stateful, variables.STORES_TABLE_NAME)).toBe(tableId('StoresTable'));
      expect(variables.EVENT_BUS_NAME).toBeUndefined();
      expect(variables.SOFT_BOUNCE_LIMIT).toBeUndefined();
    });

    it('reads and writes the messages table, reads profile items and store records, consumes its queue, and nothing else', () => {
      // Act
      const grants = grantsOf(stateful, statementsOfFunction(json, functionIdByEntry(json, SES_EVENTS)));

      // Assess
      expect(grants).toEqual({
        [`<${logGroupOf(SES_EVENTS)}.Arn>`]: LOG_WRITE_ACTIONS,
        '*': FUNCTION_XRAY_ACTIONS,
        [`<${tableId('MessagesTable')}.Arn>`]: MESSAGES_ACTIONS,
        [`<${tableId('ProfilesTable')}.Arn>`]: PROFILE_READ_ACTIONS,
        [`<${tableId('StoresTable')}.Arn> if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["STORE#*"]}}`]:
          ['dynamodb:GetItem'],
        [`<${queueId('SesEventsQueue')}.Arn>`]: QUEUE_CONSUME_ACTIONS,
      });
    });
  });

  describe('order-attribution function', () => {
    it('is configured with the messages, profiles and stores tables, and the default attribution windows', () => {
      // Act
      const variables = variablesOf(ATTRIBUTE_ORDERS);

      // Assess
      expect(referencedLogicalId(stateful, variables.MESSAGES_TABLE_NAME)).toBe(tableId('MessagesTable'));
      expect(referencedLogicalId(stateful, variables.PROFILES_TABLE_NAME)).toBe(tableId('ProfilesTable'));
      // The store's signing key hashes erased customers' identities, whose replayed orders count for nothing.
      expect(referencedLogicalId(stateful, variables.STORES_TABLE_NAME)).toBe(tableId('StoresTable'));
      expect(variables.EVENT_BUS_NAME).toBeUndefined();
      expect(Object.keys(variables).filter((name) => name.endsWith('_WINDOW_SECONDS'))).toEqual([]);
    });

    it('reads profile items and store records, reads and writes the messages table and consumes its queue, and nothing else', () => {
      // Act
      const grants = grantsOf(
        stateful,
        statementsOfFunction(json, functionIdByEntry(json, ATTRIBUTE_ORDERS)),
      );

      // Assess
      expect(grants).toEqual({
        [`<${logGroupOf(ATTRIBUTE_ORDERS)}.Arn>`]: LOG_WRITE_ACTIONS,
        '*': FUNCTION_XRAY_ACTIONS,
        [`<${tableId('MessagesTable')}.Arn>`]: MESSAGES_ACTIONS,
        [`<${tableId('ProfilesTable')}.Arn>`]: PROFILE_READ_ACTIONS,
        [`<${tableId('StoresTable')}.Arn> if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["STORE#*"]}}`]:
          ['dynamodb:GetItem'],
        [`<${queueId('AttributionOrdersQueue')}.Arn>`]: QUEUE_CONSUME_ACTIONS,
      });
    });
  });

  describe('SES-events rule', () => {
    it('matches every event type the configuration set publishes, from SES, on the default bus', () => {
      // Prepare
      const [, destination] = resourcesOfType(json, 'AWS::SES::ConfigurationSetEventDestination')[0]!;
      const published = (
        destination.Properties!.EventDestination as { MatchingEventTypes: string[] }
      ).MatchingEventTypes.map((type) => SES_DETAIL_TYPES[type]);

      // Act
      const { EventBusName, EventPattern, State } = rule('EngagementSesEventsRule').Properties!;

      // Assess
      expect(EventBusName).toBe('default');
      expect(State).toBe('ENABLED');
      expect(EventPattern).toEqual({
        source: ['aws.ses'],
        'detail-type': [
          'Email Sent',
          'Email Delivered',
          'Email Opened',
          'Email Clicked',
          'Email Bounced',
          'Email Complaint Received',
          'Email Rejected',
          'Email Rendering Failed',
          'Email Delivery Delayed',
        ],
      });
      expect(published).not.toContain(undefined);
      expect([...published].sort()).toEqual(
        [...(EventPattern as { 'detail-type': string[] })['detail-type']].sort(),
      );
    });

    it('delivers to the SES-events queue, retrying for 2 hours before dead-lettering to its rule dead-letter queue', () => {
      // Act
      const target = onlyTargetOf(rule('EngagementSesEventsRule'));

      // Assess
      expect(referencedLogicalId(stateful, target.Arn)).toBe(queueId('SesEventsQueue'));
      expect(referencedLogicalId(stateful, target.DeadLetterConfig?.Arn)).toBe(queueId('SesEventsRuleDlq'));
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 });
      expect(target.RoleArn).toBeUndefined();
    });
  });

  describe('order rule', () => {
    it('matches orders, refunds, cancellations and order updates from the ingest source on the storefront bus', () => {
      // Act
      const { EventBusName, EventPattern, State } = rule('EngagementOrdersRule').Properties!;

      // Assess
      expect(referencedLogicalId(stateful, EventBusName)).toBe(
        logicalIdOfType(stateful, 'AWS::Events::EventBus'),
      );
      expect(State).toBe('ENABLED');
      expect(EventPattern).toEqual({
        source: ['storefront-journeys.ingest'],
        'detail-type': ['order.placed', 'order.refunded', 'order.cancelled', 'order.updated'],
      });
    });

    it('delivers to the attribution queue, retrying for 2 hours before dead-lettering to its rule dead-letter queue', () => {
      // Act
      const target = onlyTargetOf(rule('EngagementOrdersRule'));

      // Assess
      expect(referencedLogicalId(stateful, target.Arn)).toBe(queueId('AttributionOrdersQueue'));
      expect(referencedLogicalId(stateful, target.DeadLetterConfig?.Arn)).toBe(
        queueId('AttributionOrdersRuleDlq'),
      );
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 });
      expect(target.RoleArn).toBeUndefined();
    });
  });

  it('puts exactly these two rules in the engagement construct', () => {
    // Act
    const rules = resourcesOfType(json, 'AWS::Events::Rule')
      .map(([id]) => id)
      .filter((id) => id.startsWith('Engagement'));

    // Assess
    expect(rules.sort()).toEqual(
      [
        logicalIdNamed(json, 'AWS::Events::Rule', 'EngagementSesEventsRule'),
        logicalIdNamed(json, 'AWS::Events::Rule', 'EngagementOrdersRule'),
      ].sort(),
    );
  });
});
