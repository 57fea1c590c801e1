import { SfnError } from './errors.ts';

/** A state machine ARN, unqualified or qualified by a version number (`:3`) or an alias name (`:live`). */
const STATE_MACHINE_ARN = /^(arn:[\w-]+:states:[^:]*:[^:]*:stateMachine:[^:/]+)(?::([^:/]+))?$/;
const EXECUTION_ARN = /^arn:[\w-]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/;
const VERSION_NUMBER = /^[1-9][0-9]*$/;
// Step Functions forbids whitespace, brackets, wildcards, these punctuation marks and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** What a state machine ARN names: the state machine itself, one of its versions or one of its aliases. */
export type StateMachineReference =
  | { kind: 'state-machine'; stateMachineArn: string }
  | { kind: 'version'; stateMachineArn: string; version: number }
  | { kind: 'alias'; stateMachineArn: string; alias: string };

/**
 * The execution ARN of `executionName`. Executions are named per state machine whatever version or
 * alias started them, so the ARN is built from the unqualified state machine ARN.
 */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const { stateMachineArn: unqualified } = parseStateMachineArn(stateMachineArn);
  return `${unqualified.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** Splits a qualified ARN (`…:stateMachine:Name:3`, `…:stateMachine:Name:live`) into what it names. */
export function parseStateMachineArn(arn: string): StateMachineReference {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (match === null) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  const [, stateMachineArn = '', qualifier] = match;
  if (qualifier === undefined) return { kind: 'state-machine', stateMachineArn };
  if (VERSION_NUMBER.test(qualifier)) return { kind: 'version', stateMachineArn, version: Number(qualifier) };
  return { kind: 'alias', stateMachineArn, alias: qualifier };
}

/** An unqualified state machine ARN, as CreateStateMachine and the template's state machines have. */
export function requireStateMachineArn(arn: string): string {
  if (parseStateMachineArn(arn).kind !== 'state-machine') {
    throw new SfnError('InvalidArn', `Invalid Arn: '${arn}' is qualified`);
  }
  return arn;
}

export function requireExecutionArn(arn: string): string {
  if (!EXECUTION_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  return arn;
}

export function requireExecutionName(name: string): string {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
  }
  return name;
}

/** Alias names follow execution names' rules, and cannot look like a version number. */
export function requireAliasName(name: string): string {
  if (VERSION_NUMBER.test(name)) {
    throw new SfnError('ValidationException', `Invalid alias name '${name}': it must not be a number.`);
  }
  return requireExecutionName(name);
}

export function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}
