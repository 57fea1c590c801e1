import { AppError } from '#shared/errors.ts';

/** A queue message that is neither an SES event nor a canonical event; it fails until it reaches the DLQ. */
export class InvalidEngagementMessageError extends AppError {}

/** Concurrent writers kept changing the same item; the message goes back to the queue and is retried. */
export class EngagementContentionError extends AppError {}

/** An SES event for one of our mails arrived before the send path indexed it; the message is retried. */
export class MessageNotIndexedYetError extends AppError {}

/** A refund or cancellation of an order whose attribution is still to be recorded; the message is retried. */
export class AttributionNotRecordedYetError extends AppError {}
