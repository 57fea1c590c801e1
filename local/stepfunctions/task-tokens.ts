import { randomUUID } from 'node:crypto';

const SEPARATOR = '.';

/**
 * A task token (`$$.Task.Token`) for a task of `executionArn`. Like Step Functions' own tokens it is
 * opaque to callers; locally it carries its execution, so a `SendTaskSuccess` for a task that has
 * closed (answered, timed out, stopped) can be told from one for a token never issued without the
 * service remembering every token a month-long simulation handed out.
 */
export function newTaskToken(executionArn: string): string {
  return `${Buffer.from(executionArn, 'utf8').toString('base64url')}${SEPARATOR}${randomUUID()}`;
}

/** The execution a token was issued for, or undefined for a string that is no local token. */
export function executionArnOfTaskToken(taskToken: string): string | undefined {
  const separator = taskToken.lastIndexOf(SEPARATOR);
  if (separator <= 0) return undefined;
  const executionArn = Buffer.from(taskToken.slice(0, separator), 'base64url').toString('utf8');
  return executionArn.startsWith('arn:') ? executionArn : undefined;
}
