import { AppError } from '#shared/errors.ts';

/**
 * AWS rejects the pattern with `InvalidEventPatternException`; the message carries AWS's own prefix and
 * reason text so that callers (and the local API) can hand it back unchanged.
 */
export class InvalidEventPatternError extends AppError {
  readonly code = 'InvalidEventPatternException';
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
  }
}

export function invalidPattern(reason: string): never {
  throw new InvalidEventPatternError(reason);
}
