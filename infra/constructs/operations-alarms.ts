import { CfnCondition, CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  ALARM_BOUNCE_RATE,
  ALARM_COMPLAINT_RATE,
  SES_BOUNCE_RATE_METRIC,
  SES_COMPLAINT_RATE_METRIC,
} from '../dashboard/widgets.ts';
import { sesReputationMetric } from './marketer-dashboard.ts';

/** Logical id of the CloudFormation parameter holding the optional alarm e-mail address. */
export const ALARM_EMAIL_PARAMETER = 'AlarmEmail';

export interface OperationsAlarmsProps {
  /**
   * Address subscribed to the alarm topic (by e-mail; AWS sends a confirmation mail first). Becomes the
   * default of the `AlarmEmail` CloudFormation parameter, which can still be overridden at deploy time.
   * @default - empty: no subscription unless `AlarmEmail` is passed at deploy time
   */
  readonly alarmEmail?: string;
}

/**
 * The alarm topic (KMS-encrypted, TLS-only) and helpers that create alarms notifying it on both
 * ALARM and OK.
 */
export class OperationsAlarms extends Construct {
  /** SNS topic every alarm notifies. */
  readonly topic: Topic;
  /** Customer-managed key encrypting the topic (CloudWatch cannot publish to a topic under the AWS-managed SNS key). */
  readonly topicKey: Key;
  /** Every alarm created through this construct. */
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the storefront-journeys alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'storefront-journeys alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // enforceSSL creates a topic policy, which replaces the default one: allow CloudWatch alarms of this
    // account explicitly.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    this.action = new SnsAction(this.topic);

    const alarmEmail = new CfnParameter(this, 'AlarmEmailParameter', {
      type: 'String',
      default: props.alarmEmail ?? '',
      description: 'E-mail address notified of storefront-journeys alarms (empty: no e-mail subscription)',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be empty or an e-mail address',
    });
    alarmEmail.overrideLogicalId(ALARM_EMAIL_PARAMETER);
    const hasAlarmEmail = new CfnCondition(this, 'HasAlarmEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(alarmEmail.valueAsString, '')),
    });
    const subscription = new CfnSubscription(this, 'EmailSubscription', {
      topicArn: this.topic.topicArn,
      protocol: 'email',
      endpoint: alarmEmail.valueAsString,
    });
    subscription.cfnOptions.condition = hasAlarmEmail;
  }

  /** Alarms as soon as a (dead-letter) queue holds a visible message. */
  addQueueDepthAlarm(id: string, queue: IQueue, description: string): Alarm {
    return this.register(
      new Alarm(this, id, {
        alarmDescription: description,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Alarms when a function reports any error in five minutes. */
  addFunctionErrorsAlarm(id: string, fn: IFunction, description: string): Alarm {
    return this.register(
      new Alarm(this, id, {
        alarmDescription: description,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Alarms when the HTTP API answers any 5xx in five minutes. */
  addApiServerErrorsAlarm(id: string, api: IHttpApi, description: string): Alarm {
    return this.register(
      new Alarm(this, id, {
        alarmDescription: description,
        metric: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Alarms when any execution of a state machine fails or times out in five minutes. Not when one is
   * aborted: runs are stopped on purpose (a goal's event, a newer trigger that supersedes them), many a
   * day, and an alarm that always rings is one nobody reads.
   */
  addStateMachineFailuresAlarm(id: string, stateMachine: IStateMachine, description: string): Alarm {
    const period = Duration.minutes(5);
    return this.register(
      new Alarm(this, id, {
        alarmDescription: description,
        metric: new MathExpression({
          expression: 'failed + timedOut',
          usingMetrics: {
            failed: stateMachine.metricFailed({ period, statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Alarms when SES's bounce rate reaches 4 %, below the 5 % at which SES puts the account under review.
   * Account-wide (what SES reviews) unless a configuration set is named.
   */
  addBounceRateAlarm(id: string, description: string, configurationSetName?: string): Alarm {
    return this.addSesReputationAlarm(
      id,
      description,
      SES_BOUNCE_RATE_METRIC,
      ALARM_BOUNCE_RATE,
      configurationSetName,
    );
  }

  /**
   * Alarms when SES's complaint rate reaches 0.08 %, below the 0.1 % at which SES puts the account under
   * review. Account-wide (what SES reviews) unless a configuration set is named.
   */
  addComplaintRateAlarm(id: string, description: string, configurationSetName?: string): Alarm {
    return this.addSesReputationAlarm(
      id,
      description,
      SES_COMPLAINT_RATE_METRIC,
      ALARM_COMPLAINT_RATE,
      configurationSetName,
    );
  }

  private addSesReputationAlarm(
    id: string,
    description: string,
    metricName: string,
    threshold: number,
    configurationSetName: string | undefined,
  ): Alarm {
    return this.register(
      new Alarm(this, id, {
        alarmDescription: description,
        metric: sesReputationMetric(metricName, configurationSetName, {
          period: Duration.hours(1),
          statistic: 'Maximum',
        }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // SES publishes the rates only once there were bounces or complaints, and not every period: a gap
        // says nothing about the rate, so the alarm keeps its state instead of flapping back to OK.
        treatMissingData: TreatMissingData.IGNORE,
      }),
    );
  }

  private register(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
