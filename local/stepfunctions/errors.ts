/** The Step Functions exceptions the local service answers with (all client faults, HTTP 400). */
export type SfnErrorType =
  | 'ConflictException'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'ResourceNotFound'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'UnknownOperationException'
  | 'ValidationException';

/** Reported to clients as `{ "__type": type, "message": … }`, which the SDK maps to its exception class. */
export class SfnError extends Error {
  override readonly name = 'SfnError';

  constructor(
    readonly type: SfnErrorType,
    message: string,
  ) {
    super(message);
  }
}
