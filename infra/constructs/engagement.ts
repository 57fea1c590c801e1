import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SES_ENGAGEMENT_DETAIL_TYPES } from '#engagement/schemas.ts';
import { EVENT_SOURCE } from '#events/schemas.ts';
import type { OperationsAlarms } from './operations-alarms.ts';
import { PrePermittedSqsTarget } from './pre-permitted-sqs-target.ts';
import { type LogLevel, ServiceFunction } from './service-function.ts';

/** Timeout of the SES-events function; its queue's visibility timeout must be at least six times this. */
export const SES_EVENTS_FUNCTION_TIMEOUT = Duration.seconds(15);
/** Timeout of the order-attribution function; its queue's visibility timeout must be at least six times this. */
export const ATTRIBUTE_ORDERS_FUNCTION_TIMEOUT = Duration.seconds(15);

export interface EngagementProps {
  /** Bus carrying the canonical events (`order.placed` is attributed). */
  readonly storefrontBus: IEventBus;
  /** Sent mails by SES message id, customer partitions, suppressions (read/write). */
  readonly messagesTable: ITable;
  /** Customer profiles (read only: the order's identity leads to the customer). */
  readonly profilesTable: ITable;
  /** Store records: the signing key that hashes erased customers' identities (GetItem only). */
  readonly storesTable: ITable;
  /** Queue the SES-events rule on the default bus delivers to; its policy must let rules on the default bus send. */
  readonly sesEventsQueue: IQueue;
  /** Dead-letter queue of `sesEventsQueue` (alarmed when `alarms` is given). */
  readonly sesEventsDlq: IQueue;
  /** Dead-letter queue of the SES-events rule's target; its policy must let rules on the default bus send. */
  readonly sesEventsRuleDlq: IQueue;
  /** Queue the order rule on the storefront bus delivers to. */
  readonly ordersQueue: IQueue;
  /** Dead-letter queue of `ordersQueue` (alarmed when `alarms` is given). */
  readonly ordersDlq: IQueue;
  /** Dead-letter queue of the order rule's target. */
  readonly ordersRuleDlq: IQueue;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Soft bounces in a row, without a delivery in between, tolerated before an address is suppressed.
   * @default - 7 (the function's default)
   */
  readonly softBounceLimit?: number;
  /**
   * How long before an order a click still earns it.
   * @default - 5 days (the function's default)
   */
  readonly clickWindow?: Duration;
  /**
   * How long before an order an open still earns it (when no click does).
   * @default - 5 days (the function's default)
   */
  readonly openWindow?: Duration;
  /**
   * How long before an order a journey entry counts the order as that journey's conversion.
   * @default - 7 days (the function's default)
   */
  readonly conversionWindow?: Duration;
  /**
   * Alarms to add the queue-depth and function-error alarms of this construct to.
   * @default - no alarms
   */
  readonly alarms?: OperationsAlarms;
}

/**
 * The engagement loop and revenue attribution: SES engagement events (from the account's default
 * bus, where SES event publishing puts them) and `order.placed` events (from the storefront bus),
 * each through a queue into a batch-consuming function with partial batch failures.
 */
export class Engagement extends Construct {
  readonly sesEventsFunction: ServiceFunction;
  readonly attributeOrdersFunction: ServiceFunction;
  readonly sesEventsRule: Rule;
  readonly ordersRule: Rule;

