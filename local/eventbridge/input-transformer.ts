import { assertUnreachable } from '#shared/errors.ts';

/**
 * What a rule target receives, following EventBridge's documented rules for `Input`, `InputPath`
 * and `InputTransformer` (eb-transform-target-input). In a JSON template a placeholder outside
 * quotes becomes the JSON value (a string gets its quotes), and inside quotes the value's text is
 * spliced into the string; a template that is not JSON gets the values' text as is.
 */
export interface TargetInputConfiguration {
  /** Constant JSON text sent instead of the event. */
  input?: string;
  /** JSONPath into the event; that part is sent. */
  inputPath?: string;
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

/** What the predefined `aws.events.*` variables refer to. */
export interface TransformContext {
  ruleName?: string;
  ruleArn?: string;
  /** @default - the event's `time` */
  ingestionTime?: string;
}

type Lookup = { found: true; value: unknown } | { found: false };

const PLACEHOLDER_NAME = /^[A-Za-z0-9_.-]+$/;

/** The exact text EventBridge hands the target (an SQS body, a state machine's execution input). */
export function renderTargetInput(
  target: TargetInputConfiguration,
  event: unknown,
  context: TransformContext = {},
): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) {
    const selected = evaluatePath(event, target.inputPath);
    return JSON.stringify(selected.found ? selected.value : null);
  }
  if (target.inputTransformer !== undefined) return renderTemplate(target.inputTransformer, event, context);
  return JSON.stringify(event);
}

/** The target input as a value: parsed JSON, or the text itself for a template that is not JSON. */
export function transformInput(
  target: TargetInputConfiguration,
  event: unknown,
  context: TransformContext = {},
): unknown {
  const text = renderTargetInput(target, event, context);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function renderTemplate(
  transformer: NonNullable<TargetInputConfiguration['inputTransformer']>,
  event: unknown,
  context: TransformContext,
): string {
  const variables = new Map<string, Lookup>(predefinedVariables(event, context));
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    // The predefined variables are reserved; EventBridge refuses to redefine them.
    if (!variables.has(name)) variables.set(name, evaluatePath(event, path));
  }
  const template = transformer.InputTemplate;
  const isJson = /^\s*[{[]/.test(template);
  let output = '';
  let inString = false;
  for (let index = 0; index < template.length; index += 1) {
    const character = template[index] as string;
    if (character === '"' && !isEscaped(template, index)) inString = !inString;
    if (character === '<') {
      const end = template.indexOf('>', index + 1);
      const name = end === -1 ? '' : template.slice(index + 1, end);
      if (PLACEHOLDER_NAME.test(name)) {
        const lookup = variables.get(name);
        if (lookup === undefined) {
          throw new Error(
            `InputTemplate contains the placeholder <${name}>, which InputPathsMap does not define`,
          );
        }
        output += substitute(lookup, isJson ? (inString ? 'json-string' : 'json-value') : 'text');
        index = end;
        continue;
      }
    }
    output += character;
  }
  return output;
}

function substitute(lookup: Lookup, position: 'json-value' | 'json-string' | 'text'): string {
  if (!lookup.found) return position === 'json-value' ? 'null' : '';
  const { value } = lookup;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  switch (position) {
    case 'json-value':
      return JSON.stringify(value);
    case 'json-string':
      // Escaped so the surrounding JSON string stays valid.
      return JSON.stringify(text).slice(1, -1);
    case 'text':
      return text;
    default:
      return assertUnreachable(position);
  }
}

function predefinedVariables(event: unknown, context: TransformContext): Array<[string, Lookup]> {
  const record = isObject(event) ? event : {};
  const { detail: _detail, ...withoutDetail } = record;
  const ingestionTime = context.ingestionTime ?? (typeof record.time === 'string' ? record.time : undefined);
  return [
    ['aws.events.rule-name', { found: true, value: context.ruleName ?? '' }],
    ['aws.events.rule-arn', { found: true, value: context.ruleArn ?? '' }],
    ['aws.events.event.ingestion-time', { found: true, value: ingestionTime ?? '' }],
    ['aws.events.event', { found: true, value: withoutDetail }],
    ['aws.events.event.json', { found: true, value: event }],
  ];
}

/**
 * The JSONPath subset EventBridge documents for input paths: `$`, dot notation (names may contain
 * dashes and slashes), bracketed names and array indices.
 */
export function evaluatePath(document: unknown, path: string): Lookup {
  if (!path.startsWith('$')) throw new Error(`input path ${path} must start with $`);
  let current: unknown = document;
  const steps = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let consumed = 1;
  for (const match of path.slice(1).matchAll(steps)) {
    if (match.index !== consumed - 1) break;
    consumed += match[0].length;
    const [, dotted, index, singleQuoted, doubleQuoted] = match;
    if (dotted === '*' || singleQuoted === '*')
      throw new Error(`wildcards in input path ${path} are not supported locally`);
    if (index !== undefined) {
      if (!Array.isArray(current) || Number(index) >= current.length) return { found: false };
      current = current[Number(index)];
    } else {
      const key = (dotted ?? singleQuoted ?? doubleQuoted) as string;
      if (!isObject(current) || !Object.hasOwn(current, key)) return { found: false };
      current = current[key];
    }
  }
  if (consumed !== path.length) throw new Error(`input path ${path} is not supported`);
  return { found: true, value: current };
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let position = index - 1; position >= 0 && text[position] === '\\'; position -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
