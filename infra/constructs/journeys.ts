import {
  ArnFormat,
  type CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  TimeZone,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnRule, EventField, type IEventBus, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  type CfnStateMachine,
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  DefinitionBody,
  type IStateMachine,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ResolvedJourney } from '#journeys/definition/load.ts';
import { compileJourney, entryOf } from '../journeys/compile.ts';
import { loadJourneys } from '../journeys/definitions.ts';
import { eventPatternOf } from '../journeys/event-pattern.ts';
import { PrePermittedSqsTarget } from './pre-permitted-sqs-target.ts';
import { type LogLevel as FunctionLogLevel, ServiceFunction } from './service-function.ts';

export interface JourneysProps {
  readonly eventBus: IEventBus;
  readonly profilesTable: ITable;
  /** Sparse index of profiles by the day they fall dormant (dormancy scans). */
  readonly dormantOnIndex: string;
  readonly messagesTable: ITable;
  readonly storesTable: ITable;
  /** Where scheduled scans go when the scheduler cannot invoke them. */
  readonly journeyStartsDlq: IQueue;
  /** Triggers of event-triggered journeys: the queue the entry function reads, and the rule targets' DLQ. */
  readonly journeyEntriesQueue: IQueue;
  readonly journeyEntriesRuleDlq: IQueue;
  /** Events runs wait for: the queue the resuming function reads, and the rule target's DLQ. */
  readonly journeyEventsQueue: IQueue;
  readonly journeyEventsRuleDlq: IQueue;
  /** Base URL of the public HTTP API (one-click unsubscribe links in mails). */
  readonly publicApiUrl: string;
  /** Lets the journey-step function send mail (SES identity, configuration set). */
  readonly allowSending: (fn: ServiceFunction) => void;
  /** SES configuration set every mail is sent with. */
  readonly configurationSetName: string;
  /**
   * The journeys to deploy.
   * @default - every definition in `journeys/`
   */
  readonly definitions?: readonly ResolvedJourney[];
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  /**
   * How long before an order a journey entry counts the order as a conversion: the entry function
   * converts orders attributed before their entry was stored. Give Engagement the same window.
   * @default - 7 days (the function's default)
   */
  readonly conversionWindow?: Duration;
  readonly logLevel?: FunctionLogLevel;
  /**
   * The account's SES maximum sending rate, mails per second. The journey-step function's concurrency
   * is bounded to as many executions: a step that sends holds its slot for the SES call and the
   * records around it (a few hundred milliseconds), so a morning's released mails cannot outrun SES by
   * more than a few times; what SES still refuses is deferred (`throttled`).
   * @default - not bounded (an account with a low Lambda concurrency limit cannot reserve any)
   */
  readonly sesMaxSendRate?: number;
}

/** How cdk-nag writes a part of an ARN: its value when the stack knows it, else the pseudo parameter. */
const nagName = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);

