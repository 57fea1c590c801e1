/**
 * What an edge adapter (Segment, Shopify) makes of one incoming message. Adapters never throw for
 * bad input: the handler decides what `ignored` and `invalid` mean for its HTTP answer.
 */
import type * as z from 'zod';
import { type CanonicalEvent, canonicalEventSchema, type UnstampedEvent } from '#events/schemas.ts';

export type MappingResult =
  | { kind: 'mapped'; events: UnstampedEvent[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problems: string[] };

type Origin = CanonicalEvent['origin'];

export function ignored(reason: string): MappingResult {
  return { kind: 'ignored', reason };
}

export function invalid(problems: string[]): MappingResult {
  return { kind: 'invalid', problems };
}

/**
 * The last gate of every adapter: an event that ingest would reject after stamping is reported here,
 * as `invalid` with canonical paths, instead of failing later where the sender can't be told.
 * Field checks in the adapters name the source field; this catches what only the canonical contract
 * knows (list lengths, id lengths), so `mapped` always means "ingest will accept it".
 */
export function mappedIfCanonical(events: UnstampedEvent[], origin: Origin): MappingResult {
  const problems = events.flatMap((event) => {
    // A placeholder store: the real one is only known to ingest, and any valid id checks the same.
    const parsed = canonicalEventSchema.safeParse({ ...event, storeId: 'unstamped', origin });
    if (parsed.success) return [];
    return describeIssues(parsed.error.issues, event).map(
      (problem) => `canonical ${event.type} event, ${problem}`,
    );
  });
  return problems.length > 0 ? invalid(problems) : { kind: 'mapped', events };
}

/**
 * Turns zod issues into "path: message" lines with JavaScript-style paths such as
 * `properties.products[0].price`, so a sender can find the field in their own payload.
 * `input` is what was parsed: a missing field reads "required" rather than "received undefined".
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix?: string,
): string[] {
  return issues
    .flatMap((issue) => leafIssues(issue, []))
    .map(({ issue, path }) => {
      const missing = issue.code === 'invalid_type' && valueAt(input, path) === undefined;
      const message = missing ? `required (${issue.expected})` : issue.message;
      return `${fieldPath(path, prefix)}: ${message}`;
    });
}

type Leaf = { issue: z.core.$ZodIssue; path: PropertyKey[] };

/**
 * A union of object shapes that failed says only "data: Invalid input". The branch with the fewest
 * issues is the shape the value was closest to, and its issues inside the value say what to fix.
 * A union of plain values (string or number) keeps its own message.
 */
function leafIssues(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): Leaf[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path }];
  const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
  if (!closest.every((inner) => inner.path.length > 0)) return [{ issue, path }];
  return closest.flatMap((inner) => leafIssues(inner, path));
}

/**
 * Checks one value against a canonical field schema, so a value the canonical contract would
 * reject is reported under the sender's own field name.
 */
export function checkField<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: string,
  problems: string[],
): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(...describeIssues(parsed.error.issues, value, path));
  return undefined;
}

export function fieldPath(segments: readonly PropertyKey[], prefix?: string): string {
  let path = prefix ?? '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path === '' ? '(root)' : path;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
