import { AppError } from '#shared/errors.ts';

/** A template could not be rendered (missing variable, unknown template): a bug to fix, never a blank mail. */
export class MessageRenderError extends AppError {}

/** Store settings the send path needs are missing (sender address, signing key…). */
export class SenderNotConfiguredError extends AppError {}
