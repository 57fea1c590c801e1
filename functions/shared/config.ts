import type * as z from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Reads and validates configuration from the environment once, at module scope, so a function
 * with a missing setting fails at cold start with a message naming the variable.
 */
export function readConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return env[name] === undefined
      ? `Environment variable ${name} is required`
      : `Environment variable ${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(messages.join('; '));
}
