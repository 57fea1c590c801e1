import type { Duration } from 'aws-cdk-lib';
import type { IRule, IRuleTarget, RuleTargetConfig, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

export interface PrePermittedSqsTargetProps {
  /** Queue receiving the events EventBridge could not deliver after its retries. */
  readonly deadLetterQueue: IQueue;
  /**
   * How many times EventBridge retries a failed delivery.
   * @default 20
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event before sending it to the dead-letter queue.
   * @default - EventBridge's default (24 hours)
   */
  readonly maxEventAge?: Duration;
  /**
   * What the queue receives instead of the whole event.
   * @default - the event as EventBridge sends it
   */
  readonly message?: RuleTargetInput;
}

/**
 * EventBridge rule target for an SQS queue whose resource policy already lets rules on the bus
 * deliver (the stateful stack adds that policy to its queues).
 *
 * Unlike `aws-events-targets.SqsQueue`, it does not add a statement naming the rule's ARN to the
 * queue's (and dead-letter queue's) policy: with the queues in the stateful stack and the rule in the
 * stateless one, that statement would make the stateful stack depend on the stateless stack, a cycle.
 */
export class PrePermittedSqsTarget implements IRuleTarget {
  private readonly queue: IQueue;
  private readonly props: PrePermittedSqsTargetProps;

  constructor(queue: IQueue, props: PrePermittedSqsTargetProps) {
    this.queue = queue;
    this.props = props;
  }

  bind(_rule: IRule, _id?: string): RuleTargetConfig {
    return {
      arn: this.queue.queueArn,
      ...(this.props.message !== undefined && { input: this.props.message }),
      deadLetterConfig: { arn: this.props.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: this.props.retryAttempts ?? 20,
        maximumEventAgeInSeconds: this.props.maxEventAge?.toSeconds({ integral: true }),
      },
    };
  }
}
