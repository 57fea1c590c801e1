import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#events/schemas.ts';
import { Engagement } from '#infra/constructs/engagement.ts';
import { OperationsAlarms } from '#infra/constructs/operations-alarms.ts';
import { ENTRY_METADATA_KEY } from '#infra/constructs/service-function.ts';

describe('Construct: Engagement', () => {
  let template: Template;
  let stack: Stack;
  let engagement: Engagement;
  const ref = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);

  beforeAll(() => {
    // Prepare (bundling skipped: only the template is read)
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Test');
    const table = (id: string) =>
      new Table(stack, id, {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
      });
    const queue = (id: string) => new Queue(stack, id);
    engagement = new Engagement(stack, 'Engagement', {
      storefrontBus: new EventBus(stack, 'Bus'),
      messagesTable: table('Messages'),
      profilesTable: table('Profiles'),
      storesTable: table('Stores'),
      sesEventsQueue: queue('SesEvents'),
      sesEventsDlq: queue('SesEventsDlq'),
      sesEventsRuleDlq: queue('SesEventsRuleDlq'),
      ordersQueue: queue('Orders'),
      ordersDlq: queue('OrdersDlq'),
      ordersRuleDlq: queue('OrdersRuleDlq'),
      conversionWindow: Duration.days(14),
      alarms: new OperationsAlarms(stack, 'Alarms'),
    });

    // Act
    template = Template.fromStack(stack);
  });

  it('creates the two functions from their handler entries, with their tables', () => {
    // Assess
    const functions = template.findResources('AWS::Lambda::Function');
    const byEntry = Object.fromEntries(
      Object.values(functions).map((fn) => [
        fn.Metadata?.[ENTRY_METADATA_KEY],
        fn.Properties.Environment.Variables,
      ]),
    );
    expect(Object.keys(byEntry).sort()).toEqual([
      'functions/engagement/handlers/attribute-orders.ts',
      'functions/engagement/handlers/ses-events.ts',
    ]);
    expect(byEntry['functions/engagement/handlers/ses-events.ts']).toMatchObject({
      MESSAGES_TABLE_NAME: { Ref: expect.stringMatching(/^Messages/) },
      POWERTOOLS_SERVICE_NAME: 'engagement',
    });
    expect(byEntry['functions/engagement/handlers/attribute-orders.ts']).toMatchObject({
      MESSAGES_TABLE_NAME: { Ref: expect.stringMatching(/^Messages/) },
      PROFILES_TABLE_NAME: { Ref: expect.stringMatching(/^Profiles/) },
      CONVERSION_WINDOW_SECONDS: String(14 * 24 * 60 * 60),
    });
    expect(byEntry['functions/engagement/handlers/attribute-orders.ts']).not.toHaveProperty(
      'ATTRIBUTION_CLICK_WINDOW_SECONDS',
    );
  });

  it('consumes both queues in batches of ten with partial batch failures', () => {
    // Assess
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    for (const queue of ['SesEvents', 'Orders']) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}[0-9A-F]+$`), 'Arn'] },
      });
    }
  });

  it('routes the SES email events of the default bus to their queue, with the rule DLQ', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: {
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
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SesEvents[0-9A-F]+$'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SesEventsRuleDlq'), 'Arn'] } },
        }),
      ],
    });
  });

  it('routes orders, refunds, cancellations and order updates of the storefront bus to the attribution queue, with the rule DLQ', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Bus') },
      EventPattern: {
        source: [EVENT_SOURCE],
        'detail-type': ['order.placed', 'order.refunded', 'order.cancelled', 'order.updated'],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders[0-9A-F]+$'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersRuleDlq'), 'Arn'] } },
        }),
      ],
    });
  });

  it('leaves the queue policies to the stack that owns the queues', () => {
    // Assess
    template.resourceCountIs('AWS::SQS::QueuePolicy', 0);
  });

  it('grants the SES-events function writes to the messages table only, and the attribution function no profile writes', () => {
    // Assess
    const policies = template.findResources('AWS::IAM::Policy');
    const actionsOf = (fn: { role: unknown }) =>
      Object.entries(policies)
        .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(ref(fn.role as never)))
        .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement)
        .map((statement: { Action: string | string[]; Resource: unknown }) => ({
          actions: [statement.Action].flat(),
          resource: JSON.stringify(statement.Resource),
        }));
    const profileWrites = actionsOf(engagement.attributeOrdersFunction).filter(
      ({ actions, resource }) => resource.includes('Profiles') && actions.includes('dynamodb:PutItem'),
    );
    const sesEventsWritten = actionsOf(engagement.sesEventsFunction)
      .filter(({ actions }) =>
        actions.some((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
      )
      .map(({ resource }) => resource);
    expect(profileWrites).toEqual([]);
    expect(sesEventsWritten.length).toBeGreaterThan(0);
    expect(sesEventsWritten.every((resource) => resource.includes('Messages'))).toBe(true);
  });

  it('alarms on both dead-letter queues, both rule dead-letter queues and both functions', () => {
    // Assess
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of [
      'SesEventsDlqDepthAlarm',
      'SesEventsRuleDlqDepthAlarm',
      'OrdersDlqDepthAlarm',
      'OrdersRuleDlqDepthAlarm',
      'SesEventsFunctionErrorsAlarm',
      'AttributeOrdersFunctionErrorsAlarm',
    ]) {
      expect(alarms.some((logicalId) => logicalId.includes(id))).toBe(true);
    }
  });
});
