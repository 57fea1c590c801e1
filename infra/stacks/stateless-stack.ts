import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '#events/schemas.ts';
import { UNSUBSCRIBE_STORE_ATTRIBUTES } from '#messaging/domain/unsubscribe.ts';
import { EmailSending } from '../constructs/email-sending.ts';
import { Engagement } from '../constructs/engagement.ts';
import { IngestApi } from '../constructs/ingest-api.ts';
import { Journeys } from '../constructs/journeys.ts';
import { MarketerDashboard } from '../constructs/marketer-dashboard.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { PrePermittedSqsTarget } from '../constructs/pre-permitted-sqs-target.ts';
import { type LogLevel, ServiceFunction } from '../constructs/service-function.ts';
import { deployedJourneys } from '../journeys/catalog.ts';
import type { ConsumerQueues } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  /** Customer profiles (read/write for the profile function only). */
  readonly profilesTable: ITable;
  /** Stores and API-key hashes (read-only for the ingest functions). */
  readonly storesTable: ITable;
  /** Sent-message claims, decisions, frequency history, suppressions (the send path's state). */
  readonly messagesTable: ITable;
  /** Name of the profiles table's sparse index by dormancy day. */
  readonly dormantOnIndex: string;
  /** Dead-letter queue of journey starts (rules → state machines, the win-back schedule). */
  readonly journeyStartsDlq: IQueue;
  /** SES engagement events for the engagement function, with its DLQs. */
  readonly sesEvents: ConsumerQueues;
  /** `order.placed` events for attribution and lift, with its DLQs. */
  readonly attributionOrders: ConsumerQueues;
  /** Erasure requests (Shopify's customers/redact) and their dead-letter queue. */
  readonly erasureRequestsQueue: IQueue;
  readonly erasureRequestsDlq: IQueue;
  /** Events journey runs wait for, for the function that resumes them, with its DLQs. */
  readonly journeyEvents: ConsumerQueues;
  /** Triggers of event-triggered journeys, for the entry function, with its DLQs. */
  readonly journeyEntries: ConsumerQueues;
  /** Bus the ingest functions put canonical events on. */
  readonly eventBus: IEventBus;
  /** Queue the profile rule delivers to and the profile function consumes. */
  readonly profileEventsQueue: IQueue;
  /** Dead-letter queue of `profileEventsQueue` (alarmed). */
  readonly profileEventsDlq: IQueue;
  /** Dead-letter queue of the profile rule's target (receives what EventBridge cannot deliver; alarmed). */
  readonly profileEventsRuleDlq: IQueue;
  /**
   * Timeout of the profile function. The profile-events queue's visibility timeout must be at least six times this.
   * @default Duration.seconds(10)
   */
  readonly profileFunctionTimeout?: Duration;
  /**
   * Powertools log level of every function.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * The account's SES maximum sending rate (mails per second); bounds the journey-step function's
   * concurrency (see `JourneysProps.sesMaxSendRate`).
   * @default - not bounded
   */
  readonly sesMaxSendRate?: number;
  /**
   * E-mail address subscribed to the alarm topic; default of the `AlarmEmail` parameter.
   * @default - no subscription unless `AlarmEmail` is passed at deploy time
   */
  readonly alarmEmail?: string;
  /**
   * Steady-state requests per second allowed on the HTTP API stage.
   * @default 1000
   */
  readonly apiThrottlingRateLimit?: number;
  /**
   * Burst allowed on the HTTP API stage.
   * @default 2000
   */
  readonly apiThrottlingBurstLimit?: number;
}

/**
 * Code and wiring: the functions, the HTTP API, the EventBridge rule and the alarms. Holds no data,
 * so it can be destroyed and redeployed freely.
 */
export class StatelessStack extends Stack {
  /** `POST /v1/events`. */
  readonly ownEventsFunction: ServiceFunction;
  /** `POST /v1/track|identify|page|batch`. */
  readonly segmentFunction: ServiceFunction;
  /** `POST /webhooks/shopify/{storeId}`. */
  readonly shopifyWebhookFunction: ServiceFunction;
  /** Consumer of the profile-events queue. */
  readonly applyProfileEventsFunction: ServiceFunction;
  readonly eraseCustomersFunction: ServiceFunction;
  /** The HTTP API in front of the ingest functions. */
  readonly ingestApi: IngestApi;
  /** Canonical events on the bus to the profile-events queue. */
  readonly profileEventsRule: Rule;
  /** Alarm topic and alarms. */
  readonly alarms: OperationsAlarms;
  /** SES configuration set and sending identity. */
  readonly emailSending: EmailSending;
  /** Journey state machines, their rules, the journey-step function and the win-back scan. */
  readonly journeys: Journeys;
  /** `GET|POST /unsubscribe`. */
  readonly unsubscribeFunction: ServiceFunction;
  /** The marketer's CloudWatch dashboard. */
  readonly dashboard: MarketerDashboard;
  /** SES engagement events, attribution and lift. */
  readonly engagement: Engagement;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const logLevel = props.logLevel ?? 'INFO';

