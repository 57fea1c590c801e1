/**
 * SQS error shapes. `queryCode` is what real SQS puts in `x-amzn-query-error`: the SDK is
 * query-compatible and resolves the modelled exception class from that code before `__type`.
 */
const ERRORS = {
  BatchEntryIdsNotDistinct: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  BatchRequestTooLong: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong' },
  EmptyBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  InvalidAddress: { status: 404, queryCode: 'InvalidAddress' },
  InvalidAttributeName: { status: 400, queryCode: 'InvalidAttributeName' },
  InvalidAttributeValue: { status: 400, queryCode: 'InvalidAttributeValue' },
  InvalidBatchEntryId: { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  InvalidMessageContents: { status: 400, queryCode: 'InvalidMessageContents' },
  InvalidParameterValue: { status: 400, queryCode: 'InvalidParameterValue' },
  MessageNotInflight: { status: 400, queryCode: 'AWS.SimpleQueueService.MessageNotInflight' },
  MissingParameter: { status: 400, queryCode: 'MissingParameter' },
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' },
  QueueNameExists: { status: 400, queryCode: 'QueueAlreadyExists' },
  ReceiptHandleIsInvalid: { status: 404, queryCode: 'ReceiptHandleIsInvalid' },
  ResourceNotFoundException: { status: 404, queryCode: 'ResourceNotFoundException' },
  TooManyEntriesInBatchRequest: {
    status: 400,
    queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  },
  UnsupportedOperation: { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' },
} as const;

export type SqsErrorType = keyof typeof ERRORS;

/** An error the front door reports to clients as the SQS exception of the same name. */
export class SqsError extends Error {
  override readonly name = 'SqsError';

  constructor(
    readonly type: SqsErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERRORS[this.type].status;
  }

  get queryCode(): string {
    return ERRORS[this.type].queryCode;
  }
}
