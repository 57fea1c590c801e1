import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnResource, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnRule, EventField, type IEventBus, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JOURNEY_IDS, type JourneyId } from '#journeys/config/journey-schema.ts';
import { eventStartedJourneys, journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { WithPrePermittedDeadLetterQueue } from './pre-permitted-sqs-target.ts';
import { type LogLevel as FunctionLogLevel, PROJECT_ROOT, ServiceFunction } from './service-function.ts';

export interface JourneysProps {
  readonly eventBus: IEventBus;
  readonly profilesTable: ITable;
  /** Sparse index of profiles by the day they fall dormant (win-back scan). */
  readonly dormantOnIndex: string;
  readonly messagesTable: ITable;
  readonly storesTable: ITable;
  /** Where journey starts go when EventBridge or the scheduler cannot deliver them. */
  readonly journeyStartsDlq: IQueue;
  /** Base URL of the public HTTP API (one-click unsubscribe links in mails). */
  readonly publicApiUrl: string;
  /** Lets the journey-step function send mail (SES identity, configuration set). */
  readonly allowSending: (fn: ServiceFunction) => void;
  /** SES configuration set every mail is sent with. */
  readonly configurationSetName: string;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: FunctionLogLevel;
}

const PASCAL = (id: string) => id.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

/**
 * The six journeys: one Standard state machine per ASL file in `stepfunctions/`, all calling the one
 * journey-step function; a rule per event-started journey whose input carries the typed journey config
 * (so a delay changes in config, never in ASL); and the daily win-back scan on EventBridge Scheduler.
 */
export class Journeys extends Construct {
  readonly stepFunction: ServiceFunction;
  readonly winBackScanFunction: ServiceFunction;
  readonly stateMachines: Record<JourneyId, StateMachine>;

  constructor(scope: Construct, id: string, props: JourneysProps) {
    super(scope, id);
    const logLevel = props.logLevel ?? 'INFO';

    this.stepFunction = new ServiceFunction(this, 'JourneyStepFunction', {
      entry: 'functions/journeys/handlers/journey-step.ts',
      serviceName: 'journeys',
      description:
        'Every journey step: re-checks the exit condition, then sends through the guarded send path',
      timeout: Duration.seconds(30),
      logLevel,
      environment: { SES_CONFIGURATION_SET: props.configurationSetName, PUBLIC_API_URL: props.publicApiUrl },
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindMessagesTable(props.messagesTable)
      .bindStoresTable(props.storesTable);
    props.allowSending(this.stepFunction);

    const logs = new LogGroup(this, 'ExecutionLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachines = Object.fromEntries(
      JOURNEY_IDS.map((journey) => [journey, this.stateMachine(journey, logs)]),
    ) as Record<JourneyId, StateMachine>;

    for (const { id: journey, eventPattern } of eventStartedJourneys()) {
      const rule = new Rule(this, `${PASCAL(journey)}Trigger`, {
        description: `Starts the ${journey} journey`,
        eventBus: props.eventBus,
        eventPattern: { source: ['placeholder'] },
        targets: [
          new WithPrePermittedDeadLetterQueue(
            new SfnStateMachine(this.stateMachines[journey], {
              input: RuleTargetInput.fromObject({
                journey,
                config: journeyRunConfig(journey),
                trigger: EventField.fromPath('$.detail'),
              }),
            }),
            { deadLetterQueue: props.journeyStartsDlq, retryAttempts: 20, maxEventAge: Duration.hours(2) },
          ),
        ],
      });
      // The config's patterns use `$or` and other operators the typed EventPattern cannot express.
      (rule.node.defaultChild as CfnRule).addPropertyOverride('EventPattern', eventPattern);
    }

    this.winBackScanFunction = new ServiceFunction(this, 'WinBackScanFunction', {
      entry: 'functions/journeys/handlers/win-back-scan.ts',
      serviceName: 'journeys',
      description: 'Daily: starts win-back for customers who fall dormant today',
      timeout: Duration.minutes(5),
      logLevel,
      environment: { WIN_BACK_STATE_MACHINE_ARN: this.stateMachines['win-back'].stateMachineArn },
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindProfilesIndex(props.profilesTable, props.dormantOnIndex);
    this.stateMachines['win-back'].grantStartExecution(this.winBackScanFunction.function);

    const scheduleRole = new Role(this, 'WinBackScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler invoke the win-back scan and dead-letter failed invocations',
    });
    new Schedule(this, 'WinBackDailyScan', {
      description: 'Starts the win-back journey for customers who fell dormant today',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '6', timeZone: TimeZone.ETC_UTC }),
      target: new LambdaInvoke(this.winBackScanFunction.function, {
        role: scheduleRole,
        input: ScheduleTargetInput.fromObject({}),
        deadLetterQueue: props.journeyStartsDlq,
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    });
    const schedulePolicy = scheduleRole.node.tryFindChild('DefaultPolicy');
    if (schedulePolicy !== undefined) {
      Validations.of(schedulePolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.winBackScanFunction)}.Arn>:*]`,
        reason:
          'Invoking the win-back scan function by any version or alias of that one function (lambda:InvokeFunction on <arn>:*).',
      });
    }
  }

  private logicalIdOf(fn: ServiceFunction): string {
    return Stack.of(this).getLogicalId(fn.function.node.defaultChild as CfnResource);
  }

  private stateMachine(journey: JourneyId, logs: LogGroup): StateMachine {
    const stateMachine = new StateMachine(this, `${PASCAL(journey)}Journey`, {
      comment: `The ${journey} journey`,
      stateMachineType: StateMachineType.STANDARD,
      // Inline, not an S3 asset: the definitions are small, and the local runtime reads them from the template.
      definitionBody: DefinitionBody.fromString(
        readFileSync(join(PROJECT_ROOT, 'stepfunctions', `${journey}.asl.json`), 'utf8'),
      ),
      definitionSubstitutions: { JourneyStepFunctionArn: this.stepFunction.function.functionArn },
      tracingEnabled: true,
      // Execution data holds customer e-mail addresses: log the flow, not the payloads.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.stepFunction.function.grantInvoke(stateMachine);
    const policy = stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (policy !== undefined) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery, …) and X-Ray tracing (xray:PutTraceSegments, …) support no resource-level permissions.',
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.stepFunction)}.Arn>:*]`,
        reason:
          'Invoking the journey-step function by any version or alias of that one function (lambda:InvokeFunction on <arn>:*).',
      });
    }
    return stateMachine;
  }
}
