/**
 * One condition language for trigger filters, splits, exit goals and (later) segments.
 *
 * ```yaml
 * where:
 *   data.lines: { nonEmpty: true }                 # a path and its tests: all must hold
 *   profile.orderSummary.count: { gte: 2 }
 * where:
 *   any:                                           # combinators: all, any, not
 *     - { profile.lifecycle.lastOrderAt: { notWithin: 60d } }
 *     - not: { profile.consent.email.status: { equals: granted } }
 * ```
 *
 * Paths are dotted names into the context a condition is evaluated in: `event` (the trigger; a path
 * with no known root is read from it, so `data.cartId` means `event.data.cartId`), `profile`,
 * `messages` (per journey: `sent`, `lastSentAt`) and `subject`. A path through a list reads every
 * element, and a test on several values holds when one of them passes (`data.lines.category:
 * { equals: tea }`: some line is tea). A value written `$subject` or `$profile.email` is read from
 * the context too. Tests:
 *
 * - `equals`, `in`: the same scalar (money compares exactly, dates as instants);
 * - `exists`: the path has a value (`false`: it has none);
 * - `gt`, `gte`, `lt`, `lte`: numbers, exact money of one currency (`{ amount, currency }` or
 *   "12.50 USD"), or dates;
 * - `within`, `notWithin`: a date at most (more than) a duration before now (`notWithin` also holds
 *   when there is no date at all: "not in the last 60 days");
 * - `contains`: a list with that element, or a text with that part;
 * - `nonEmpty`: a non-empty list, text or object (`false`: empty or absent).
 *
 * Pure: the step, the entry decision, the CLI and the compiler evaluate the same rules.
 */
import * as z from 'zod';
import { toMinorUnits } from '#events/money.ts';
import { ownValue } from '#shared/own-keys.ts';
import { durationSchema, durationSeconds } from './duration.ts';

export const CONTEXT_ROOTS = ['event', 'profile', 'messages', 'subject', 'facts'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const money = z.strictObject({ amount: z.string().regex(/^-?\d+(\.\d+)?$/), currency: z.string().length(3) });
const comparable = z.union([z.number(), z.string(), money]);

export const TEST_OPERATORS = [
  'equals',
  'in',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'within',
  'notWithin',
  'contains',
  'nonEmpty',
] as const;
export type TestOperator = (typeof TEST_OPERATORS)[number];

export const testsSchema = z
  .strictObject({
    equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    exists: z.boolean().optional(),
    gt: comparable.optional(),
    gte: comparable.optional(),
    lt: comparable.optional(),
    lte: comparable.optional(),
    within: durationSchema.optional(),
    notWithin: durationSchema.optional(),
    contains: scalar.optional(),
    nonEmpty: z.boolean().optional(),
  })
  .refine((tests) => Object.keys(tests).length > 0, {
    message: `names no test: use one of ${TEST_OPERATORS.join(', ')}`,
  });
export type Tests = z.infer<typeof testsSchema>;

const PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { [path: string]: Tests };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z
      .record(
        z.string().regex(PATH, 'is not a path such as data.cartId or profile.orderSummary.count'),
        testsSchema,
      )
      .refine((record) => Object.keys(record).length > 0, { message: 'names no path to test' }),
  ]),
);

/** What a condition reads: plain data, as the step has it. */
export interface ConditionContext {
  event?: unknown;
  profile?: unknown;
  messages?: unknown;
  subject?: string;
  facts?: unknown;
  /** The instant `within` and `notWithin` measure from. */
  now: Date;
}

export function evaluate(condition: Condition, context: ConditionContext): boolean {
  if ('all' in condition && Array.isArray(condition.all))
    return (condition.all as Condition[]).every((inner) => evaluate(inner, context));
  if ('any' in condition && Array.isArray(condition.any))
    return (condition.any as Condition[]).some((inner) => evaluate(inner, context));
  if ('not' in condition && isCondition(condition.not)) return !evaluate(condition.not as Condition, context);
  return Object.entries(condition as Record<string, Tests>).every(([path, tests]) =>
    passes(resolvePath(path, context), tests, context),
  );
}

function isCondition(value: unknown): value is Condition {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values a path leads to: none, one, or one per list element it went through. */
export function resolvePath(path: string, context: ConditionContext): unknown[] {
  const [head = '', ...rest] = path.split('.');
  const rooted = (CONTEXT_ROOTS as readonly string[]).includes(head);
  const start = rooted ? ownValue(context as unknown as Record<string, unknown>, head) : context.event;
  return walk([start], rooted ? rest : [head, ...rest]);
}

function walk(values: unknown[], keys: string[]): unknown[] {
  let current = values;
  for (const key of keys) {
    current = current.flatMap((value) => {
      if (Array.isArray(value)) return value.flatMap((element) => step(element, key));
      return step(value, key);
    });
  }
  return current.flatMap((value) => (value === undefined || value === null ? [] : [value]));
}

function step(value: unknown, key: string): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const next = ownValue(value as Record<string, unknown>, key);
  return next === undefined ? [] : [next];
}

