import { compileCidr, isInRange, parseIpAddress, sameAddress } from './cidr.ts';
import { invalidPattern } from './invalid-event-pattern-error.ts';
import { type CompiledWildcard, compileWildcard, matchesWildcard } from './wildcard.ts';

/** A JSON scalar in the event: the only thing a pattern value is ever compared with. */
export type Leaf = string | number | boolean | null;
type LeafTest = (leaf: Leaf) => boolean;

/** What one pattern field (`"state": [ ... ]`) demands of the leaves found at its path. */
export interface FieldCondition {
  readonly path: string;
  /** The field holds when any leaf passes any of these. */
  readonly tests: readonly LeafTest[];
  /** `{"exists": false}`: the field also holds when the event has no leaf at the path. */
  readonly matchesAbsent: boolean;
  /** Plain `wildcard` operands, kept for the rule-complexity check. */
  readonly wildcards: readonly CompiledWildcard[];
}

type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The reasons below are AWS's own wording (event-ruler's), typos included, because callers compare them.
const ONE_KEY_ONLY = 'Only one key allowed in match expression';
const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

export function compileFieldCondition(path: string, values: readonly unknown[]): FieldCondition {
  if (values.length === 0) invalidPattern('Empty arrays are not allowed');
  const tests: LeafTest[] = [];
  const wildcards: CompiledWildcard[] = [];
  let matchesAbsent = false;
  for (const value of values) {
    if (isJsonObject(value)) {
      const operator = compileOperator(value);
      if (operator.kind === 'absent') matchesAbsent = true;
      else tests.push(operator.test);
      if (operator.kind === 'wildcard') wildcards.push(operator.wildcard);
    } else if (typeof value === 'string') {
      tests.push(exactString(value));
    } else if (isJsonNumber(value) || typeof value === 'boolean' || value === null) {
      // `[300]` matches 300.0: JSON numbers compare by value, never against strings.
      tests.push((leaf) => leaf === value);
    } else {
      invalidPattern('Match value must be String, number, true, false, or null');
    }
  }
  return { path, tests, matchesAbsent, wildcards };
}

type Operator =
  | { readonly kind: 'test'; readonly test: LeafTest }
  | { readonly kind: 'wildcard'; readonly test: LeafTest; readonly wildcard: CompiledWildcard }
  | { readonly kind: 'absent' };

function compileOperator(expression: JsonObject): Operator {
  const [name, ...extraKeys] = Object.keys(expression);
  if (name === undefined) invalidPattern('Match expression name not found');
  const operand = expression[name];
  const onlyOneKey = (operator: Operator, reason = ONE_KEY_ONLY): Operator => {
    if (extraKeys.length > 0) invalidPattern(reason);
    return operator;
  };
  switch (name) {
    case 'prefix':
      if (isJsonObject(operand)) {
        return onlyOneKey(test(ignoringCase('Prefix', operand, startsWithIgnoringCase)));
      }
      if (typeof operand !== 'string') invalidPattern('prefix match pattern must be a string');
      return onlyOneKey(test((leaf) => typeof leaf === 'string' && leaf.startsWith(operand)));
    case 'suffix':
      if (isJsonObject(operand)) {
        return onlyOneKey(test(ignoringCase('Suffix', operand, endsWithIgnoringCase)));
      }
      if (typeof operand !== 'string') invalidPattern('suffix match pattern must be a string');
      return onlyOneKey(test((leaf) => typeof leaf === 'string' && leaf.endsWith(operand)));
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') invalidPattern('equals-ignore-case match pattern must be a string');
      return onlyOneKey(test(equalsIgnoringCase(operand)));
    }
    case 'wildcard': {
      if (typeof operand !== 'string') invalidPattern('wildcard match pattern must be a string');
      const wildcard = compileWildcard(operand);
      const wildcardTest: LeafTest = (leaf) => typeof leaf === 'string' && matchesWildcard(wildcard, leaf);
      return onlyOneKey({ kind: 'wildcard', test: wildcardTest, wildcard });
    }
    case 'numeric': {
      if (!Array.isArray(operand)) invalidPattern('Value of numeric must be an array.');
      const range = compileNumericRange(operand);
      return onlyOneKey(
        test((leaf) => typeof leaf === 'number' && inNumericRange(range, leaf)),
        TOO_MANY_ELEMENTS,
      );
    }
    case 'exists':
      if (typeof operand !== 'boolean') invalidPattern('exists match pattern must be either true or false.');
      // Any leaf, null included, counts as present; objects and empty arrays hold no leaf.
      return onlyOneKey(operand ? test(() => true) : { kind: 'absent' });
    case 'cidr': {
      // AWS really does name the prefix operator in this message.
      if (typeof operand !== 'string') invalidPattern('prefix match pattern must be a string');
      const range = compileCidr(operand);
      return onlyOneKey(
        test((leaf) => {
          const address = typeof leaf === 'string' ? parseIpAddress(leaf) : undefined;
          return address !== undefined && isInRange(range, address);
        }),
      );
    }
    case 'anything-but':
      return onlyOneKey(test(compileAnythingBut(operand)), TOO_MANY_ELEMENTS);
    default:
      return invalidPattern(`Unrecognized match type ${name}`);
  }
}

