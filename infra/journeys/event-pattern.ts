/**
 * A journey's event trigger as an EventBridge pattern: the cheap filter in front of Step Functions
 * (a run that starts only to exit costs transitions). The event types always go in; the trigger's
 * `where` goes in as far as EventBridge can say the same thing — `equals` and `in` of scalars,
 * `exists`, number comparisons, `all` (merged), `any` (`$or`), `not` of `equals`/`in`
 * (`anything-but`). What it cannot say (money, dates, durations, `contains` on text…) is left to the
 * entry step, which checks the whole `where` again, so the pattern may only ever let more through,
 * never less. EventBridge matches a field inside a list when any element matches, which is the
 * condition language's own rule for lists.
 */

import { EVENT_SOURCE } from '#events/schemas.ts';
import type { Condition, Tests } from '#journeys/definition/conditions.ts';

export type EventPattern = Record<string, unknown>;

export function eventPatternOf(trigger: { event: string | string[]; where?: Condition }): EventPattern {
  const detail = trigger.where === undefined ? undefined : patternOf(trigger.where);
  return {
    source: [EVENT_SOURCE],
    'detail-type': [trigger.event].flat(),
    ...(detail !== undefined && Object.keys(detail).length > 0 && { detail }),
  };
}

type Pattern = Record<string, unknown>;

/** The pattern for a condition, or undefined when EventBridge cannot say it (then: no filter). */
function patternOf(condition: Condition): Pattern | undefined {
  if ('all' in condition && Array.isArray(condition.all)) {
    // Parts EventBridge cannot say are dropped: the pattern lets more through, the entry step decides.
    const parts = (condition.all as Condition[])
      .map(patternOf)
      .filter((part): part is Pattern => part !== undefined);
    return parts.reduce<Pattern | undefined>(
      (merged, part) => (merged === undefined ? undefined : merge(merged, part)),
      {},
    );
  }
  if ('any' in condition && Array.isArray(condition.any)) {
    const parts = (condition.any as Condition[]).map(patternOf);
    // One branch it cannot say could match anything: the whole `any` must then let everything through.
    if (parts.some((part) => part === undefined || Object.keys(part).length === 0)) return undefined;
    return { $or: parts };
  }
  if ('not' in condition && typeof condition.not === 'object' && condition.not !== null) {
    return negated(condition.not as Condition);
  }
  let pattern: Pattern = {};
  for (const [path, tests] of Object.entries(condition as Record<string, Tests>)) {
    const matchers = matchersOf(tests);
    const at = eventPath(path);
    if (matchers === undefined || at === undefined) continue;
    const merged = merge(pattern, nest(at, matchers));
    if (merged === undefined) return undefined;
    pattern = merged;
  }
  return pattern;
}

/** `data.cartId` → ['data', 'cartId']; paths into the profile or facts cannot filter an event. */
function eventPath(path: string): string[] | undefined {
  const parts = path.split('.');
  if (parts[0] === 'event') return parts.slice(1);
  if (['profile', 'messages', 'facts', 'subject'].includes(parts[0] ?? '')) return undefined;
  return parts;
}

function matchersOf(tests: Tests): unknown[] | undefined {
  const keys = Object.keys(tests) as Array<keyof Tests>;
  if (keys.length !== 1) return undefined;
  const [key] = keys;
  const value = key === undefined ? undefined : tests[key];
  const scalar = (candidate: unknown) =>
    typeof candidate === 'string'
      ? !candidate.startsWith('$')
      : typeof candidate === 'number' || typeof candidate === 'boolean';
  switch (key) {
    case 'equals':
      return scalar(value) ? [value] : undefined;
    case 'in':
      return Array.isArray(value) && value.every(scalar) ? value : undefined;
    case 'exists':
      return [{ exists: value }];
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number'
        ? [{ numeric: [{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[key], value] }]
        : undefined;
    default:
      return undefined;
  }
}

function negated(condition: Condition): Pattern | undefined {
  const entries = Object.entries(condition as Record<string, Tests>);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined) return undefined;
  const [path, tests] = entry;
  const at = eventPath(path);
  const values = tests.equals !== undefined ? [tests.equals] : tests.in;
  if (at === undefined || values === undefined || Object.keys(tests).length !== 1) return undefined;
  if (!values.every((value) => typeof value === 'string' || typeof value === 'number')) return undefined;
  return nest(at, [{ 'anything-but': values }]);
}

function nest(path: string[], leaf: unknown): Pattern {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf) as Pattern;
}

/** Both patterns at once; undefined when they test the same field (EventBridge would read an OR). */
function merge(a: Pattern, b: Pattern): Pattern | undefined {
  const merged: Pattern = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = merged[key];
    if (existing === undefined) merged[key] = value;
    else if (isObject(existing) && isObject(value) && key !== '$or') {
      const inner = merge(existing, value);
      if (inner === undefined) return undefined;
      merged[key] = inner;
    } else return undefined;
  }
  return merged;
}

function isObject(value: unknown): value is Pattern {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
