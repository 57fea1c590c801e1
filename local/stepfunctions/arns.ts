import { SfnError } from './errors.ts';

const STATE_MACHINE_ARN = /^arn:[\w-]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:[\w-]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/;
// Step Functions forbids whitespace, brackets, wildcards, these punctuation marks and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

export function requireStateMachineArn(arn: string): string {
  if (!STATE_MACHINE_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
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

export function regionOf(arn: string): string {
  return arn.split(':')[3] ?? '';
}
