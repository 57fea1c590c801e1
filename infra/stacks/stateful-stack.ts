import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, CfnArchive, CfnEventBus, EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Sparse index of profiles by the day they fall dormant: the daily win-back scan reads one partition. */
export const DORMANT_ON_INDEX = 'DormantOn';

/** Consumers fed by rules (engagement, attribution) time out at 15 s; SQS wants at least six times that. */
const CONSUMER_VISIBILITY_TIMEOUT = Duration.seconds(180);

export interface ConsumerQueues {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly ruleDlq: Queue;
}

/** Receives before a message moves from any consumer queue to its dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

export interface StatefulStackProps extends StackProps {
  /**
   * How long the event archive keeps events for replay.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * Visibility timeout of the profile-events queue. Must be at least six times the timeout of the
   * function that consumes it (AWS guidance for SQS event sources).
   * @default Duration.seconds(60) - six times the profile function's default 10 s timeout
   */
  readonly profileEventsVisibilityTimeout?: Duration;
  /**
   * How long dead-letter queues keep messages for inspection and redrive.
   * @default Duration.days(14) - the SQS maximum
   */
  readonly deadLetterRetention?: Duration;
}

/**
 * Everything that holds data: the tables, the event bus with its archive, the queues and their
 * dead-letter queues. Deployed apart from the stateless stack so that code changes never put data at risk.
 */
