import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENDER_IDENTITY_PARAMETER } from '#infra/constructs/email-sending.ts';
import { compileJourney, entryOf, JOURNEY_STEP_ARN_SUBSTITUTION } from '#infra/journeys/compile.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { eventPatternOf } from '#infra/journeys/event-pattern.ts';
import { DORMANT_ON_INDEX } from '#infra/stacks/stateful-stack.ts';

const DEFINITIONS = loadJourneys();
const JOURNEY_IDS = DEFINITIONS.map((journey) => journey.id);
type JourneyId = string;
const definitionOf = (id: string) => DEFINITIONS.find((journey) => journey.id === id)!;
const eventStartedJourneys = () =>
  DEFINITIONS.flatMap((journey) =>
    'event' in journey.trigger ? [{ id: journey.id, eventPattern: eventPatternOf(journey.trigger) }] : [],
  );

import {
  type CfnResource,
  type CfnTemplate,
  describeValue,
  entryOfRoute,
  functionIdByEntry,
  grantsOf,
  logicalIdNamed,
  logicalIdOfType,
  pascalCase,
  raw,
  resolveImport,
  resourcesOfType,
  roleIdOf,
  servicesAssuming,
  statementsOfFunction,
  statementsOfRole,
} from './template-helpers.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

const JOURNEY_STEP = 'functions/journeys/handlers/journey-step.ts';
const WIN_BACK_SCAN = 'functions/journeys/handlers/dormancy-scan.ts';
const JOURNEY_ENTRY = 'functions/journeys/handlers/journey-entry.ts';
const UNSUBSCRIBE = 'functions/messaging/handlers/unsubscribe.ts';

const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const FUNCTION_XRAY_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const STATE_MACHINE_WILDCARD_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];
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
const SES_SENDING_EVENTS = [
  'send',
  'delivery',
  'open',
  'click',
  'bounce',
  'complaint',
  'reject',
  'renderingFailure',
  'deliveryDelay',
];
/** EventBridge's limit on an input transformer's template. */
const MAX_INPUT_TEMPLATE_LENGTH = 8192;

interface RuleTarget {
  Arn: unknown;
  RoleArn: unknown;
  InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
  DeadLetterConfig?: { Arn: unknown };
  RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
}

interface ScheduleTarget extends RuleTarget {
  Input?: string;
}