  constructor(scope: Construct, id: string, props: EngagementProps) {
    super(scope, id);
    const logLevel = props.logLevel ?? 'INFO';

    this.sesEventsFunction = new ServiceFunction(this, 'SesEventsFunction', {
      entry: 'functions/engagement/handlers/ses-events.ts',
      serviceName: 'engagement',
      description:
        'SQS consumer: records SES engagement events on mails and customers; suppresses bouncing addresses',
      timeout: SES_EVENTS_FUNCTION_TIMEOUT,
      logLevel,
      environment: {
        ...(props.softBounceLimit !== undefined && { SOFT_BOUNCE_LIMIT: String(props.softBounceLimit) }),
      },
    })
      .bindMessagesTable(props.messagesTable)
      // Engagement of a mail to a customer erased since rebuilds nothing: their tombstones are read.
      .bindProfilesTable(props.profilesTable, 'read')
      .bindStoreRecords(props.storesTable);
    this.sesEventsFunction.function.addEventSource(
      new SqsEventSource(props.sesEventsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    const seconds = (window: Duration | undefined) =>
      window === undefined ? undefined : String(window.toSeconds({ integral: true }));
    const windows = {
      ATTRIBUTION_CLICK_WINDOW_SECONDS: seconds(props.clickWindow),
      ATTRIBUTION_OPEN_WINDOW_SECONDS: seconds(props.openWindow),
      CONVERSION_WINDOW_SECONDS: seconds(props.conversionWindow),
    };
    this.attributeOrdersFunction = new ServiceFunction(this, 'AttributeOrdersFunction', {
      entry: 'functions/engagement/handlers/attribute-orders.ts',
      serviceName: 'engagement',
      description:
        'SQS consumer: attributes orders to the last journey mail touch and records journey conversions',
      timeout: ATTRIBUTE_ORDERS_FUNCTION_TIMEOUT,
      logLevel,
      environment: Object.fromEntries(
        Object.entries(windows).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
    })
      .bindMessagesTable(props.messagesTable)
      .bindProfilesTable(props.profilesTable, 'read')
      // A replayed order of an erased customer is not attributed: its tombstones are hashed per store.
      .bindStoreRecords(props.storesTable);
    this.attributeOrdersFunction.function.addEventSource(
      new SqsEventSource(props.ordersQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // SES publishes to the default bus only. The queues' policies (stateful stack) let rules deliver.
    this.sesEventsRule = new Rule(this, 'SesEventsRule', {
      description:
        'SES engagement events (sends, deliveries, opens, clicks, bounces, complaints…) to their queue',
      eventBus: EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      // Only the email sending events: SES also puts sending-status and advisor events on this bus.
      eventPattern: { source: ['aws.ses'], detailType: [...SES_ENGAGEMENT_DETAIL_TYPES] },
      targets: [
        new PrePermittedSqsTarget(props.sesEventsQueue, {
          deadLetterQueue: props.sesEventsRuleDlq,
          retryAttempts: 20,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    this.ordersRule = new Rule(this, 'OrdersRule', {
      description: 'Orders, their refunds and cancellations to the attribution queue',
      eventBus: props.storefrontBus,
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: ['order.placed', 'order.refunded', 'order.cancelled', 'order.updated'],
      },
      targets: [
        new PrePermittedSqsTarget(props.ordersQueue, {
          deadLetterQueue: props.ordersRuleDlq,
          retryAttempts: 20,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    if (props.alarms !== undefined) this.addAlarms(props.alarms, props);
  }

  private addAlarms(alarms: OperationsAlarms, props: EngagementProps): void {
    alarms.addQueueDepthAlarm(
      'SesEventsDlqDepthAlarm',
      props.sesEventsDlq,
      'SES engagement events failed processing and are waiting in the dead-letter queue (inspect, fix, redrive).',
    );
    alarms.addQueueDepthAlarm(
      'SesEventsRuleDlqDepthAlarm',
      props.sesEventsRuleDlq,
      'EventBridge could not deliver SES engagement events to their queue; they are waiting in the rule dead-letter queue.',
    );
    alarms.addQueueDepthAlarm(
      'OrdersDlqDepthAlarm',
      props.ordersDlq,
      'Orders failed attribution and are waiting in the dead-letter queue (inspect, fix, redrive).',
    );
    alarms.addQueueDepthAlarm(
      'OrdersRuleDlqDepthAlarm',
      props.ordersRuleDlq,
      'EventBridge could not deliver placed orders to the attribution queue; they are waiting in the rule dead-letter queue.',
    );
    for (const [alarmId, fn] of [
      ['SesEventsFunctionErrorsAlarm', this.sesEventsFunction],
      ['AttributeOrdersFunctionErrorsAlarm', this.attributeOrdersFunction],
    ] as const) {
      alarms.addFunctionErrorsAlarm(alarmId, fn.function, `Errors in ${fn.entry}.`);
    }
  }
}
