import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#infra/constructs/service-function.ts';
import { deployedJourneys, journeyIds } from '#infra/journeys/catalog.ts';
import type { StatelessStack } from '#infra/stacks/stateless-stack.ts';

const JOURNEY_IDS = journeyIds();
const dormancyScanDays = () =>
  deployedJourneys().flatMap((journey) =>
    'schedule' in journey.trigger ? [journey.trigger.schedule.days] : [],
  )[0];

import {
  actionsOf,
  anyVersionOf,
  type CfnTemplate,
  ENTRY_KEY,
  entryOfRoute,
  functionIdByEntry,
  type Json,
  logicalIdNamed,
  logicalIdOfType,
  pascalCase,
  raw,
  referencedLogicalId,
  resolveImport,
  resourcesOf,
  resourcesOfType,
  roleIdOf,
  servicesAssuming,
  statementsOfFunction,
} from './template-helpers.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

const OWN_EVENTS = 'functions/ingest/handlers/own-events.ts';
const SEGMENT = 'functions/ingest/handlers/segment.ts';
const SHOPIFY = 'functions/ingest/handlers/shopify-webhook.ts';
const APPLY_EVENTS = 'functions/profiles/handlers/apply-events.ts';
const UNSUBSCRIBE = 'functions/messaging/handlers/unsubscribe.ts';
const JOURNEY_STEP = 'functions/journeys/handlers/journey-step.ts';
const WIN_BACK_SCAN = 'functions/journeys/handlers/dormancy-scan.ts';
const JOURNEY_EVENTS = 'functions/journeys/handlers/journey-events.ts';
const JOURNEY_ENTRY = 'functions/journeys/handlers/journey-entry.ts';
const SES_EVENTS = 'functions/engagement/handlers/ses-events.ts';
const ATTRIBUTE_ORDERS = 'functions/engagement/handlers/attribute-orders.ts';
const ERASE_CUSTOMERS = 'functions/privacy/handlers/erase-customers.ts';
const INGEST_ENTRIES = [OWN_EVENTS, SEGMENT, SHOPIFY];
/** Every function: entry, Powertools service name, timeout in seconds. */
const FUNCTIONS = [
  [OWN_EVENTS, 'ingest', 10],
  [SEGMENT, 'ingest', 10],
  [SHOPIFY, 'ingest', 10],
  [APPLY_EVENTS, 'profiles', 10],
  [UNSUBSCRIBE, 'messaging', 10],
  [JOURNEY_STEP, 'journeys', 30],
  [JOURNEY_EVENTS, 'journeys', 30],
  [JOURNEY_ENTRY, 'journeys', 30],
  [WIN_BACK_SCAN, 'journeys', 300],
  [SES_EVENTS, 'engagement', 15],
  [ATTRIBUTE_ORDERS, 'engagement', 15],
  [ERASE_CUSTOMERS, 'privacy', 30],
] as const;
const ALL_ENTRIES = FUNCTIONS.map(([entry]) => entry);

/** Every dead-letter queue: of the consumer queues (redrive), of rule targets, of journey starts. */
const DEAD_LETTER_QUEUES = [
  'ProfileEventsDlq',
  'ProfileEventsRuleDlq',
  'ErasureRequestsDlq',
  'JourneyStartsDlq',
  'SesEventsDlq',
  'SesEventsRuleDlq',
  'AttributionOrdersDlq',
  'AttributionOrdersRuleDlq',
  'JourneyEventsDlq',
  'JourneyEventsRuleDlq',
  'JourneyEntriesDlq',
  'JourneyEntriesRuleDlq',
];

/** Actions without resource-level permissions: X-Ray tracing, and Step Functions' log delivery setup. */
const XRAY_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