describe('Construct: Journeys', () => {
  let built: TestApp;
  let json: CfnTemplate;
  let stateful: CfnTemplate;

  beforeAll(() => {
    // Prepare (once: synthesis bundles every function with esbuild)
    built = buildTestApp();
    json = raw(Template.fromStack(built.stateless));
    stateful = raw(Template.fromStack(built.stateful));
  });
  afterAll(() => built?.dispose());

  const stateMachineId = (journey: JourneyId) =>
    logicalIdNamed(json, 'AWS::StepFunctions::StateMachine', `Journeys${pascalCase(journey)}Journey`);
  const stateMachine = (journey: JourneyId) => json.Resources[stateMachineId(journey)]!;
  /** The ARN of a journey's `live` alias as the template writes it, region and account as pseudo references or values. */
  const liveAliasArn = (journey: JourneyId) =>
    new RegExp(
      `^arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\\d{12}):stateMachine:<${stateMachineId(journey)}\\.Name>:live$`,
    );
  const describedKeys = (grants: Record<string, string[]>) => Object.keys(grants);
  const triggerRule = (journey: JourneyId) =>
    json.Resources[logicalIdNamed(json, 'AWS::Events::Rule', `Journeys${pascalCase(journey)}Trigger`)]!;
  const onlyTargetOf = (rule: CfnResource) => {
    const targets = rule.Properties!.Targets as RuleTarget[];
    if (targets.length !== 1) throw new Error(`Expected one target, found ${targets.length}`);
    return targets[0]!;
  };
  const fn = (entry: string) => json.Resources[functionIdByEntry(json, entry)]!;
  const variablesOf = (entry: string) =>
    (fn(entry).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
  const logGroupOf = (entry: string) =>
    (fn(entry).Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  const grantsOfFunction = (entry: string) =>
    grantsOf(stateful, statementsOfFunction(json, functionIdByEntry(json, entry)));
  const tableId = (constructId: string) => logicalIdNamed(stateful, 'AWS::DynamoDB::Table', constructId);
  const busId = () => logicalIdOfType(stateful, 'AWS::Events::EventBus');
  const journeyStartsDlqId = () => logicalIdNamed(stateful, 'AWS::SQS::Queue', 'JourneyStartsDlq');
  const queueIdNamed = (constructId: string) => logicalIdNamed(stateful, 'AWS::SQS::Queue', constructId);
  const imported = (value: unknown) => resolveImport(stateful, value);
  const eventJourneys = eventStartedJourneys().map((journey) => [journey.id, journey] as const);

  describe('state machines', () => {
    it('defines exactly one state machine per journey', () => {
      // Act
      const ids = resourcesOfType(json, 'AWS::StepFunctions::StateMachine').map(([id]) => id);

      // Assess
      expect(ids.sort()).toEqual(JOURNEY_IDS.map(stateMachineId).sort());
    });

    it.each(JOURNEY_IDS)(
      'runs %s as a Standard state machine with tracing, logging all events but no execution data',
      (journey) => {
        // Prepare
        const logsId = logicalIdNamed(json, 'AWS::Logs::LogGroup', 'JourneysExecutionLogs');

        // Act
        const properties = stateMachine(journey).Properties!;

        // Assess
        expect(properties).toMatchObject({
          StateMachineType: 'STANDARD',
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: {
            Level: 'ALL',
            IncludeExecutionData: false,
            Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logsId, 'Arn'] } } }],
          },
        });
        expect(json.Resources[logsId]!.Properties).toMatchObject({ RetentionInDays: 30 });
      },
    );

    it.each(JOURNEY_IDS)(
      'defines %s by its compiled definition, with the journey-step function substituted in',
      (journey) => {
        // Prepare
        const compiled = compileJourney(definitionOf(journey));

        // Act
        const { DefinitionString, DefinitionSubstitutions } = stateMachine(journey).Properties!;

        // Assess
        expect(typeof DefinitionString).toBe('string');
        expect(JSON.parse(DefinitionString as string)).toEqual(JSON.parse(JSON.stringify(compiled)));
        expect(DefinitionString as string).toContain(JOURNEY_STEP_ARN_SUBSTITUTION);
        expect(DefinitionSubstitutions).toEqual({
          JourneyStepFunctionArn: { 'Fn::GetAtt': [functionIdByEntry(json, JOURNEY_STEP), 'Arn'] },
        });
      },
    );

    it.each(JOURNEY_IDS)(
      'lets the %s state machine invoke the journey-step function, and nothing else',
      (journey) => {
        // Prepare
        const step = functionIdByEntry(json, JOURNEY_STEP);
        const roleId = roleIdOf(stateMachine(journey).Properties!.RoleArn);

        // Act
        const grants = grantsOf(stateful, statementsOfRole(json, roleId));

        // Assess
        expect(servicesAssuming(json.Resources[roleId]!)).toEqual(['states.amazonaws.com']);
        expect(grants).toEqual({
          '*': STATE_MACHINE_WILDCARD_ACTIONS,
          [`<${step}.Arn>`]: ['lambda:InvokeFunction'],
          [`<${step}.Arn>:*`]: ['lambda:InvokeFunction'],
        });
      },
    );
  });

  describe('journey rules', () => {
    it('puts one trigger rule per event-started journey on the bus, and none for win-back', () => {
      // Prepare: the other rules feed the profile and engagement queues
      const queueRules = [
        'ProfileEventsRule',
        'EngagementSesEventsRule',
        'EngagementOrdersRule',
        'JourneysAwaitedEvents',
      ].map((id) => logicalIdNamed(json, 'AWS::Events::Rule', id));

      // Act
      const triggers = resourcesOfType(json, 'AWS::Events::Rule')
        .map(([id]) => id)
        .filter((id) => !queueRules.includes(id));

      // Assess
      expect(eventJourneys.map(([id]) => id).sort()).toEqual([
        'browse-abandonment',
        'cart-abandonment',
        'post-purchase',
        'replenishment',
        'welcome',
      ]);
      expect(triggers.sort()).toEqual(
        eventJourneys
          .map(([id]) => logicalIdNamed(json, 'AWS::Events::Rule', `Journeys${pascalCase(id)}Trigger`))
          .sort(),
      );
    });

    it.each(eventJourneys)(
      'starts %s on events on the bus matching its configured pattern',
      (id, journey) => {
        // Act
        const rule = triggerRule(id);

        // Assess
        expect(rule.Properties!.EventPattern).toEqual(JSON.parse(JSON.stringify(journey.eventPattern)));
        expect(imported(rule.Properties!.EventBusName)).toEqual({ Ref: busId() });
        expect(rule.Properties!.State).toBe('ENABLED');
      },
    );

    it.each(eventJourneys)(
      'sends %s triggers to the entry queue, and lets the entry function start only its live alias',
      (id) => {
        // Act
        const target = onlyTargetOf(triggerRule(id));
        const grants = grantsOfFunction(JOURNEY_ENTRY);
        const aliasGrants = describedKeys(grants).filter((resource) => liveAliasArn(id).test(resource));

        // Assess: SQS targets need no role; the queue's policy lets the bus's rules deliver
        expect(imported(target.Arn)).toEqual({ 'Fn::GetAtt': [queueIdNamed('JourneyEntriesQueue'), 'Arn'] });
        expect(target.RoleArn).toBeUndefined();
        expect(aliasGrants).toHaveLength(1);
        expect(grants[aliasGrants[0] as string]).toEqual(['states:StartExecution']);
      },
    );

    it.each(eventJourneys)(
      'publishes %s as a retained version behind a live alias that its trigger waits for',
      (id) => {
        // Prepare
        const machine = stateMachineId(id);
        const versions = Object.entries(json.Resources).filter(
          ([, resource]) =>
            resource.Type === 'AWS::StepFunctions::StateMachineVersion' &&
            describeValue(json, resource.Properties!.StateMachineArn) === `<${machine}>`,
        );

        // Act
        const [versionId, version] = versions[0]!;
        const aliases = Object.entries(json.Resources).filter(
          ([, resource]) =>
            resource.Type === 'AWS::StepFunctions::StateMachineAlias' &&
            JSON.stringify(resource.Properties!.RoutingConfiguration).includes(`"${versionId}"`),
        );
        const [aliasId, alias] = aliases[0]!;

        // Assess: a new revision is a new version, and the replaced one stays for its running executions
        expect(versions).toHaveLength(1);
        expect(version.Properties!.StateMachineRevisionId).toEqual({
          'Fn::GetAtt': [machine, 'StateMachineRevisionId'],
        });
        expect(version.UpdateReplacePolicy).toBe('Retain');
        expect(aliases).toHaveLength(1);
        expect(alias.Properties!.Name).toBe('live');
        expect(alias.Properties!.RoutingConfiguration).toEqual([
          { StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 },
        ]);
        expect((triggerRule(id) as { DependsOn?: string[] }).DependsOn).toContain(aliasId);
      },
    );

    it.each(eventJourneys)(
      'gives the entry function the %s meta, its enter node, its live alias and the event detail',
      (id) => {
        // Prepare
        const detail = { placeholder: 'the event detail' };
        const definition = DEFINITIONS.find((journey) => journey.id === id)!;

        // Act
        const transformer = onlyTargetOf(triggerRule(id)).InputTransformer!;
        // The alias ARN is joined into the template: read it with its references named.
        const template = describeValue(json, transformer.InputTemplate);
        const message = JSON.parse(template.replace('<detail>', JSON.stringify(detail)));

        // Assess
        expect(transformer.InputPathsMap).toEqual({ detail: '$.detail' });
        expect(template.split('<detail>')).toHaveLength(2);
        expect(message).toEqual({
          ...JSON.parse(JSON.stringify(entryOf(definition))),
          stateMachineArn: expect.stringMatching(/:live$/),
          trigger: detail,
        });
        expect(template.length).toBeLessThanOrEqual(MAX_INPUT_TEMPLATE_LENGTH);
      },
    );

    it.each(eventJourneys)(
      'retries %s triggers and dead-letters the undeliverable ones to the entry rule DLQ',
      (id) => {
        // Act
        const target = onlyTargetOf(triggerRule(id));

        // Assess
        expect(imported(target.DeadLetterConfig?.Arn)).toEqual({
          'Fn::GetAtt': [queueIdNamed('JourneyEntriesRuleDlq'), 'Arn'],
        });
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 });
      },
    );
  });

  describe('win-back', () => {
    const schedule = () => {
      const schedules = resourcesOfType(json, 'AWS::Scheduler::Schedule');
      if (schedules.length !== 1) throw new Error(`Expected one schedule, found ${schedules.length}`);
      return schedules[0]![1].Properties!;
    };

    it('invokes the win-back scan every day at 06:00 UTC with an empty event', () => {
      // Act
      const properties = schedule();
      const target = properties.Target as ScheduleTarget;

      // Assess
      expect(properties).toMatchObject({
        ScheduleExpression: 'cron(0 6 * * ? *)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionIdByEntry(json, WIN_BACK_SCAN), 'Arn'] });
      expect(target.Input).toBe('{}');
    });

    it('retries the scan invocation and dead-letters it to the journey starts queue', () => {
      // Act
      const target = schedule().Target as ScheduleTarget;

      // Assess
      expect(imported(target.DeadLetterConfig?.Arn)).toEqual({ 'Fn::GetAtt': [journeyStartsDlqId(), 'Arn'] });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 });
    });

    it('sends a scan that failed after Lambda retried it to the journey starts queue as well', () => {
      // Act
      const scan = functionIdByEntry(json, WIN_BACK_SCAN);
      const [[, config] = []] = Object.entries(json.Resources).filter(
        ([, resource]) => resource.Type === 'AWS::Lambda::EventInvokeConfig',
      );
      const grants = grantsOf(
        stateful,
        statementsOfRole(json, roleIdOf(json.Resources[scan]?.Properties?.Role)),
      );

      // Assess
      expect(config?.Properties).toMatchObject({
        FunctionName: { Ref: scan },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
      });
      const destination = config?.Properties?.DestinationConfig as
        | { OnFailure?: { Destination?: unknown } }
        | undefined;
      expect(imported(destination?.OnFailure?.Destination)).toEqual({
        'Fn::GetAtt': [journeyStartsDlqId(), 'Arn'],
      });
      expect(grants[`<${journeyStartsDlqId()}.Arn>`]).toContain('sqs:SendMessage');
    });

    it('lets the scheduler invoke only the scan function and send only to the journey starts queue', () => {
      // Prepare
      const scan = functionIdByEntry(json, WIN_BACK_SCAN);
      const roleId = roleIdOf((schedule().Target as ScheduleTarget).RoleArn);

      // Act
      const grants = grantsOf(stateful, statementsOfRole(json, roleId));

      // Assess
      expect(servicesAssuming(json.Resources[roleId]!)).toEqual(['scheduler.amazonaws.com']);
      expect(grants).toEqual({
        [`<${scan}.Arn>`]: ['lambda:InvokeFunction'],
        [`<${scan}.Arn>:*`]: ['lambda:InvokeFunction'],
        [`<${journeyStartsDlqId()}.Arn>`]: ['sqs:SendMessage'],
      });
    });

    it('points the dormancy scan at the profiles table, the DormantOn index and the win-back state machine', () => {
      // Act
      const variables = variablesOf(WIN_BACK_SCAN);

      // Assess
      expect(imported(variables.PROFILES_TABLE_NAME)).toEqual({ Ref: tableId('ProfilesTable') });
      expect(variables.DORMANT_ON_INDEX).toBe(DORMANT_ON_INDEX);
      expect(describeValue(json, variables.STATE_MACHINE_ARN)).toMatch(liveAliasArn('win-back'));
    });

    it('lets the scan function query only the DormantOn index, read profiles, start only win-back and report its failure', () => {
      // Prepare
      const profiles = tableId('ProfilesTable');

      // Act
      const grants = grantsOfFunction(WIN_BACK_SCAN);

      // Assess
      const aliasGrant = describedKeys(grants).find((resource) => liveAliasArn('win-back').test(resource));
      expect(aliasGrant).toBeDefined();
      expect(grants).toEqual({
        [`<${logGroupOf(WIN_BACK_SCAN)}.Arn>`]: LOG_WRITE_ACTIONS,
        '*': FUNCTION_XRAY_ACTIONS,
        [`<${profiles}.Arn>`]: PROFILE_READ_ACTIONS,
        [`<${profiles}.Arn>/index/${DORMANT_ON_INDEX}`]: ['dynamodb:Query'],
        [aliasGrant as string]: ['states:StartExecution'],
        // The failure destination (CDK's grant of sending to a queue).
        [`<${journeyStartsDlqId()}.Arn>`]: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
      });
    });
  });

  describe('journey-step function', () => {
    it('is configured with the three tables, the configuration set and the public API URL', () => {
      // Act
      const variables = variablesOf(JOURNEY_STEP);

      // Assess
      expect(imported(variables.PROFILES_TABLE_NAME)).toEqual({ Ref: tableId('ProfilesTable') });
      expect(imported(variables.MESSAGES_TABLE_NAME)).toEqual({ Ref: tableId('MessagesTable') });
      expect(imported(variables.STORES_TABLE_NAME)).toEqual({ Ref: tableId('StoresTable') });
      expect(variables.SES_CONFIGURATION_SET).toEqual({
        Ref: logicalIdOfType(json, 'AWS::SES::ConfigurationSet'),
      });
      expect(variables.PUBLIC_API_URL).toEqual(json.Outputs!.ApiUrl!.Value);
      expect(variables.EVENT_BUS_NAME).toBeUndefined();
    });

    it('reads profiles and stores, reads and writes messages, and sends mail only from the identity with the configuration set', () => {
      // Prepare
      const sesArn = (resource: string) =>
        `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:${resource}`;
      const configurationSet = logicalIdOfType(json, 'AWS::SES::ConfigurationSet');

      // Act
      const grants = grantsOfFunction(JOURNEY_STEP);

      // Assess
      expect(grants).toEqual({
        [`<${logGroupOf(JOURNEY_STEP)}.Arn>`]: LOG_WRITE_ACTIONS,
        '*': FUNCTION_XRAY_ACTIONS,
        [`<${tableId('ProfilesTable')}.Arn>`]: PROFILE_READ_ACTIONS,
        [`<${tableId('MessagesTable')}.Arn>`]: MESSAGES_ACTIONS,
        [`<${tableId('StoresTable')}.Arn> if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["STORE#*"]}}`]:
          ['dynamodb:GetItem'],
        [sesArn(`identity/<${SENDER_IDENTITY_PARAMETER}>`)]: ['ses:SendEmail'],
        [sesArn(`configuration-set/<${configurationSet}>`)]: ['ses:SendEmail'],
        // Resuming a run waiting for an event it already found (see the journey-events function),
        // or ending one at its waitFor.
        'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:*': [
          'states:SendTaskFailure',
          'states:SendTaskSuccess',
        ],
      });
    });
  });

  describe('email sending (SES)', () => {
    it('suppresses bounced and complaining addresses in the configuration set', () => {
      // Act
      const [, configurationSet] = resourcesOfType(json, 'AWS::SES::ConfigurationSet')[0]!;

      // Assess
      expect(
        (
          configurationSet.Properties!.SuppressionOptions as { SuppressedReasons: string[] }
        ).SuppressedReasons.sort(),
      ).toEqual(['BOUNCE', 'COMPLAINT']);
      expect(resourcesOfType(json, 'AWS::SES::ConfigurationSet')).toHaveLength(1);
    });

    it('publishes every sending and engagement event to the default event bus', () => {
      // Prepare
      const configurationSet = logicalIdOfType(json, 'AWS::SES::ConfigurationSet');

      // Act
      const destinations = resourcesOfType(json, 'AWS::SES::ConfigurationSetEventDestination');
      const { ConfigurationSetName, EventDestination } = destinations[0]![1].Properties! as {
        ConfigurationSetName: unknown;
        EventDestination: {
          Enabled: boolean;
          EventBridgeDestination: { EventBusArn: unknown };
          MatchingEventTypes: string[];
        };
      };

      // Assess
      expect(destinations).toHaveLength(1);
      expect(ConfigurationSetName).toEqual({ Ref: configurationSet });
      expect(EventDestination.Enabled).toBe(true);
      expect(describeValue(stateful, EventDestination.EventBridgeDestination.EventBusArn)).toBe(
        'arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/default',
      );
      expect([...EventDestination.MatchingEventTypes].sort()).toEqual([...SES_SENDING_EVENTS].sort());
    });

    it('takes the sending identity from the SenderIdentity parameter, which has no default', () => {
      // Act
      const parameter = json.Parameters?.[SENDER_IDENTITY_PARAMETER];

      // Assess
      expect(SENDER_IDENTITY_PARAMETER).toBe('SenderIdentity');
      expect(parameter).toMatchObject({ Type: 'String', MinLength: 3 });
      expect(parameter?.Default).toBeUndefined();
    });

    it('lets no function but the journey-step function use SES', () => {
      // Prepare
      const step = functionIdByEntry(json, JOURNEY_STEP);

      // Act
      const sending = resourcesOfType(json, 'AWS::Lambda::Function')
        .filter(([id]) =>
          statementsOfFunction(json, id).some((s) => JSON.stringify(s.Action).includes('ses:')),
        )
        .map(([id]) => id);

      // Assess
      expect(sending).toEqual([step]);
    });
  });

  describe('unsubscribe function', () => {
    it.each(['GET /unsubscribe', 'POST /unsubscribe'])('serves %s', (routeKey) => {
      // Act
      const entry = entryOfRoute(json, routeKey);

      // Assess
      expect(entry).toBe(UNSUBSCRIBE);
    });

    it('is configured with the messages and stores tables and the bus', () => {
      // Act
      const variables = variablesOf(UNSUBSCRIBE);

      // Assess
      expect(imported(variables.MESSAGES_TABLE_NAME)).toEqual({ Ref: tableId('MessagesTable') });
      expect(imported(variables.STORES_TABLE_NAME)).toEqual({ Ref: tableId('StoresTable') });
      expect(imported(variables.EVENT_BUS_NAME)).toEqual({ Ref: busId() });
      expect(variables.PROFILES_TABLE_NAME).toBeUndefined();
    });

    it("puts events on the bus, reads and writes only the messages table, and reads only a store record's name and signing key", () => {
      // Prepare: the whole condition, as grantsOf prints it
      const onlyNameAndKey = JSON.stringify({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['storeId', 'name', 'unsubscribeSigningKey'] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      });

      // Act
      const grants = grantsOfFunction(UNSUBSCRIBE);

      // Assess
      expect(grants).toEqual({
        [`<${logGroupOf(UNSUBSCRIBE)}.Arn>`]: LOG_WRITE_ACTIONS,
        '*': FUNCTION_XRAY_ACTIONS,
        [`<${tableId('MessagesTable')}.Arn>`]: MESSAGES_ACTIONS,
        [`<${tableId('StoresTable')}.Arn> if ${onlyNameAndKey}`]: ['dynamodb:GetItem'],
        [`<${busId()}.Arn>`]: ['events:PutEvents'],
      });
    });
  });

  describe('alarms', () => {
    it.each(JOURNEY_IDS)(
      'alarms when executions of %s fail or time out, not when a goal stopped them',
      (journey) => {
        // Prepare
        const topic = logicalIdOfType(json, 'AWS::SNS::Topic');
        const machine = { Name: 'StateMachineArn', Value: { Ref: stateMachineId(journey) } };
        const metric = (Id: string, MetricName: string) => ({
          Id,
          ReturnData: false,
          MetricStat: {
            Metric: { Namespace: 'AWS/States', MetricName, Dimensions: [machine] },
            Period: 300,
            Stat: 'Sum',
          },
        });

        // Act
        const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
          JSON.stringify(a.Properties!.Metrics ?? []).includes(`"Ref":"${stateMachineId(journey)}"`),
        );

        // Assess
        expect(alarms).toHaveLength(1);
        const properties = alarms[0]![1].Properties!;
        expect(properties).toMatchObject({
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: topic }],
          OKActions: [{ Ref: topic }],
        });
        expect(properties.Metrics).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Expression: 'failed + timedOut', ReturnData: true }),
            metric('failed', 'ExecutionsFailed'),
            metric('timedOut', 'ExecutionsTimedOut'),
          ]),
        );
        expect(properties.Metrics).toHaveLength(3);
      },
    );

    it.each([JOURNEY_STEP, WIN_BACK_SCAN, UNSUBSCRIBE])('alarms on errors of %s', (entry) => {
      // Prepare
      const topic = logicalIdOfType(json, 'AWS::SNS::Topic');

      // Act
      const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) =>
          a.Properties!.MetricName === 'Errors' &&
          JSON.stringify(a.Properties!.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionIdByEntry(json, entry) } }]),
      );

      // Assess
      expect(alarms).toHaveLength(1);
      expect(alarms[0]![1].Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topic }],
      });
    });
  });
});
