import { invalidPattern } from './invalid-event-pattern-error.ts';
import { compileFieldCondition, type FieldCondition, isJsonObject } from './operators.ts';
import { MAX_WILDCARD_COMPLEXITY, type WildcardTokens, wildcardComplexity } from './wildcard.ts';

/** A validated rule, built once and matched against many events with `matchesEventPattern`. */
export interface CompiledEventPattern {
  /**
   * `$or` is expanded up front, as AWS does: the event matches when every condition of any one branch holds.
   * A pattern without `$or` has exactly one branch.
   */
  readonly branches: readonly (readonly FieldCondition[])[];
}

/** Fields of one branch, keyed by dotted path; a later field with the same path replaces the earlier one. */
type Branch = Map<string, FieldCondition>;

/**
 * AWS documents a cap of 1000 `$or` combinations but not its error text, so the reason below is ours; the cap
 * also keeps a hostile pattern from expanding without bound.
 */
export const MAX_OR_COMBINATIONS = 1000;

// Operator names (current and reserved by AWS) may not be used as field names inside `$or`.
const RESERVED_INSIDE_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * Validates an event pattern and compiles it. A string is parsed as JSON first; like AWS, a key that appears
 * twice keeps its last value. Throws InvalidEventPatternError with AWS's reason text.
 */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  const root = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isJsonObject(root)) invalidPattern('Filter is not an object');
  const branches: Branch[] = [];
  compileObject(branches, [], root, false);
  checkWildcardComplexity(branches);
  return { branches: branches.map((branch) => [...branch.values()]) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalidPattern((error as Error).message);
  }
}

/**
 * Mirrors AWS's single pass over the pattern: fields are written into every branch built so far, and each
 * `$or` replaces the branches with one copy per alternative, so the order of keys decides what a duplicate
 * path overrides.
 */
function compileObject(
  branches: Branch[],
  path: readonly string[],
  node: Record<string, unknown>,
  insideOr: boolean,
): void {
  const keys = Object.keys(node);
  if (keys.length === 0) invalidPattern('Empty objects are not allowed');
  for (const key of keys) {
    const value = node[key];
    if (key === '$or') {
      compileOr(branches, path, value);
      continue;
    }
    if (insideOr && RESERVED_INSIDE_OR.has(key)) {
      invalidPattern(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    if (Array.isArray(value)) {
      const condition = compileFieldCondition([...path, key].join('.'), value);
      if (branches.length === 0) branches.push(new Map());
      for (const branch of branches) branch.set(condition.path, condition);
    } else if (isJsonObject(value)) {
      compileObject(branches, [...path, key], value, insideOr);
    } else {
      invalidPattern(`"${key}" must be an object or an array`);
    }
  }
}

function compileOr(branches: Branch[], path: readonly string[], alternatives: unknown): void {
  if (!Array.isArray(alternatives)) invalidPattern('It must be an Array followed with $or.');
  const before = branches.splice(0);
  for (const alternative of alternatives) {
    if (!isJsonObject(alternative))
      invalidPattern('Only JSON object is allowed in array of $or relationship.');
    const forked = before.length > 0 ? before.map((branch) => new Map(branch)) : [new Map()];
    compileObject(forked, path, alternative, true);
    branches.push(...forked);
    if (branches.length > MAX_OR_COMBINATIONS) {
      invalidPattern(`$or expands to more than ${MAX_OR_COMBINATIONS} combinations`);
    }
  }
  if (alternatives.length < 2) invalidPattern('There must have at least 2 Objects in $or relationship.');
}

function checkWildcardComplexity(branches: readonly Branch[]): void {
  const wildcardsByPath = new Map<string, Map<string, WildcardTokens>>();
  for (const branch of branches) {
    for (const condition of branch.values()) {
      for (const wildcard of condition.wildcards) {
        const sources = wildcardsByPath.get(condition.path) ?? new Map<string, WildcardTokens>();
        sources.set(wildcard.source, wildcard.tokens);
        wildcardsByPath.set(condition.path, sources);
      }
    }
  }
  for (const sources of wildcardsByPath.values()) {
    if (wildcardComplexity([...sources.values()]) > MAX_WILDCARD_COMPLEXITY) {
      invalidPattern(
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
      );
    }
  }
}