/** The cdk-nag finding of a policy on every execution of a state machine (`…:execution:<machine>:*`). */
export function runsOfFinding(machine: StateMachine, stack: Stack): string {
  const logicalId = stack.getLogicalId(machine.node.defaultChild as CfnStateMachine);
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${nagName(stack.region, 'AWS::Region')}:${nagName(stack.account, 'AWS::AccountId')}:execution:<${logicalId}.Name>:*]`;
}

const PASCAL = (id: string) => id.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

/**
 * Every journey definition in `journeys/`, compiled to a Standard state machine (the compiler writes
 * each node into its Task, so the one journey-step function interprets them all); a rule per
 * event-triggered journey whose pattern holds what EventBridge can say of the trigger; a daily scan
 * per dormancy-triggered journey; and the function that resumes runs waiting for an event.
 */
export class Journeys extends Construct {
  readonly stepFunction: ServiceFunction;
  readonly eventsFunction: ServiceFunction;
  /** Decides entry for event-triggered journeys and starts their runs. */
  readonly entryFunction: ServiceFunction;
  readonly scanFunctions: ServiceFunction[] = [];
  readonly stateMachines: Record<string, StateMachine>;
  /**
   * What triggers start, per journey: the `live` alias of its newest published version. A deploy that
   * changes a definition publishes a new version and moves the alias; runs already started finish
   * on the version they started on (an execution keeps its version's definition).
   */
  readonly liveAliases: Record<string, IStateMachine>;
  /** The alias resources: what starts a journey must be created after its alias. */
  readonly #aliasResources = new Map<string, CfnStateMachineAlias>();

  constructor(scope: Construct, id: string, props: JourneysProps) {
    super(scope, id);
    const logLevel = props.logLevel ?? 'INFO';
    const definitions = props.definitions ?? loadJourneys();
    // Runs are resumed by their task token; the functions cannot name the machines that invoke them
    // (a dependency cycle), so they may answer tasks of any state machine of this account and region.
    const stack = Stack.of(this);
    const anyMachine = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const answerTasks = new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [anyMachine] });
    // The step also fails the task of a run that ends at its waitFor (caught to the end).
    const answerOrEndTasks = new PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: [anyMachine],
    });

    this.stepFunction = new ServiceFunction(this, 'JourneyStepFunction', {
      entry: 'functions/journeys/handlers/journey-step.ts',
      serviceName: 'journeys',
      description: 'Every journey node: checks goals and re-entry, then sends through the guarded send path',
      timeout: Duration.seconds(30),
      logLevel,
      environment: { SES_CONFIGURATION_SET: props.configurationSetName, PUBLIC_API_URL: props.publicApiUrl },
      ...(props.sesMaxSendRate !== undefined && {
        reservedConcurrentExecutions: Math.max(1, Math.ceil(props.sesMaxSendRate)),
      }),
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindMessagesTable(props.messagesTable)
      .bindStoreRecords(props.storesTable);
    props.allowSending(this.stepFunction);
    this.stepFunction.function.addToRolePolicy(answerOrEndTasks);

    this.eventsFunction = new ServiceFunction(this, 'JourneyEventsFunction', {
      entry: 'functions/journeys/handlers/journey-events.ts',
      serviceName: 'journeys',
      description:
        'SQS consumer: resumes the journey runs waiting for an event (waitFor) with their task tokens',
      timeout: Duration.seconds(30),
      logLevel,
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindMessagesTable(props.messagesTable)
      // A replayed event of an erased customer leaves no record: its tombstones are hashed per store.
      .bindStoreRecords(props.storesTable);
    this.eventsFunction.function.addToRolePolicy(answerTasks);
    this.eventsFunction.function.addEventSource(
      new SqsEventSource(props.journeyEventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    for (const fn of [this.stepFunction, this.eventsFunction]) {
      const policy = fn.function.role?.node.tryFindChild('DefaultPolicy');
      if (policy !== undefined) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${nagName(stack.region, 'AWS::Region')}:${nagName(stack.account, 'AWS::AccountId')}:stateMachine:*]`,
          reason:
            'states:SendTaskSuccess resumes a journey run waiting for an event (and SendTaskFailure ends one at its waitFor); the state machines invoke this function, so naming them here would be a dependency cycle. The task token itself names the one execution.',
        });
      }
    }
    this.entryFunction = new ServiceFunction(this, 'JourneyEntryFunction', {
      entry: 'functions/journeys/handlers/journey-entry.ts',
      serviceName: 'journeys',
      description:
        "SQS consumer: decides a trigger's entry (duplicates, filters, re-entry, holdout) and starts the run",
      timeout: Duration.seconds(30),
      logLevel,
      environment: {
        ...(props.conversionWindow !== undefined && {
          CONVERSION_WINDOW_SECONDS: String(props.conversionWindow.toSeconds({ integral: true })),
        }),
      },
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindMessagesTable(props.messagesTable)
      .bindStoreRecords(props.storesTable);
    this.entryFunction.function.addEventSource(
      new SqsEventSource(props.journeyEntriesQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    const awaited = [
      ...new Set(
        definitions.flatMap((journey) => [
          ...journey.steps.flatMap((node) => ('waitFor' in node ? [node.waitFor.event] : [])),
          // A goal's event stops the run at once (`step/run-goals.ts`).
          ...journey.exitWhen.flatMap((goal) => ('event' in goal ? [goal.event] : [])),
        ]),
      ),
    ];
    if (awaited.length > 0) {
      new Rule(this, 'AwaitedEvents', {
        description: 'Events journey runs wait for or end on, to the function that resumes or stops them',
        eventBus: props.eventBus,
        eventPattern: { source: ['storefront-journeys.ingest'], detailType: awaited },
        targets: [
          new PrePermittedSqsTarget(props.journeyEventsQueue, {
            deadLetterQueue: props.journeyEventsRuleDlq,
            retryAttempts: 20,
            maxEventAge: Duration.hours(2),
          }),
        ],
      });
    }

    const logs = new LogGroup(this, 'ExecutionLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachines = Object.fromEntries(
      definitions.map((journey) => [journey.id, this.stateMachine(journey, logs)]),
    );
    // A goal reached ends a run at once: the entry function (an event seen while the run started) and
    // the event router stop runs of these machines, after reading their status.
    for (const fn of [this.entryFunction, this.eventsFunction]) {
      this.allowStoppingRuns(
        fn,
        'a goal reached ends whichever run of it the goal names; execution names are only known at run time.',
      );
    }
    this.liveAliases = Object.fromEntries(
      definitions.map((journey) => [
        journey.id,
        this.liveAlias(journey, this.stateMachines[journey.id] as StateMachine),
      ]),
    );

    for (const journey of definitions) {
      const stateMachine = this.liveAliases[journey.id] as IStateMachine;
      const alias = this.#aliasResources.get(journey.id) as CfnStateMachineAlias;
      const { trigger } = journey;
      if ('event' in trigger) {
        const rule = new Rule(this, `${PASCAL(journey.id)}Trigger`, {
          description: `Starts the ${journey.id} journey`,
          eventBus: props.eventBus,
          eventPattern: { source: ['placeholder'] },
          targets: [
            new PrePermittedSqsTarget(props.journeyEntriesQueue, {
              message: RuleTargetInput.fromObject({
                ...entryOf(journey),
                stateMachineArn: stateMachine.stateMachineArn,
                trigger: EventField.fromPath('$.detail'),
              }),
              deadLetterQueue: props.journeyEntriesRuleDlq,
              retryAttempts: 20,
              maxEventAge: Duration.hours(2),
            }),
          ],
        });
        stateMachine.grantStartExecution(this.entryFunction.function);
        // The compiled patterns use `$or` and other operators the typed EventPattern cannot express.
        (rule.node.defaultChild as CfnRule).addPropertyOverride('EventPattern', eventPatternOf(trigger));
        rule.node.addDependency(alias);
      } else if ('schedule' in trigger) {
        const scan = this.dormancyScan(journey, stateMachine, props, logLevel);
        scan.function.node.addDependency(alias);
        this.scanFunctions.push(scan);
      }
    }
  }

  private dormancyScan(
    journey: ResolvedJourney,
    stateMachine: IStateMachine,
    props: JourneysProps,
    logLevel: FunctionLogLevel,
  ): ServiceFunction {
    const name = PASCAL(journey.id);
    const scan = new ServiceFunction(this, `${name}ScanFunction`, {
      entry: 'functions/journeys/handlers/dormancy-scan.ts',
      serviceName: 'journeys',
      description: `Daily: starts ${journey.id} for customers who fall dormant today`,
      timeout: Duration.minutes(5),
      logLevel,
      environment: { STATE_MACHINE_ARN: stateMachine.stateMachineArn },
    })
      .bindProfilesTable(props.profilesTable, 'read')
      .bindProfilesIndex(props.profilesTable, props.dormantOnIndex);
    stateMachine.grantStartExecution(scan.function);
    // The scheduler invokes the scan asynchronously: its dead-letter queue catches invocations it
    // could not make, this destination the scans that failed after Lambda's own two retries. Both
    // land in the journey starts queue, whose depth alarm says to run the scan for the missed day.
    scan.function.configureAsyncInvoke({
      onFailure: new SqsDestination(props.journeyStartsDlq),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });

    const scheduleRole = new Role(this, `${name}ScheduleRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `Lets EventBridge Scheduler invoke the ${journey.id} scan and dead-letter failed invocations`,
    });
    new Schedule(this, `${name}DailyScan`, {
      description: `Starts the ${journey.id} journey for customers who fell dormant today`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: '6', timeZone: TimeZone.ETC_UTC }),
      target: new LambdaInvoke(scan.function, {
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
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(scan)}.Arn>:*]`,
        reason: `Invoking the ${journey.id} scan function by any version or alias of that one function (lambda:InvokeFunction on <arn>:*).`,
      });
    }
    return scan;
  }

  /**
   * Publishes the machine's current revision as a version and points the `live` alias at it. The
   * version is replaced when the revision changes; the replaced one is retained, not deleted, so its
   * running executions and a rollback keep it (Step Functions keeps up to 1,000 versions).
   */
  private liveAlias(journey: ResolvedJourney, stateMachine: StateMachine): IStateMachine {
    const name = PASCAL(journey.id);
    const version = new CfnStateMachineVersion(this, `${name}Version`, {
      stateMachineArn: stateMachine.stateMachineArn,
      stateMachineRevisionId: stateMachine.stateMachineRevisionId,
      description: `The ${journey.id} journey as deployed`,
    });
    version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const alias = new CfnStateMachineAlias(this, `${name}Live`, {
      name: 'live',
      description: `What starts the ${journey.id} journey: its newest version`,
      routingConfiguration: [{ stateMachineVersionArn: version.attrArn, weight: 100 }],
    });
    // The alias ARN written from the stack's own account and region (as `alias.attrArn` resolves), so
    // rules see their target in their own environment rather than in one parsed from a token.
    const aliasArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${stateMachine.stateMachineName}:${alias.name}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.#aliasResources.set(journey.id, alias);
    return StateMachine.fromStateMachineArn(this, `${name}LiveAlias`, aliasArn);
  }

  private logicalIdOf(fn: ServiceFunction): string {
    return Stack.of(this).getLogicalId(fn.function.node.defaultChild as CfnResource);
  }

  /**
   * Lets a function read the status of and stop any run of the journeys' state machines (named at
   * run time); `why` completes the cdk-nag acknowledgement.
   */
  allowStoppingRuns(fn: ServiceFunction, why: string): void {
    const stack = Stack.of(this);
    fn.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: Object.values(this.stateMachines).map((machine) =>
          stack.formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${machine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    const policy = fn.function.role?.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) return;
    for (const machine of Object.values(this.stateMachines)) {
      Validations.of(policy).acknowledge({
        id: runsOfFinding(machine, stack),
        reason: `states:DescribeExecution and states:StopExecution on the runs of one journey state machine: ${why}`,
      });
    }
  }

  private stateMachine(journey: ResolvedJourney, logs: LogGroup): StateMachine {
    const stateMachine = new StateMachine(this, `${PASCAL(journey.id)}Journey`, {
      comment: journey.name,
      stateMachineType: StateMachineType.STANDARD,
      // Inline, not an S3 asset: the definitions are small, and the local runtime reads them from the template.
      definitionBody: DefinitionBody.fromString(JSON.stringify(compileJourney(journey))),
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
