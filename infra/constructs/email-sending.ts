import { CfnParameter, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.ts';

/** Logical id of the CloudFormation parameter naming the SES sending identity (`--parameters SenderIdentity=…`). */
export const SENDER_IDENTITY_PARAMETER = 'SenderIdentity';

/**
 * SES sending: a configuration set that suppresses bounced and complaining addresses and publishes
 * every engagement event to EventBridge (SES delivers those to the account's default bus), and the
 * sending identity, verified outside this app and passed as a parameter.
 */
export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  /** The verified SES identity (domain or address) mails are sent from. */
  readonly senderIdentity: CfnParameter;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.senderIdentity = new CfnParameter(this, 'SenderIdentity', {
      type: 'String',
      description:
        'Verified SES identity (a domain such as shop.example.com, or an address) that sends the mails',
      minLength: 3,
    });
    // A stable name operators pass at deploy time, not one with a construct-path hash.
    this.senderIdentity.overrideLogicalId(SENDER_IDENTITY_PARAMETER);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.OPEN,
        EmailSendingEvent.CLICK,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.RENDERING_FAILURE,
        EmailSendingEvent.DELIVERY_DELAY,
      ],
    });
  }

  /** `ses:SendEmail` from the sending identity with this configuration set, nothing else. */
  allowSending(fn: ServiceFunction): void {
    const stack = Stack.of(this);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: this.senderIdentity.valueAsString,
          }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }
}
