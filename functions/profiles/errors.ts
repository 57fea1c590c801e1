import { AppError } from '#shared/errors.ts';

/** Concurrent writers kept changing the same profile; the message goes back to the queue and is retried. */
export class ProfileContentionError extends AppError {}

/** An alias points to a profile that is missing or forms a loop: stored data needs an operator's look. */
export class BrokenAliasError extends AppError {}

/** A queue message that is not a canonical event; it fails until it lands in the dead-letter queue. */
export class InvalidBusMessageError extends AppError {}
