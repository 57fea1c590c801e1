import { AppError } from '#shared/errors.ts';

/** Concurrent writers kept changing the same profile; the message goes back to the queue and is retried. */
export class ProfileContentionError extends AppError {}

/** An alias points to a profile that is missing or forms a loop: stored data needs an operator's look. */
export class BrokenAliasError extends AppError {}

/**
 * A queue message that is not a canonical event. Permanent: no retry can fix it, so it is handed
 * back to the queue at once and reaches the dead-letter queue after its remaining receives. The
 * message names no value of the event (it may end up in a log).
 */
export class InvalidBusMessageError extends AppError {}
