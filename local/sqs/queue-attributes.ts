import { SqsError } from './errors.ts';
import { MAX_MESSAGE_BYTES } from './messages.ts';
import type { LocalQueues, QueueDefinition } from './queues.ts';

const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

// Accepted on CreateQueue so CloudFormation-shaped definitions load, but without local effect.
const IGNORED_ON_CREATE = new Set([
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
]);

const READABLE = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'DelaySeconds',
  'LastModifiedTimestamp',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'QueueArn',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
] as const;

// Valid SQS names this engine has no value for; asking for them is not an error, they are just absent.
const ABSENT = new Set([
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoQueue',
  'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'Policy',
  'RedriveAllowPolicy',
]);

/**
 * Builds a definition from CreateQueue attributes. Attributes left out keep an existing queue's
 * values, so a repeated CreateQueue without attributes stays idempotent.
 */
export function definitionFromAttributes(
  queues: LocalQueues,
  name: string,
  attributes: Record<string, string>,
): QueueDefinition {
  const existing = queues.hasQueue(name) ? queues.definition(name) : undefined;
  const definition: QueueDefinition = {
    name,
    visibilityTimeoutSeconds: existing?.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    ...(existing?.redrive ? { redrive: existing.redrive } : {}),
  };
  for (const [attribute, value] of Object.entries(attributes)) {
    if (attribute === 'VisibilityTimeout') {
      definition.visibilityTimeoutSeconds = integerAttribute(attribute, value);
    } else if (attribute === 'RedrivePolicy') {
      const redrive = parseRedrivePolicy(queues, value);
      if (redrive) definition.redrive = redrive;
      else delete definition.redrive;
    } else if (attribute === 'DelaySeconds') {
      if (integerAttribute(attribute, value) !== 0) {
        throw new SqsError(
          'InvalidAttributeValue',
          'Queue-level DelaySeconds is not supported by local SQS.',
        );
      }
    } else if (!IGNORED_ON_CREATE.has(attribute)) {
      throw new SqsError('InvalidAttributeName', `Unknown or unsupported attribute ${attribute}.`);
    }
  }
  return definition;
}

export function readQueueAttributes(
  queues: LocalQueues,
  name: string,
  requested: readonly string[],
): Record<string, string> {
  for (const attribute of requested) {
    if (
      attribute !== 'All' &&
      !ABSENT.has(attribute) &&
      !(READABLE as readonly string[]).includes(attribute)
    ) {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${attribute}.`);
    }
  }
  const wanted = requested.includes('All')
    ? READABLE
    : READABLE.filter((attribute) => requested.includes(attribute));
  const definition = queues.definition(name);
  const counts = queues.counts(name);
  const created = String(Math.floor(queues.createdTimestamp(name) / 1000));
  const values: Record<(typeof READABLE)[number], string | undefined> = {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    CreatedTimestamp: created,
    DelaySeconds: '0',
    LastModifiedTimestamp: created,
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    MessageRetentionPeriod: '345600',
    QueueArn: queues.queueArn(name),
    ReceiveMessageWaitTimeSeconds: '0',
    RedrivePolicy: definition.redrive
      ? JSON.stringify({
          deadLetterTargetArn: queues.queueArn(definition.redrive.deadLetterQueueName),
          maxReceiveCount: definition.redrive.maxReceiveCount,
        })
      : undefined,
    SqsManagedSseEnabled: 'false',
    VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
  };
  const attributes: Record<string, string> = {};
  for (const attribute of wanted) {
    const value = values[attribute];
    if (value !== undefined) attributes[attribute] = value;
  }
  return attributes;
}

/** An empty policy string removes redrive, as it does in SQS. */
function parseRedrivePolicy(queues: LocalQueues, value: string): QueueDefinition['redrive'] {
  if (value.trim() === '') return undefined;
  let policy: unknown;
  try {
    policy = JSON.parse(value);
  } catch {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: not JSON.`,
    );
  }
  const { deadLetterTargetArn, maxReceiveCount } = (policy ?? {}) as Record<string, unknown>;
  const prefix = `arn:aws:sqs:${queues.region}:${queues.accountId}:`;
  if (typeof deadLetterTargetArn !== 'string' || !deadLetterTargetArn.startsWith(prefix)) {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: deadLetterTargetArn must be a queue ARN in ${queues.region} for account ${queues.accountId}.`,
    );
  }
  const count = typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof count !== 'number') {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: maxReceiveCount is required.`,
    );
  }
  return { deadLetterQueueName: deadLetterTargetArn.slice(prefix.length), maxReceiveCount: count };
}

function integerAttribute(attribute: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number)) {
    throw new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${attribute}.`);
  }
  return number;
}