function test(leafTest: LeafTest): Operator {
  return { kind: 'test', test: leafTest };
}

/** `{"prefix": {"equals-ignore-case": "EventB"}}` and its suffix twin. */
function ignoringCase(
  label: 'Prefix' | 'Suffix',
  expression: JsonObject,
  build: (operand: string) => LeafTest,
): LeafTest {
  const [name, ...extraKeys] = Object.keys(expression);
  if (name === undefined) invalidPattern(`${label} expression name not found`);
  if (name !== 'equals-ignore-case') invalidPattern(`Unsupported ${label.toLowerCase()} pattern: ${name}`);
  const operand = expression[name];
  if (typeof operand !== 'string') invalidPattern('equals-ignore-case match pattern must be a string');
  if (extraKeys.length > 0) invalidPattern(ONE_KEY_ONLY);
  return build(operand);
}

function exactString(value: string): LeafTest {
  // AWS's matcher (event-ruler) turns a pattern string that is an IP address into an address match, so "::1"
  // also matches "0:0:0:0:0:0:0:1"; every other string is compared as written.
  const address = parseIpAddress(value);
  if (address === undefined) return (leaf) => leaf === value;
  return (leaf) => {
    if (leaf === value) return true;
    const other = typeof leaf === 'string' ? parseIpAddress(leaf) : undefined;
    return other !== undefined && sameAddress(address, other);
  };
}

function equalsIgnoringCase(operand: string): LeafTest {
  const folded = operand.toLowerCase();
  return (leaf) => typeof leaf === 'string' && leaf.toLowerCase() === folded;
}

function startsWithIgnoringCase(operand: string): LeafTest {
  const folded = operand.toLowerCase();
  return (leaf) => typeof leaf === 'string' && leaf.toLowerCase().startsWith(folded);
}

function endsWithIgnoringCase(operand: string): LeafTest {
  const folded = operand.toLowerCase();
  return (leaf) => typeof leaf === 'string' && leaf.toLowerCase().endsWith(folded);
}

/**
 * anything-but passes every leaf it does not exclude: null, booleans and leaves of the other type included.
 * It still needs a leaf, so a missing field never matches (that is `exists: false`).
 */
function compileAnythingBut(operand: unknown): LeafTest {
  if (!isJsonObject(operand)) {
    if (Array.isArray(operand)) return anythingButValues(operand);
    if (typeof operand === 'string' || isJsonNumber(operand)) return anythingButValues([operand]);
    return invalidPattern('Value of anything-but must be an array or single string/number value.');
  }
  const [name, ...extraKeys] = Object.keys(operand);
  if (name === undefined) invalidPattern('Anything-But expression name not found');
  const exclusion = STRING_EXCLUSIONS.get(name);
  if (exclusion === undefined) invalidPattern(`Unsupported anything-but pattern: ${name}`);
  const inner = operand[name];
  if (!Array.isArray(inner) && typeof inner !== 'string' && !isJsonNumber(inner)) {
    invalidPattern('Value of anything-but must be an array or single string/number value.');
  }
  const operands: string[] = [];
  for (const value of Array.isArray(inner) ? inner : [inner]) {
    if (typeof value !== 'string') invalidPattern(exclusion.notAString);
    if (value === '' && !exclusion.allowsEmpty) invalidPattern('Null prefix/suffix not allowed');
    operands.push(value);
  }
  // Wildcard syntax errors surface only once every operand has passed the type check, as in AWS.
  const excluded = operands.map(exclusion.compile);
  if (extraKeys.length > 0) invalidPattern(TOO_MANY_ELEMENTS);
  return (leaf) => typeof leaf !== 'string' || !excluded.some((excludes) => excludes(leaf));
}