describe('Stack: Stateless', () => {
  let stack: StatelessStack;
  let template: Template;
  let json: CfnTemplate;
  let stateful: CfnTemplate;

  let built: TestApp;

  beforeAll(() => {
    // Prepare (once: synthesis bundles every function with esbuild)
    built = buildTestApp();
    stack = built.stateless;
    template = Template.fromStack(built.stateless);
    json = raw(template);
    stateful = raw(Template.fromStack(built.stateful));
  });
  afterAll(() => built?.dispose());

  const profilesTableId = () => logicalIdNamed(stateful, 'AWS::DynamoDB::Table', 'ProfilesTable');
  const storesTableId = () => logicalIdNamed(stateful, 'AWS::DynamoDB::Table', 'StoresTable');
  const busId = () => logicalIdOfType(stateful, 'AWS::Events::EventBus');
  const queueId = (constructId: string) => logicalIdNamed(stateful, 'AWS::SQS::Queue', constructId);
  const profileEventsQueueId = () => queueId('ProfileEventsQueue');

  describe('HTTP API', () => {
    it.each([
      ['POST /v1/events', 'own-events', OWN_EVENTS],
      ['POST /v1/track', 'segment', SEGMENT],
      ['POST /v1/identify', 'segment', SEGMENT],
      ['POST /v1/page', 'segment', SEGMENT],
      ['POST /v1/batch', 'segment', SEGMENT],
      ['POST /webhooks/shopify/{storeId}', 'shopify-webhook', SHOPIFY],
      ['GET /unsubscribe', 'unsubscribe', UNSUBSCRIBE],
      ['POST /unsubscribe', 'unsubscribe', UNSUBSCRIBE],
    ])('routes %s to the %s function', (routeKey, _name, entry) => {
      // Act
      const target = entryOfRoute(json, routeKey);

      // Assess
      expect(target).toBe(entry);
    });

    it('serves exactly the six ingest routes and GET/POST /unsubscribe', () => {
      // Act
      const routeKeys = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(
        ([, r]) => r.Properties?.RouteKey as string,
      );

      // Assess
      expect(routeKeys.sort()).toEqual(
        [
          'POST /v1/events',
          'POST /v1/track',
          'POST /v1/identify',
          'POST /v1/page',
          'POST /v1/batch',
          'POST /webhooks/shopify/{storeId}',
          'GET /unsubscribe',
          'POST /unsubscribe',
        ].sort(),
      );
    });

    it('uses one Lambda proxy integration (payload format 2.0) per function behind the API', () => {
      // Prepare
      const expected = [OWN_EVENTS, SEGMENT, SHOPIFY, UNSUBSCRIBE].map((entry) =>
        functionIdByEntry(json, entry),
      );

      // Act
      const integrations = resourcesOfType(json, 'AWS::ApiGatewayV2::Integration');
      const functions = integrations.map(
        ([, i]) => (i.Properties!.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      );

      // Assess
      expect(functions.sort()).toEqual(expected.sort());
      for (const [, integration] of integrations) {
        expect(integration.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
        });
      }
    });

    it('leaves authentication to the handlers (no API Gateway authorizer)', () => {
      // Act
      const authorizers = resourcesOfType(json, 'AWS::ApiGatewayV2::Authorizer');

      // Assess
      expect(authorizers).toEqual([]);
      template.allResourcesProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' });
    });

    it('deploys a $default stage with access logging and throttling', () => {
      // Act
      const [, stage] = resourcesOfType(json, 'AWS::ApiGatewayV2::Stage')[0]!;
      const destination = (
        stage.Properties!.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] } }
      ).DestinationArn['Fn::GetAtt'][0];

      // Assess
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
        // The webhook and unsubscribe routes get ceilings of their own, below ingest's.
        RouteSettings: {
          'POST /webhooks/shopify/{storeId}': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
          'GET /unsubscribe': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
          'POST /unsubscribe': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
        },
        AccessLogSettings: { Format: expect.stringContaining('$context.requestId') },
      });
      expect(json.Resources[destination]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    });

    it('outputs the API URL', () => {
      // Assess
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    });
  });

  describe('outputs', () => {
    it('outputs the API URL, every journey state machine, the SES configuration set and the alarm topic', () => {
      // Prepare
      const journeyOutputs = JOURNEY_IDS.map((journey) => `${pascalCase(journey)}JourneyArn`);

      // Act
      const outputs = Object.keys(json.Outputs ?? {});

      // Assess
      expect(outputs.sort()).toEqual(
        ['ApiUrl', ...journeyOutputs, 'ConfigurationSetName', 'AlarmTopicArn'].sort(),
      );
      for (const journey of JOURNEY_IDS) {
        expect(json.Outputs![`${pascalCase(journey)}JourneyArn`]!.Value).toEqual({
          Ref: logicalIdNamed(
            json,
            'AWS::StepFunctions::StateMachine',
            `Journeys${pascalCase(journey)}Journey`,
          ),
        });
      }
      expect(json.Outputs!.ConfigurationSetName!.Value).toEqual({
        Ref: logicalIdOfType(json, 'AWS::SES::ConfigurationSet'),
      });
    });
  });

  describe('functions', () => {
    it('deploys exactly the twelve functions', () => {
      // Act
      const entries = resourcesOfType(json, 'AWS::Lambda::Function').map(([, f]) => f.Metadata?.[ENTRY_KEY]);

      // Assess
      expect(entries.sort()).toEqual([...ALL_ENTRIES].sort());
    });

    it.each(FUNCTIONS)(
      'runs %s on nodejs22.x, arm64, with active tracing, 512 MB and the timeout of a %s function (%i s)',
      (entry, _service, timeout) => {
        // Act
        const fn = json.Resources[functionIdByEntry(json, entry)]!;

        // Assess
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          MemorySize: 512,
          Timeout: timeout,
          Handler: 'index.handler',
        });
        expect(fn.Metadata).toMatchObject({ [ENTRY_KEY]: entry, 'storefront-journeys:handler': 'handler' });
        expect(existsSync(join(PROJECT_ROOT, entry))).toBe(true);
      },
    );

    it.each(FUNCTIONS)(
      'gives %s the Powertools environment (service %s) and a log group with retention',
      (entry, service) => {
        // Act
        const fn = json.Resources[functionIdByEntry(json, entry)]!;
        const logGroup = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

        // Assess
        expect(fn.Properties!.Environment).toMatchObject({
          Variables: {
            POWERTOOLS_SERVICE_NAME: service,
            POWERTOOLS_METRICS_NAMESPACE: 'StorefrontJourneys',
            LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        });
        expect(json.Resources[logGroup]!.Properties).toMatchObject({ RetentionInDays: 30 });
      },
    );

    it.each(INGEST_ENTRIES)(
      'points EVENT_BUS_NAME and STORES_TABLE_NAME of %s at the bus and the stores table',
      (entry) => {
        // Act
        const variables = (
          json.Resources[functionIdByEntry(json, entry)]!.Properties!.Environment as {
            Variables: Record<string, unknown>;
          }
        ).Variables;

        // Assess
        expect(resolveToRef(variables.EVENT_BUS_NAME)).toEqual({ Ref: busId() });
        expect(resolveToRef(variables.STORES_TABLE_NAME)).toEqual({ Ref: storesTableId() });
        expect(variables.PROFILES_TABLE_NAME).toBeUndefined();
      },
    );

    it('points PROFILES_TABLE_NAME of the profile function at the profiles table, STORES_TABLE_NAME at the stores table and SOURCE_QUEUE_URL at its queue, and nothing else', () => {
      // Prepare
      const dormancyDays = String(dormancyScanDays());

      // Act
      const variables = (
        json.Resources[functionIdByEntry(json, APPLY_EVENTS)]!.Properties!.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      // Assess
      expect(resolveToRef(variables.PROFILES_TABLE_NAME)).toEqual({ Ref: profilesTableId() });
      // A queue's Ref is its URL: the queue the function hands invalid messages back to.
      expect(resolveToRef(variables.SOURCE_QUEUE_URL)).toEqual({ Ref: profileEventsQueueId() });
      expect(variables.DORMANCY_DAYS).toBe(dormancyDays);
      expect(resolveToRef(variables.STORES_TABLE_NAME)).toEqual({ Ref: storesTableId() });
      expect(variables.MESSAGES_TABLE_NAME).toBeUndefined();
      expect(variables.EVENT_BUS_NAME).toBeUndefined();
    });

    it('reads stateful resources through CloudFormation exports (Fn::ImportValue)', () => {
      // Act
      const imports = JSON.stringify(json).match(/"Fn::ImportValue"/g) ?? [];

      // Assess
      expect(imports.length).toBeGreaterThan(0);
      expect(JSON.stringify(json)).not.toContain('Fn::GetStackOutput');
    });

    it.each([
      [APPLY_EVENTS, 'ProfileEventsQueue'],
      [SES_EVENTS, 'SesEventsQueue'],
      [ATTRIBUTE_ORDERS, 'AttributionOrdersQueue'],
    ])('feeds %s from %s in batches of 10 with partial batch failures', (entry, queue) => {
      // Act
      const mappings = resourcesOfType(json, 'AWS::Lambda::EventSourceMapping').filter(
        ([, esm]) => referencedLogicalId(stateful, esm.Properties!.EventSourceArn) === queueId(queue),
      );

      // Assess
      expect(mappings).toHaveLength(1);
      expect(mappings[0]![1].Properties).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FunctionName: { Ref: functionIdByEntry(json, entry) },
      });
    });

    it('maps only the five consumer queues and the erasure-requests queue to functions', () => {
      // Act
      const mapped = resourcesOfType(json, 'AWS::Lambda::EventSourceMapping').map(([, esm]) => [
        json.Resources[(esm.Properties!.FunctionName as { Ref: string }).Ref]!.Metadata?.[ENTRY_KEY],
        referencedLogicalId(stateful, esm.Properties!.EventSourceArn),
      ]);

      // Assess
      expect(mapped.sort()).toEqual(
        [
          [APPLY_EVENTS, queueId('ProfileEventsQueue')],
          [SES_EVENTS, queueId('SesEventsQueue')],
          [ATTRIBUTE_ORDERS, queueId('AttributionOrdersQueue')],
          [JOURNEY_EVENTS, queueId('JourneyEventsQueue')],
          [JOURNEY_ENTRY, queueId('JourneyEntriesQueue')],
          [ERASE_CUSTOMERS, queueId('ErasureRequestsQueue')],
        ].sort(),
      );
    });
  });

  describe('least privilege', () => {
    it('gives every function, state machine and schedule its own role without managed policies (journey rules deliver to a queue, with no role)', () => {
      // Act
      const roles = resourcesOfType(json, 'AWS::IAM::Role');
      const functionRoles = resourcesOfType(json, 'AWS::Lambda::Function').map(([, f]) =>
        roleIdOf(f.Properties!.Role),
      );
      const assumedBy = roles.map(([, role]) => servicesAssuming(role));

      // Assess
      expect(new Set(functionRoles).size).toBe(ALL_ENTRIES.length);
      for (const services of assumedBy) expect(services).toHaveLength(1);
      const count = (service: string) => assumedBy.filter(([s]) => s === service).length;
      expect(count('lambda.amazonaws.com')).toBe(ALL_ENTRIES.length);
      expect(count('states.amazonaws.com')).toBe(JOURNEY_IDS.length);
      expect(count('events.amazonaws.com')).toBe(0);
      expect(count('scheduler.amazonaws.com')).toBe(1);
      expect(roles).toHaveLength(ALL_ENTRIES.length + JOURNEY_IDS.length + 1);
      for (const [, role] of roles) expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    });

    it('lets the profile function only get store records (for erasure tombstones) from the stores table, and not put events', () => {
      // Act
      const statements = statementsOfFunction(json, functionIdByEntry(json, APPLY_EVENTS));
      const onStores = statements.filter((s) =>
        JSON.stringify(resolveAll(s.Resource)).includes(storesTableId()),
      );
      const text = JSON.stringify(statements.map((s) => ({ ...s, Resource: resolveAll(s.Resource) })));

      // Assess
      expect(onStores).toHaveLength(1);
      expect(actionsOf(onStores[0] as (typeof onStores)[number])).toEqual(['dynamodb:GetItem']);
      expect(onStores[0]?.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*'] },
      });
      expect(statements.flatMap(actionsOf)).not.toContain('events:PutEvents');
      expect(text).toContain(profilesTableId());
    });

    it('lets the profile function consume its queue and change message visibility there, on no other queue', () => {
      // Act
      const statements = statementsOfFunction(json, functionIdByEntry(json, APPLY_EVENTS));
      const sqsActionsOn = new Map<unknown, Set<string>>();
      for (const statement of statements) {
        for (const action of actionsOf(statement).filter((a) => a.startsWith('sqs:'))) {
          for (const resource of resolveAll(statement.Resource) as unknown[]) {
            sqsActionsOn.set(resource, new Set([...(sqsActionsOn.get(resource) ?? []), action]));
          }
        }
      }

      // Assess
      expect([...sqsActionsOn.keys()]).toEqual([profileEventsQueueId()]);
      expect([...(sqsActionsOn.get(profileEventsQueueId()) ?? [])].sort()).toEqual([
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ]);
    });

    it.each(INGEST_ENTRIES)(
      'lets %s put events on the bus and get store and key records (no Scan, no Query), but not touch profiles',
      (entry) => {
        // Act
        const statements = statementsOfFunction(json, functionIdByEntry(json, entry));
        const on = (id: string) =>
          statements.filter((s) => JSON.stringify(resolveAll(s.Resource)).includes(`"${id}"`));
        const touching = (id: string) => on(id).flatMap(actionsOf);

        // Assess
        expect(touching(profilesTableId())).toEqual([]);
        expect(touching(busId())).toEqual(['events:PutEvents']);
        expect(touching(storesTableId())).toEqual(['dynamodb:GetItem']);
        expect(on(storesTableId())[0]?.Condition).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*', 'KEY#*'] },
        });
      },
    );

    it('uses wildcard resources only for X-Ray, Step Functions log delivery, answering task tokens and any version of the journey-step and dormancy scan functions', () => {
      // Prepare
      const versionsOf = new Map(
        [JOURNEY_STEP, WIN_BACK_SCAN].map((entry) => [
          JSON.stringify(anyVersionOf(functionIdByEntry(json, entry))),
          entry,
        ]),
      );

      // Act: "<principal> <resource> <action>" for every action on a resource containing a wildcard
      const wildcards = new Set(
        resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, policy]) => {
          const roles = (policy.Properties!.Roles as { Ref: string }[]).map((r) => r.Ref);
          const principals = roles.flatMap((role) => servicesAssuming(json.Resources[role]!));
          const statements = (policy.Properties!.PolicyDocument as { Statement: Json[] }).Statement;
          return statements.flatMap((statement) =>
            resourcesOf(statement)
              .filter((resource) => JSON.stringify(resource).includes('*'))
              .map((resource) =>
                resource === '*'
                  ? '*'
                  : (versionsOf.get(JSON.stringify(resource)) ?? JSON.stringify(resource)),
              )
              .flatMap((resource) =>
                principals.flatMap((principal) =>
                  actionsOf(statement).map((action) => `${principal} ${resource} ${action}`),
                ),
              ),
          );
        }),
      );

      // Assess
      expect([...wildcards].sort()).toEqual(
        [
          'lambda.amazonaws.com * xray:PutTraceSegments',
          'lambda.amazonaws.com * xray:PutTelemetryRecords',
          ...[...XRAY_ACTIONS, ...LOG_DELIVERY_ACTIONS].map((action) => `states.amazonaws.com * ${action}`),
          `states.amazonaws.com ${JOURNEY_STEP} lambda:InvokeFunction`,
          `scheduler.amazonaws.com ${WIN_BACK_SCAN} lambda:InvokeFunction`,
          // The journey functions resume runs by their task tokens (the token names the execution).
          'lambda.amazonaws.com {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":states:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":stateMachine:*"]]} states:SendTaskSuccess',
          // The journey-step function also ends a run at its waitFor by failing its task.
          'lambda.amazonaws.com {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":states:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":stateMachine:*"]]} states:SendTaskFailure',
          // A goal reached stops whichever run of a journey it names (execution names are made at run time).
          ...journeyMachineIds(json).flatMap((machineId) =>
            ['states:DescribeExecution', 'states:StopExecution'].map(
              (action) =>
                `lambda.amazonaws.com {"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":states:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":execution:",{"Fn::GetAtt":["${machineId}","Name"]},":*"]]} ${action}`,
            ),
          ),
        ].sort(),
      );
    });
  });

  describe('profile events rule', () => {
    it('sends storefront-journeys.ingest events on the bus to the profile-events queue, with retries and a dead-letter queue', () => {
      // Act
      const rule = json.Resources[logicalIdNamed(json, 'AWS::Events::Rule', 'ProfileEventsRule')]!;
      const targets = rule.Properties!.Targets as Record<string, unknown>[];
      const target = targets[0]!;

      // Assess
      expect(targets).toHaveLength(1);
      expect(rule.Properties!.EventPattern).toEqual({ source: ['storefront-journeys.ingest'] });
      expect(referencedLogicalId(stateful, rule.Properties!.EventBusName)).toBe(busId());
      expect(referencedLogicalId(stateful, target.Arn)).toBe(profileEventsQueueId());
      const dlqId = referencedLogicalId(stateful, (target.DeadLetterConfig as { Arn: unknown }).Arn);
      expect(dlqId).toBe(logicalIdNamed(stateful, 'AWS::SQS::Queue', 'ProfileEventsRuleDlq'));
      expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 });
    });
  });

  describe('alarms', () => {
    const alarmsNotifyingTopic = () => {
      const topicId = logicalIdOfType(json, 'AWS::SNS::Topic');
      return resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
        JSON.stringify(a.Properties!.AlarmActions).includes(`"Ref":"${topicId}"`),
      );
    };

    it('alarms on the depth of every dead-letter queue, those of the SES-events and order-attribution consumers included', () => {
      // Prepare
      const expected = DEAD_LETTER_QUEUES.map(queueId);
      const redriveTargets = resourcesOfType(stateful, 'AWS::SQS::Queue')
        .map(
          ([, q]) =>
            (q.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)
              ?.deadLetterTargetArn,
        )
        .filter((arn) => arn !== undefined)
        .map((arn) => referencedLogicalId(stateful, arn));
      const ruleDlqs = resourcesOfType(json, 'AWS::Events::Rule')
        .flatMap(([, r]) => r.Properties!.Targets as { DeadLetterConfig?: { Arn: unknown } }[])
        .filter((t) => t.DeadLetterConfig !== undefined)
        .map((t) => referencedLogicalId(stateful, t.DeadLetterConfig!.Arn));
      const scheduleDlqs = resourcesOfType(json, 'AWS::Scheduler::Schedule')
        .map(([, s]) => (s.Properties!.Target as { DeadLetterConfig?: { Arn: unknown } }).DeadLetterConfig)
        .filter((config) => config !== undefined)
        .map((config) => referencedLogicalId(stateful, config.Arn));
      const dlqs = new Set([...redriveTargets, ...ruleDlqs, ...scheduleDlqs]);

      // Act
      const alarmed = new Set(
        alarmsNotifyingTopic()
          .filter(
            ([, a]) =>
              a.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible' &&
              a.Properties!.ComparisonOperator === 'GreaterThanThreshold' &&
              a.Properties!.Threshold === 0,
          )
          .map(([, a]) =>
            referencedLogicalId(stateful, (a.Properties!.Dimensions as { Value: unknown }[])[0]!.Value),
          ),
      );

      // Assess
      expect(dlqs).toEqual(new Set(expected));
      expect(alarmed).toEqual(dlqs);
    });

    it.each([
      ['bounce', 'Reputation.BounceRate', 0.04],
      ['complaint', 'Reputation.ComplaintRate', 0.0008],
    ])(
      'alarms when the account-wide SES %s rate (%s) reaches %s, notifying the alarm topic',
      (_kind, metric, threshold) => {
        // Prepare
        const topicId = logicalIdOfType(json, 'AWS::SNS::Topic');

        // Act
        const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(
          ([, a]) => a.Properties!.MetricName === metric,
        );

        // Assess
        expect(alarms).toHaveLength(1);
        expect(alarms[0]![1].Properties).toMatchObject({
          Namespace: 'AWS/SES',
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: topicId }],
          OKActions: [{ Ref: topicId }],
        });
        expect(alarms[0]![1].Properties!.Dimensions).toBeUndefined();
      },
    );

    it('alarms on 5xx answers of the HTTP API', () => {
      // Act
      const apiId = logicalIdOfType(json, 'AWS::ApiGatewayV2::Api');
      const alarms = alarmsNotifyingTopic().filter(([, a]) => a.Properties!.MetricName === '5xx');

      // Assess
      expect(alarms).toHaveLength(1);
      expect(alarms[0]![1].Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: apiId } }],
      });
    });

    it.each(ALL_ENTRIES)('alarms on errors of %s', (entry) => {
      // Act
      const functionId = functionIdByEntry(json, entry);
      const alarms = alarmsNotifyingTopic().filter(
        ([, a]) =>
          a.Properties!.MetricName === 'Errors' &&
          JSON.stringify(a.Properties!.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
      );

      // Assess
      expect(alarms).toHaveLength(1);
    });

    it('sends every alarm, and its recovery, to the topic', () => {
      // Act
      const all = resourcesOfType(json, 'AWS::CloudWatch::Alarm');

      // Assess
      expect(alarmsNotifyingTopic()).toHaveLength(all.length);
      for (const [, alarm] of all)
        expect(alarm.Properties!.OKActions).toEqual(alarm.Properties!.AlarmActions);
    });

    it('encrypts the alarm topic with a rotated customer-managed key CloudWatch may use, and enforces TLS', () => {
      // Act
      const keyId = logicalIdOfType(json, 'AWS::KMS::Key');

      // Assess
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      expect(json.Resources[keyId]!.Properties).toMatchObject({ EnableKeyRotation: true });
      expect(JSON.stringify(json.Resources[keyId]!.Properties!.KeyPolicy)).toContain(
        'cloudwatch.amazonaws.com',
      );
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
          ]),
        },
      });
    });

    it('subscribes the AlarmEmail parameter only when it is set', () => {
      // Act
      const [, subscription] = resourcesOfType(json, 'AWS::SNS::Subscription')[0]!;
      const condition = (subscription as { Condition?: string }).Condition!;

      // Assess
      expect(json.Parameters?.AlarmEmail).toMatchObject({ Type: 'String', Default: '' });
      expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
      expect(json.Conditions?.[condition]).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }],
      });
    });

    it("bounds the journey-step function's concurrency to the sesMaxSendRate context value, and nothing else's", () => {
      // Prepare
      const bounded = buildTestApp({ context: { sesMaxSendRate: '14' }, bundle: false });

      // Act
      const boundedJson = Template.fromStack(bounded.stateless).toJSON() as typeof json;
      bounded.dispose();
      const reserved = (template: typeof json) =>
        resourcesOfType(template, 'AWS::Lambda::Function')
          .filter(([, fn]) => fn.Properties?.ReservedConcurrentExecutions !== undefined)
          .map(([, fn]) => [fn.Metadata?.[ENTRY_KEY], fn.Properties?.ReservedConcurrentExecutions]);

      // Assess: unbounded by default (an account with a low concurrency limit cannot reserve any)
      expect(reserved(boundedJson)).toEqual([[JOURNEY_STEP, 14]]);
      expect(reserved(json)).toEqual([]);
      expect(() => buildTestApp({ context: { sesMaxSendRate: 'fast' }, bundle: false })).toThrow(
        /sesMaxSendRate must be a positive number/,
      );
    });

    it('takes the AlarmEmail default from the alarmEmail context value', () => {
      // Prepare
      const other = buildTestApp({ context: { alarmEmail: 'ops@example.com' }, bundle: false });

      // Act
      const parameters = Template.fromStack(other.stateless).findParameters('AlarmEmail');
      other.dispose();

      // Assess
      expect(parameters.AlarmEmail).toMatchObject({ Default: 'ops@example.com' });
    });
  });

  describe('marketer dashboard', () => {
    it('draws every function and every dead-letter queue on one dashboard', () => {
      // Act
      const dashboards = resourcesOfType(json, 'AWS::CloudWatch::Dashboard');
      const body = JSON.stringify(dashboards[0]?.[1].Properties?.DashboardBody);
      const queues = [...body.matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map(([, name]) =>
        referencedLogicalId(stateful, { 'Fn::ImportValue': name }),
      );

      // Assess
      expect(dashboards).toHaveLength(1);
      for (const entry of ALL_ENTRIES) expect(body).toContain(`{"Ref":"${functionIdByEntry(json, entry)}"}`);
      expect(new Set(queues)).toEqual(new Set(DEAD_LETTER_QUEUES.map(queueId)));
    });
  });

  it('synthesizes without warnings', () => {
    // Act
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());

    // Assess
    expect(warnings).toEqual([]);
  });

  function resolveToRef(value: unknown): unknown {
    return resolveImport(stateful, value);
  }

  /** Replaces imports in an IAM Resource value with the producer logical ids they stand for. */
  function resolveAll(resource: unknown): unknown {
    const list = Array.isArray(resource) ? resource : [resource];
    return list.map((r) => referencedLogicalId(stateful, r) ?? r);
  }
});

/** The logical ids of the journeys' state machines. */
function journeyMachineIds(template: { Resources: Record<string, { Type: string }> }): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id]) => id);
}
