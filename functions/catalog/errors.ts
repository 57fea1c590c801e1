import { AppError } from '#shared/errors.ts';

/** The file is not a product feed at all (as opposed to a feed with some bad rows, which are reported per row). */
export class FeedFormatError extends AppError {}

/** Concurrent writers kept changing the same catalog entry; the message goes back to the queue and is retried. */
export class CatalogContentionError extends AppError {}
