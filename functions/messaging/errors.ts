import { AppError } from '#shared/errors.ts';

/** A template could not be rendered (missing variable, unknown template): a bug to fix, never a blank mail. */
export class MessageRenderError extends AppError {}

/** Store settings the send path needs are missing (sender address, signing key…). */
export class SenderNotConfiguredError extends AppError {}

/**
 * SES accepted a mail but recording it sent failed, even after retrying. The step fails and is retried;
 * the mail's own SES events mark its slot sent (from its tags) before the claim's lease runs out, so
 * the retry finds it sent rather than sending it again.
 */
export class SentMailNotRecordedError extends AppError {}

/**
 * The mail service refused the mail for the account's sending rate or daily quota (SES's
 * `TooManyRequestsException` / `Throttling`): nothing left, and the send path defers the mail
 * rather than failing the run.
 */
export class SendThrottledError extends AppError {
  constructor(
    message: string,
    /** The daily quota, not the per-second rate: asking again within seconds is pointless. */
    readonly quota: 'rate' | 'daily',
  ) {
    super(message);
  }
}