export class StatefulStack extends Stack {
  /** Customer profiles, one item per profile (`pk`), expired through `expiresAt`. */
  readonly profilesTable: Table;
  /** Store records and API-key records (only key hashes; the per-store Shopify webhook secret). */
  readonly storesTable: Table;
  /**
   * Everything the send path keeps per customer (`pk`) and item (`sk`): sent-message claims (exactly
   * once), decisions, frequency history, journey trigger claims, suppressions. Expired through `expiresAt`.
   */
  readonly messagesTable: Table;
  /** Custom bus every canonical event is put on. */
  readonly eventBus: EventBus;
  /** Archive of every event on the bus, for replay. */
  readonly eventArchive: Archive;
  /** Events for the profile function, fed by an EventBridge rule. */
  readonly profileEventsQueue: Queue;
  /** Messages the profile function failed `maxReceiveCount` times. */
  readonly profileEventsDlq: Queue;
  /** Events EventBridge could not deliver to the profile-events queue (the rule target's dead-letter queue). */
  readonly profileEventsRuleDlq: Queue;
  /** Scheduled scans (EventBridge Scheduler → scan function) that could not be delivered. */
  readonly journeyStartsDlq: Queue;
  /** SES engagement events (from the default bus) for the engagement function, with its DLQs. */
  readonly sesEvents: ConsumerQueues;
  /** `order.placed` events for attribution and lift, with its DLQs. */
  readonly attributionOrders: ConsumerQueues;
  /** Erasure requests (Shopify's customers/redact) for the erasure function, and their DLQ. */
  readonly erasureRequestsQueue: Queue;
  readonly erasureRequestsDlq: Queue;
  /** Events journey runs wait for (`waitFor`), for the function that resumes them, with its DLQs. */
  readonly journeyEvents: ConsumerQueues;
  /** Triggers of event-triggered journeys, for the entry function that starts their runs, with its DLQs. */
  readonly journeyEntries: ConsumerQueues;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);

    this.profilesTable = new Table(this, 'ProfilesTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Retained on stack deletion, and not deletable by a stray DeleteTable either.
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Only profiles with a last order carry `dormantOn`, so the index stays small. Keys only: the scan reads
    // `pk` and loads the profile itself, and an ALL projection would copy every profile write into the index.
    this.profilesTable.addGlobalSecondaryIndex({
      indexName: DORMANT_ON_INDEX,
      partitionKey: { name: 'dormantOn', type: AttributeType.STRING },
      sortKey: { name: 'pk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    this.messagesTable = new Table(this, 'MessagesTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Retained on stack deletion, and not deletable by a stray DeleteTable either.
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.storesTable = new Table(this, 'StoresTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Retained on stack deletion, and not deletable by a stray DeleteTable either.
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eventBus = new EventBus(this, 'EventBus', {
      description: 'storefront-journeys canonical events',
    });
    this.eventArchive = new Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      description: 'Every event on the storefront-journeys bus, for replay',
      // An archive needs a pattern; matching the account archives every event on the bus.
      eventPattern: { account: [this.account] },
      retention: props.archiveRetention ?? Duration.days(30),
    });

    const deadLetterRetention = props.deadLetterRetention ?? Duration.days(14);
    this.profileEventsDlq = new Queue(this, 'ProfileEventsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    this.profileEventsQueue = new Queue(this, 'ProfileEventsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.profileEventsVisibilityTimeout ?? Duration.seconds(60),
      deadLetterQueue: { queue: this.profileEventsDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.profileEventsRuleDlq = new Queue(this, 'ProfileEventsRuleDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    this.journeyStartsDlq = new Queue(this, 'JourneyStartsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    Validations.of(this.journeyStartsDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the DeadLetterConfig of the schedules of the dormancy scans (EventBridge Scheduler → Lambda), in the stateless stack.',
    });
    Validations.of(this.profileEventsRuleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the DeadLetterConfig of the EventBridge rule target (in the stateless stack) that delivers to the profile-events queue. cdk-nag only recognises SQS redrive policies and Lambda DLQs in the same stack as DLQ usage.',
    });

    this.erasureRequestsDlq = new Queue(this, 'ErasureRequestsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    this.erasureRequestsQueue = new Queue(this, 'ErasureRequestsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: CONSUMER_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.erasureRequestsDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.sesEvents = this.consumerQueues('SesEvents', deadLetterRetention);
    this.attributionOrders = this.consumerQueues('AttributionOrders', deadLetterRetention);
    this.journeyEvents = this.consumerQueues('JourneyEvents', deadLetterRetention);
    this.journeyEntries = this.consumerQueues('JourneyEntries', deadLetterRetention);
    // SES publishes to the account's default bus, so only rules there may send SES events.
    for (const queue of [this.sesEvents.queue, this.sesEvents.ruleDlq]) {
      queue.addToResourcePolicy(this.allowRulesOn(queue, 'AllowRulesOnTheDefaultBus', '*'));
    }

    // EventBridge rules live in the stateless stack. Letting them deliver through a queue policy here,
    // scoped to rules on this bus, avoids a dependency cycle (a policy naming the rule ARN would make this
    // stack depend on the stateless one). The stateless stack therefore targets imported queue references.
    for (const queue of [
      this.profileEventsQueue,
      this.profileEventsRuleDlq,
      this.journeyStartsDlq,
      this.attributionOrders.queue,
      this.attributionOrders.ruleDlq,
      this.journeyEvents.queue,
      this.journeyEvents.ruleDlq,
      this.journeyEntries.queue,
      this.journeyEntries.ruleDlq,
    ]) {
      queue.addToResourcePolicy(
        this.allowRulesOn(queue, 'AllowRulesOnTheEventBus', `${this.eventBus.eventBusName}/*`),
      );
    }

    for (const [name, queues] of [
      ['SesEvents', this.sesEvents],
      ['AttributionOrders', this.attributionOrders],
      ['JourneyEvents', this.journeyEvents],
      ['JourneyEntries', this.journeyEntries],
    ] as const) {
      new CfnOutput(this, `${name}DlqUrl`, {
        description: `Dead-letter queue of ${name} messages the consumer failed to process`,
        value: queues.dlq.queueUrl,
      });
      new CfnOutput(this, `${name}RuleDlqUrl`, {
        description: `Dead-letter queue of ${name} events EventBridge could not deliver`,
        value: queues.ruleDlq.queueUrl,
      });
    }

    // What holds events or messages outlives the stack, as the tables do: a stack deleted by mistake
    // must not take unprocessed events, dead letters or the replay archive with it.
    for (const construct of this.node.findAll()) {
      if (
        construct instanceof CfnQueue ||
        construct instanceof CfnEventBus ||
        construct instanceof CfnArchive
      ) {
        construct.applyRemovalPolicy(RemovalPolicy.RETAIN);
      }
    }

    new CfnOutput(this, 'ErasureRequestsDlqUrl', {
      description: 'Dead-letter queue of customer erasures the erasure function failed to run',
      value: this.erasureRequestsDlq.queueUrl,
    });
    new CfnOutput(this, 'ProfilesTableName', {
      description: 'DynamoDB table of customer profiles',
      value: this.profilesTable.tableName,
    });
    new CfnOutput(this, 'MessagesTableName', {
      description: 'DynamoDB table of messages, send decisions, frequency history and suppressions',
      value: this.messagesTable.tableName,
    });
    new CfnOutput(this, 'StoresTableName', {
      description: 'DynamoDB table of stores and API-key hashes',
      value: this.storesTable.tableName,
    });
    new CfnOutput(this, 'EventBusName', {
      description: 'EventBridge bus carrying canonical storefront events',
      value: this.eventBus.eventBusName,
    });
    new CfnOutput(this, 'EventArchiveName', {
      description: 'EventBridge archive of the bus (start a replay from it)',
      value: this.eventArchive.archiveName,
    });
    new CfnOutput(this, 'ProfileEventsQueueUrl', {
      description: 'SQS queue feeding the profile function',
      value: this.profileEventsQueue.queueUrl,
    });
    new CfnOutput(this, 'ProfileEventsDlqUrl', {
      description: 'Dead-letter queue of messages the profile function failed to process',
      value: this.profileEventsDlq.queueUrl,
    });
    new CfnOutput(this, 'JourneyStartsDlqUrl', {
      description: 'Dead-letter queue of scheduled journey scans the scheduler could not deliver',
      value: this.journeyStartsDlq.queueUrl,
    });
    new CfnOutput(this, 'ProfileEventsRuleDlqUrl', {
      description: 'Dead-letter queue of events EventBridge could not deliver to the profile-events queue',
      value: this.profileEventsRuleDlq.queueUrl,
    });
  }

  /**
   * A consumer queue fed by an EventBridge rule: the queue (visibility timeout six times its
   * function's timeout), its redrive DLQ, and the rule target's DLQ.
   */
  private consumerQueues(id: string, retentionPeriod: Duration): ConsumerQueues {
    const dlq = new Queue(this, `${id}Dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
    });
    const queue = new Queue(this, `${id}Queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: CONSUMER_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const ruleDlq = new Queue(this, `${id}RuleDlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
    });
    Validations.of(ruleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue: the DeadLetterConfig of the EventBridge rule target (in the stateless stack) that delivers to the ${id} queue.`,
    });
    return { queue, dlq, ruleDlq };
  }

  /** Lets EventBridge rules of this account (on the named bus, or the default bus with `*`) send to a queue. */
  private allowRulesOn(queue: Queue, sid: string, rulePattern: string): PolicyStatement {
    return new PolicyStatement({
      sid,
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: {
        ArnLike: {
          'aws:SourceArn': this.formatArn({ service: 'events', resource: 'rule', resourceName: rulePattern }),
        },
        StringEquals: { 'aws:SourceAccount': this.account },
      },
    });
  }
}
