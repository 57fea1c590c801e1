import { AppError } from '#shared/errors.ts';

/** The store cannot hash its tombstones (unknown, or no signing key): erasing would leave nothing to stop a replay. */
export class StoreNotErasableError extends AppError {}