function anythingButValues(values: readonly unknown[]): LeafTest {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const value of values) {
    if (typeof value === 'string') strings.add(value);
    else if (isJsonNumber(value)) numbers.add(value);
    else invalidPattern('Inside anything but list, start|null|boolean is not supported.');
  }
  if (strings.size > 0 === numbers.size > 0) {
    invalidPattern(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  return (leaf) => {
    if (typeof leaf === 'string') return !strings.has(leaf);
    if (typeof leaf === 'number') return !numbers.has(leaf);
    return true;
  };
}

interface StringExclusion {
  readonly notAString: string;
  readonly allowsEmpty: boolean;
  readonly compile: (operand: string) => (value: string) => boolean;
}

const PREFIX_OR_SUFFIX_NOT_A_STRING = 'prefix/suffix match pattern must be a string';

// A Map, so that operator names such as `toString` cannot reach Object.prototype.
const STRING_EXCLUSIONS = new Map<string, StringExclusion>([
  [
    'equals-ignore-case',
    {
      notAString: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
      allowsEmpty: true,
      compile: (operand) => {
        const folded = operand.toLowerCase();
        return (value) => value.toLowerCase() === folded;
      },
    },
  ],
  [
    'prefix',
    {
      notAString: PREFIX_OR_SUFFIX_NOT_A_STRING,
      allowsEmpty: false,
      compile: (operand) => (value) => value.startsWith(operand),
    },
  ],
  [
    'suffix',
    {
      notAString: PREFIX_OR_SUFFIX_NOT_A_STRING,
      allowsEmpty: false,
      compile: (operand) => (value) => value.endsWith(operand),
    },
  ],
  [
    'wildcard',
    {
      notAString: 'wildcard match pattern must be a string',
      // `{"anything-but": {"wildcard": ""}}` excludes only the empty string.
      allowsEmpty: true,
      compile: (operand) => {
        const wildcard = compileWildcard(operand);
        return (value) => matchesWildcard(wildcard, value);
      },
    },
  ],
]);

interface NumericRange {
  readonly lower: number;
  readonly lowerOpen: boolean;
  readonly upper: number;
  readonly upperOpen: boolean;
}

/**
 * `["=", 5]`, `["<", 5]`, `["<=", 5]`, `[">", 0]`, `[">=", 0]`, or a lower bound followed by `"<"`/`"<="` and an
 * upper bound. Bounds use full double precision: the older -5e9..5e9 / six-decimal limit is not enforced,
 * since no AWS-validated case pins it down.
 */
function compileNumericRange(terms: readonly unknown[]): NumericRange {
  const [operator, bound, ...rest] = terms;
  if (typeof operator !== 'string')
    invalidPattern(`Invalid member in numeric match: ${jsonTokenText(operator)}`);
  const requireNumber = (value: unknown, label: string): number => {
    if (!isJsonNumber(value)) invalidPattern(`Value of ${label} must be numeric`);
    return value;
  };
  const lastTerm = <T>(range: T): T => {
    if (rest.length > 0) invalidPattern(TOO_MANY_ELEMENTS);
    return range;
  };
  switch (operator) {
    case '=': {
      const value = requireNumber(bound, 'equals');
      return lastTerm({ lower: value, lowerOpen: false, upper: value, upperOpen: false });
    }
    case '<':
      return lastTerm({
        lower: -Infinity,
        lowerOpen: false,
        upper: requireNumber(bound, '<'),
        upperOpen: true,
      });
    case '<=':
      return lastTerm({
        lower: -Infinity,
        lowerOpen: false,
        upper: requireNumber(bound, '<='),
        upperOpen: false,
      });
    case '>':
    case '>=': {
      const lower = requireNumber(bound, operator);
      const lowerOpen = operator === '>';
      if (rest.length === 0) return { lower, lowerOpen, upper: Infinity, upperOpen: false };
      const [upperOperator, upperBound, ...surplus] = rest;
      if (typeof upperOperator !== 'string') {
        invalidPattern(`Bad value in numeric range: ${jsonTokenText(upperOperator)}`);
      }
      if (upperOperator !== '<' && upperOperator !== '<=') {
        invalidPattern(`Bad numeric range operator: ${upperOperator}`);
      }
      const upper = requireNumber(upperBound, upperOperator);
      if (surplus.length > 0) invalidPattern('Too many terms in numeric range expression');
      if (lower >= upper) invalidPattern('Bottom must be less than top');
      return { lower, lowerOpen, upper, upperOpen: upperOperator === '<' };
    }
    default:
      return invalidPattern(`Unrecognized numeric range operator: ${operator}`);
  }
}

function inNumericRange(range: NumericRange, value: number): boolean {
  const aboveLower = range.lowerOpen ? value > range.lower : value >= range.lower;
  const belowUpper = range.upperOpen ? value < range.upper : value <= range.upper;
  return aboveLower && belowUpper;
}

function isJsonNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** How AWS's streaming parser would print the offending token (`]` when the array ended early). */
function jsonTokenText(value: unknown): string {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (isJsonObject(value)) return '{';
  return String(value);
}