/** `$subject`, `$profile.email`: a value read from the context rather than written out. */
function referencedValue(written: unknown, context: ConditionContext): unknown {
  if (typeof written !== 'string' || !written.startsWith('$')) return written;
  return resolvePath(written.slice(1), context)[0];
}

function passes(values: unknown[], tests: Tests, context: ConditionContext): boolean {
  const each = (test: (value: unknown) => boolean) => values.some(test);
  for (const [operator, written] of Object.entries(tests) as [TestOperator, unknown][]) {
    if (written === undefined) continue;
    const expected = referencedValue(written, context);
    const holds = (() => {
      switch (operator) {
        case 'equals':
          return each((value) => same(value, expected));
        case 'in':
          return each((value) =>
            (expected as unknown[]).some((option) => same(value, referencedValue(option, context))),
          );
        case 'exists':
          return expected === values.length > 0;
        case 'gt':
          return each((value) => ordered(value, expected, (order) => order > 0));
        case 'gte':
          return each((value) => ordered(value, expected, (order) => order >= 0));
        case 'lt':
          return each((value) => ordered(value, expected, (order) => order < 0));
        case 'lte':
          return each((value) => ordered(value, expected, (order) => order <= 0));
        case 'within':
          return each((value) => isWithin(value, expected as string, context.now));
        case 'notWithin':
          return !each((value) => isWithin(value, expected as string, context.now));
        case 'contains':
          return each((value) =>
            Array.isArray(value)
              ? value.some((element) => same(element, expected))
              : typeof value === 'string' && typeof expected === 'string' && value.includes(expected),
          );
        case 'nonEmpty':
          return expected === each(isNonEmpty);
        default:
          return false;
      }
    })();
    if (!holds) return false;
  }
  return true;
}

function ordered(value: unknown, expected: unknown, test: (order: number) => boolean): boolean {
  const order = compare(value, expected);
  return order !== undefined && test(order);
}

function isNonEmpty(value: unknown): boolean {
  if (Array.isArray(value) || typeof value === 'string') return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return true;
}

function same(value: unknown, expected: unknown): boolean {
  if (value === expected) return true;
  const order = compare(value, expected);
  return order === 0;
}

/** Exact money in minor units, else instants, else numbers; undefined when the two do not compare. */
function compare(value: unknown, expected: unknown): number | undefined {
  const a = asMoney(value);
  const b = asMoney(expected);
  if (a !== undefined && b !== undefined) {
    if (a.currency !== b.currency) return undefined;
    const difference = toMinorUnits(a.amount, a.currency) - toMinorUnits(b.amount, b.currency);
    return difference === 0n ? 0 : difference > 0n ? 1 : -1;
  }
  if (typeof value === 'number' && typeof expected === 'number') return Math.sign(value - expected);
  const x = asInstant(value);
  const y = asInstant(expected);
  if (x !== undefined && y !== undefined) return Math.sign(x - y);
  if (typeof value === 'string' && typeof expected === 'string') return value === expected ? 0 : undefined;
  return undefined;
}

function asMoney(value: unknown): { amount: string; currency: string } | undefined {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d+)?) ([A-Z]{3})$/.exec(value.trim());
    return match?.[1] !== undefined && match[2] !== undefined
      ? { amount: match[1], currency: match[2] }
      : undefined;
  }
  const parsed = money.safeParse(value);
  return parsed.success
    ? { amount: parsed.data.amount, currency: parsed.data.currency.toUpperCase() }
    : undefined;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function asInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

function isWithin(value: unknown, duration: string, now: Date): boolean {
  const instant = asInstant(value);
  const seconds = durationSeconds(duration);
  if (instant === undefined || seconds === undefined) return false;
  return instant <= now.getTime() && instant >= now.getTime() - seconds * 1000;
}

/** The paths a condition reads, e.g. to tell a filter on the event from one on the profile. */
export function pathsOf(condition: Condition): string[] {
  if ('all' in condition && Array.isArray(condition.all))
    return (condition.all as Condition[]).flatMap(pathsOf);
  if ('any' in condition && Array.isArray(condition.any))
    return (condition.any as Condition[]).flatMap(pathsOf);
  if ('not' in condition && isCondition(condition.not)) return pathsOf(condition.not as Condition);
  return Object.keys(condition);
}
