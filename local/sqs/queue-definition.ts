import { SqsError } from './errors.ts';

export interface RedriveDefinition {
  deadLetterQueueName: string;
  maxReceiveCount: number;
}

/** What the runtime reads from the CDK model: a queue and, optionally, where its poison messages go. */
export interface QueueDefinition {
  name: string;
  visibilityTimeoutSeconds: number;
  redrive?: RedriveDefinition;
}

const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export function validateDefinition(definition: QueueDefinition): void {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(definition.name)) {
    throw new SqsError(
      'InvalidParameterValue',
      `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length: ${definition.name}`,
    );
  }
  validateVisibilityTimeout(definition.visibilityTimeoutSeconds);
  const redrive = definition.redrive;
  if (
    redrive &&
    (!Number.isInteger(redrive.maxReceiveCount) ||
      redrive.maxReceiveCount < 1 ||
      redrive.maxReceiveCount > 1000)
  ) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${redrive.maxReceiveCount}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  if (redrive?.deadLetterQueueName === definition.name) {
    throw new SqsError('InvalidParameterValue', 'A queue cannot be its own dead-letter queue.');
  }
}

export function validateVisibilityTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${MAX_VISIBILITY_TIMEOUT_SECONDS}.`,
    );
  }
}

export function sameDefinition(a: QueueDefinition, b: QueueDefinition): boolean {
  return (
    a.visibilityTimeoutSeconds === b.visibilityTimeoutSeconds &&
    a.redrive?.deadLetterQueueName === b.redrive?.deadLetterQueueName &&
    a.redrive?.maxReceiveCount === b.redrive?.maxReceiveCount
  );
}
