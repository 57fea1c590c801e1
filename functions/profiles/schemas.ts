import * as z from 'zod';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';

/** What an EventBridge rule delivers to the profiles queue: the whole event, canonical event in `detail`. */
const busMessageSchema = z.object({ 'detail-type': z.string(), detail: canonicalEventSchema });

/** One thing wrong with a queue message, told without the message's values, so it can be logged. */
export interface BusMessageIssue {
  /** Where, written as zod's `prettifyError` does (`detail.data.lines[0].price.amount`); empty for the whole body. */
  readonly path: string;
  /** zod's issue code (`invalid_type`, `invalid_format`, `custom`…), or `invalid_json`. */
  readonly code: string;
  readonly message: string;
}

/** Which event a message carries, where it says so in identifier form: ids and the type, never personal data. */
export interface BusEventReference {
  readonly eventId?: string;
  readonly eventType?: string;
  readonly storeId?: string;
}

export type ParsedBusMessage =
  | { readonly valid: true; readonly event: CanonicalEvent }
  | {
      readonly valid: false;
      readonly reference: BusEventReference;
      readonly issues: readonly BusMessageIssue[];
    };

/** Stands in for a message that repeats a value of the event (a custom check may, e.g. "12.345 has more than 2 decimal places"). */
export const WITHHELD_ISSUE_MESSAGE = 'failed a check whose message quotes the value (left out)';

/**
 * Reads a profiles-queue message. An invalid one is described by where and how it fails, never by
 * what it holds: zod's own messages name types, limits, formats and the schema's options, but a
 * custom check's message (or a custom `error`) may quote the input, so any issue message that quotes
 * a value at, in or beside its path is replaced.
 */
export function parseBusMessage(body: string): ParsedBusMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    // JSON.parse's own message may quote a stretch of the body; only the position is kept.
    return {
      valid: false,
      reference: {},
      issues: [{ path: '', code: 'invalid_json', message: `not JSON${positionOf(error)}` }],
    };
  }
  const parsed = busMessageSchema.safeParse(json);
  if (parsed.success) return { valid: true, event: parsed.data.detail };
  return {
    valid: false,
    reference: referenceOf(json),
    issues: parsed.error.issues.map((issue) => ({
      path: dotPath(issue.path),
      code: issue.code,
      message: quotesAny(issue.message, valuesNear(json, issue.path))
        ? WITHHELD_ISSUE_MESSAGE
        : issue.message,
    })),
  };
}

function positionOf(error: unknown): string {
  const position = error instanceof Error ? /\bposition (\d+)/.exec(error.message)?.[1] : undefined;
  return position === undefined ? '' : ` (at position ${position})`;
}

/** Identifiers only: no spaces or `@`, at most 128 characters, so a name or an address is never taken for one. */
const IDENTIFIER = /^[\w.:-]{1,128}$/;

function referenceOf(json: unknown): BusEventReference {
  const message = isRecord(json) ? json : {};
  const detail = isRecord(message.detail) ? message.detail : {};
  const identifier = (value: unknown) =>
    typeof value === 'string' && IDENTIFIER.test(value) ? value : undefined;
  const eventId = identifier(detail.id);
  const eventType = identifier(detail.type) ?? identifier(message['detail-type']);
  const storeId = identifier(detail.storeId);
  return {
    ...(eventId !== undefined && { eventId }),
    ...(eventType !== undefined && { eventType }),
    ...(storeId !== undefined && { storeId }),
  };
}

/** `["detail", "data", "lines", 0, "price"]` → `detail.data.lines[0].price`, as zod's `prettifyError` writes paths. */
function dotPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (typeof segment === 'symbol' || /[^\w$]/.test(segment))
        return `[${JSON.stringify(String(segment))}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

/**
 * The strings a check at `path` could quote: the value there, its members, and its siblings (a
 * check on an object, such as money, reports at one member and may quote another).
 */
function valuesNear(root: unknown, path: readonly PropertyKey[]): string[] {
  const at = valueAt(root, path);
  const candidates = [
    at,
    ...membersOf(at),
    ...(path.length > 0 ? membersOf(valueAt(root, path.slice(0, -1))) : []),
  ];
  return candidates
    .filter((value): value is string => typeof value === 'string')
    .map((value) => value.trim())
    .filter((value) => value.length >= 2);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || typeof segment === 'symbol') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function membersOf(value: unknown): unknown[] {
  return typeof value === 'object' && value !== null ? Object.values(value) : [];
}

/** Whether the message contains one of the values as a whole word, whatever its case ("usd" in "… for USD"). */
function quotesAny(message: string, values: readonly string[]): boolean {
  return values.some((value) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, 'iu').test(message),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
