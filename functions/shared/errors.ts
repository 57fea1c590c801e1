/** Base of every error this project throws on purpose; subclasses name the failure. */
export abstract class AppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration is read once at cold start; a missing or malformed value stops the function early. */
export class ConfigError extends AppError {}

/** Exhaustiveness check for `switch` over a discriminated union. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
