import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '#events/schemas.ts';

/**
 * The name of the run a trigger starts: deterministic, so a redelivered trigger or a re-run scan
 * starts nothing twice (Step Functions refuses a second execution of one name), and without personal
 * data — a trigger id can name a profile key, which can be an e-mail address, and execution names are
 * listed in the console and kept in the history. A SHA-256 of the store and the trigger id, 64 of the
 * 80 characters Step Functions allows.
 */
export function executionNameFor(trigger: Pick<CanonicalEvent, 'storeId' | 'id'>): string {
  return createHash('sha256').update(`${trigger.storeId}\n${trigger.id}`).digest('hex');
}

/**
 * The ARN of the run named `name` started on a state machine, its version or its alias: executions
 * are named under the unqualified state machine (`…:execution:<machine>:<name>`), whichever started
 * them.
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  const [prefix = '', machine = ''] = stateMachineArn.split(':stateMachine:');
  const [unqualified = ''] = machine.split(':');
  return `${prefix}:execution:${unqualified}:${name}`;
}