    const ingestFunction = (constructId: string, entry: string, description: string): ServiceFunction =>
      new ServiceFunction(this, constructId, { entry, serviceName: 'ingest', description, logLevel })
        .bindEventBus(props.eventBus)
        .bindStoresTable(props.storesTable);

    this.ownEventsFunction = ingestFunction(
      'OwnEventsFunction',
      'functions/ingest/handlers/own-events.ts',
      'POST /v1/events: canonical events, bearer API key',
    );
    this.segmentFunction = ingestFunction(
      'SegmentFunction',
      'functions/ingest/handlers/segment.ts',
      'POST /v1/track|identify|page|batch: Segment-compatible, Basic write key',
    );
    this.shopifyWebhookFunction = ingestFunction(
      'ShopifyWebhookFunction',
      'functions/ingest/handlers/shopify-webhook.ts',
      'POST /webhooks/shopify/{storeId}: Shopify webhooks, HMAC-verified',
    );
    // customers/redact queues an erasure for the erasure function.
    this.shopifyWebhookFunction.function.addEnvironment(
      'ERASURE_QUEUE_URL',
      props.erasureRequestsQueue.queueUrl,
    );
    props.erasureRequestsQueue.grantSendMessages(this.shopifyWebhookFunction.function);

    this.applyProfileEventsFunction = new ServiceFunction(this, 'ApplyProfileEventsFunction', {
      entry: 'functions/profiles/handlers/apply-events.ts',
      serviceName: 'profiles',
      description: 'SQS consumer: applies canonical events to customer profiles',
      timeout: props.profileFunctionTimeout ?? Duration.seconds(10),
      logLevel,
      // The win-back journey's dormancy threshold decides which day a profile is indexed under.
      environment: { DORMANCY_DAYS: String(dormancyDays()) },
    })
      .bindProfilesTable(props.profilesTable, 'readWrite')
      // The store's signing key hashes the identities of erased customers, whose old events are dropped.
      .bindStoreRecords(props.storesTable)
      .bindSourceQueue(props.profileEventsQueue);
    this.applyProfileEventsFunction.function.addEventSource(
      new SqsEventSource(props.profileEventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.ingestApi = new IngestApi(this, 'IngestApi', {
      ownEventsFunction: this.ownEventsFunction.function,
      segmentFunction: this.segmentFunction.function,
      shopifyWebhookFunction: this.shopifyWebhookFunction.function,
      throttlingRateLimit: props.apiThrottlingRateLimit,
      throttlingBurstLimit: props.apiThrottlingBurstLimit,
    });

    // The queues' resource policies (stateful stack) already let rules on this bus deliver to them.
    this.profileEventsRule = new Rule(this, 'ProfileEventsRule', {
      description: 'Every canonical event to the profile-events queue',
      eventBus: props.eventBus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [
        new PrePermittedSqsTarget(props.profileEventsQueue, {
          deadLetterQueue: props.profileEventsRuleDlq,
          retryAttempts: 20,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    this.unsubscribeFunction = new ServiceFunction(this, 'UnsubscribeFunction', {
      entry: 'functions/messaging/handlers/unsubscribe.ts',
      serviceName: 'messaging',
      description: 'GET|POST /unsubscribe: confirmation page and RFC 8058 one-click unsubscribe',
      logLevel,
    })
      .bindMessagesTable(props.messagesTable)
      // The public function reads a store's name and signing key, never its Shopify secret.
      .bindStoreRecords(props.storesTable, UNSUBSCRIBE_STORE_ATTRIBUTES)
      .bindEventBus(props.eventBus);
    this.ingestApi.addRouteAuthenticatedByHandler(
      '/unsubscribe',
      [HttpMethod.GET, HttpMethod.POST],
      this.unsubscribeFunction.function,
      "The request carries its own credential: an HMAC-signed, expiring token naming the store and address, verified in the handler with the store's signing key. Mailbox providers send RFC 8058 one-click POSTs without any other credential.",
      // People click these one at a time; a ceiling far below ingest's keeps link scanners and floods off it.
      { rateLimit: 20, burstLimit: 50 },
    );

    this.emailSending = new EmailSending(this, 'EmailSending');
    this.journeys = new Journeys(this, 'Journeys', {
      eventBus: props.eventBus,
      profilesTable: props.profilesTable,
      dormantOnIndex: props.dormantOnIndex,
      messagesTable: props.messagesTable,
      storesTable: props.storesTable,
      journeyStartsDlq: props.journeyStartsDlq,
      journeyEventsQueue: props.journeyEvents.queue,
      journeyEventsRuleDlq: props.journeyEvents.ruleDlq,
      journeyEntriesQueue: props.journeyEntries.queue,
      journeyEntriesRuleDlq: props.journeyEntries.ruleDlq,
      publicApiUrl: this.ingestApi.url,
      configurationSetName: this.emailSending.configurationSet.configurationSetName,
      allowSending: (fn) => this.emailSending.allowSending(fn),
      logLevel,
      sesMaxSendRate: props.sesMaxSendRate,
    });

    this.eraseCustomersFunction = new ServiceFunction(this, 'EraseCustomersFunction', {
      entry: 'functions/privacy/handlers/erase-customers.ts',
      serviceName: 'privacy',
      description: 'SQS consumer: erases customers (Shopify customers/redact) as `customer erase` does',
      timeout: Duration.seconds(30),
      logLevel,
    })
      .bindErasableTables(props.profilesTable, props.messagesTable)
      .bindStoreRecords(props.storesTable);
    this.eraseCustomersFunction.function.addEventSource(
      new SqsEventSource(props.erasureRequestsQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    this.journeys.allowStoppingRuns(
      this.eraseCustomersFunction,
      "an erasure stops every run of the customer's; execution names are only known at run time.",
    );

    this.alarms = new OperationsAlarms(this, 'Alarms', { alarmEmail: props.alarmEmail });
    this.alarms.addQueueDepthAlarm(
      'JourneyStartsDlqDepthAlarm',
      props.journeyStartsDlq,
      'A scheduled journey scan could not be invoked; run the scan for the missed day after fixing.',
    );
    for (const [journey, stateMachine] of Object.entries(this.journeys.stateMachines)) {
      this.alarms.addStateMachineFailuresAlarm(
        `${stateMachine.node.id}FailuresAlarm`,
        stateMachine,
        `Executions of the ${journey} journey failed or timed out.`,
      );
    }
    this.alarms.addQueueDepthAlarm(
      'ErasureRequestsDlqDepthAlarm',
      props.erasureRequestsDlq,
      'A customer erasure failed 5 times: fix the cause and redrive it (erasure is safe to repeat); the law sets a deadline.',
    );
    this.alarms.addQueueDepthAlarm(
      'JourneyEventsDlqDepthAlarm',
      props.journeyEvents.dlq,
      'Events that journey runs wait for failed processing 5 times; the runs go on waiting until their timeout (inspect, fix, redrive).',
    );
    this.alarms.addQueueDepthAlarm(
      'JourneyEventsRuleDlqDepthAlarm',
      props.journeyEvents.ruleDlq,
      'EventBridge could not deliver events that journey runs wait for to their queue; they are waiting in the rule dead-letter queue.',
    );
    this.alarms.addQueueDepthAlarm(
      'JourneyEntriesDlqDepthAlarm',
      props.journeyEntries.dlq,
      'Journey triggers failed entry 5 times (no run started for them); inspect, fix, redrive.',
    );
    this.alarms.addQueueDepthAlarm(
      'JourneyEntriesRuleDlqDepthAlarm',
      props.journeyEntries.ruleDlq,
      'EventBridge could not deliver journey triggers to their queue; they are waiting in the rule dead-letter queue.',
    );
    this.alarms.addQueueDepthAlarm(
      'ProfileEventsDlqDepthAlarm',
      props.profileEventsDlq,
      'Profile events failed processing 5 times and are waiting in the dead-letter queue (inspect, fix, redrive).',
    );
    this.alarms.addQueueDepthAlarm(
      'ProfileEventsRuleDlqDepthAlarm',
      props.profileEventsRuleDlq,
      'EventBridge could not deliver events to the profile-events queue; they are waiting in the rule dead-letter queue.',
    );
    this.alarms.addApiServerErrorsAlarm(
      'IngestApiServerErrorsAlarm',
      this.ingestApi.httpApi,
      'The ingest HTTP API answered 5xx: events from the storefront may have been rejected.',
    );
    for (const [alarmId, fn] of [
      ['OwnEventsFunctionErrorsAlarm', this.ownEventsFunction],
      ['SegmentFunctionErrorsAlarm', this.segmentFunction],
      ['ShopifyWebhookFunctionErrorsAlarm', this.shopifyWebhookFunction],
      ['ApplyProfileEventsFunctionErrorsAlarm', this.applyProfileEventsFunction],
      ['EraseCustomersFunctionErrorsAlarm', this.eraseCustomersFunction],
      ['JourneyStepFunctionErrorsAlarm', this.journeys.stepFunction],
      ['JourneyEventsFunctionErrorsAlarm', this.journeys.eventsFunction],
      ['JourneyEntryFunctionErrorsAlarm', this.journeys.entryFunction],
      ...this.journeys.scanFunctions.map((fn) => [`${fn.node.id}ErrorsAlarm`, fn] as const),
      ['UnsubscribeFunctionErrorsAlarm', this.unsubscribeFunction],
    ] as const) {
      this.alarms.addFunctionErrorsAlarm(alarmId, fn.function, `Errors in ${fn.entry}.`);
    }

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the ingest HTTP API (e.g. POST <ApiUrl>v1/events)',
      value: this.ingestApi.url,
    });
    for (const [journey, stateMachine] of Object.entries(this.journeys.stateMachines)) {
      new CfnOutput(this, `${stateMachine.node.id}Arn`, {
        description: `State machine of the ${journey} journey`,
        value: stateMachine.stateMachineArn,
      });
    }
    this.engagement = new Engagement(this, 'Engagement', {
      storefrontBus: props.eventBus,
      messagesTable: props.messagesTable,
      profilesTable: props.profilesTable,
      storesTable: props.storesTable,
      sesEventsQueue: props.sesEvents.queue,
      sesEventsDlq: props.sesEvents.dlq,
      sesEventsRuleDlq: props.sesEvents.ruleDlq,
      ordersQueue: props.attributionOrders.queue,
      ordersDlq: props.attributionOrders.dlq,
      ordersRuleDlq: props.attributionOrders.ruleDlq,
      logLevel,
      alarms: this.alarms,
    });
    this.alarms.addBounceRateAlarm(
      'SesBounceRateAlarm',
      'The SES bounce rate reached 4 % (SES reviews accounts at 5 %): check list hygiene and recent imports.',
    );
    this.alarms.addComplaintRateAlarm(
      'SesComplaintRateAlarm',
      'The SES complaint rate reached 0.08 % (SES reviews accounts at 0.1 %): check consent sources and frequency.',
    );
    const functions = [
      this.ownEventsFunction,
      this.segmentFunction,
      this.shopifyWebhookFunction,
      this.applyProfileEventsFunction,
      this.eraseCustomersFunction,
      this.unsubscribeFunction,
      this.journeys.stepFunction,
      this.journeys.eventsFunction,
      this.journeys.entryFunction,
      ...this.journeys.scanFunctions,
      this.engagement.sesEventsFunction,
      this.engagement.attributeOrdersFunction,
    ];
    this.dashboard = new MarketerDashboard(this, 'MarketerDashboard', {
      api: this.ingestApi.httpApi,
      functions: Object.fromEntries(functions.map((fn) => [fn.entry, fn.function])),
      deadLetterQueues: Object.fromEntries(
        [
          props.profileEventsDlq,
          props.profileEventsRuleDlq,
          props.erasureRequestsDlq,
          props.journeyStartsDlq,
          props.sesEvents.dlq,
          props.sesEvents.ruleDlq,
          props.attributionOrders.dlq,
          props.attributionOrders.ruleDlq,
          props.journeyEvents.dlq,
          props.journeyEvents.ruleDlq,
          props.journeyEntries.dlq,
          props.journeyEntries.ruleDlq,
        ].map((queue) => [queue.node.id, queue]),
      ),
      stateMachines: this.journeys.stateMachines,
      configurationSetName: this.emailSending.configurationSet.configurationSetName,
    });

    new CfnOutput(this, 'ConfigurationSetName', {
      description: 'SES configuration set every journey mail is sent with',
      value: this.emailSending.configurationSet.configurationSetName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic notified by every alarm',
      value: this.alarms.topic.topicArn,
    });
  }
}

/**
 * The days without an order after which a customer is dormant, from the journeys a dormancy scan
 * starts (the profile function keeps the index those scans read). 90 when no journey asks.
 */
function dormancyDays(): number {
  const days = deployedJourneys().flatMap((journey) =>
    'schedule' in journey.trigger ? [journey.trigger.schedule.days] : [],
  );
  if (new Set(days).size > 1)
    throw new Error(`dormancy scans disagree on the dormancy period: ${days.join(', ')} days`);
  return days[0] ?? 90;
}
