/**
 * Who a Segment message is about, and the profile fields it carries.
 */
import type * as z from 'zod';
import { type Attributes, attributesSchema, type Identity, identitySchema } from '#events/schemas.ts';
import { checkField, describeIssues } from '../mapping-result.ts';
import { type SegmentMessage, segmentTraitsSchema } from './segment-message-schema.ts';

type Candidate = readonly [path: string, value: unknown];

/**
 * userId → customerId and anonymousId as sent; the email comes from identify traits, else the
 * traits analytics.js copies into `context.traits` on every call, else a track call's properties.
 * An email is identity, so a malformed one is a problem, not something to drop quietly.
 */
export function identityOf(message: SegmentMessage, problems: string[]): Identity {
  const found = firstGiven([
    ['traits.email', message.traits?.email],
    ['context.traits.email', message.context?.traits?.email],
    ['properties.email', message.properties?.email],
  ]);
  const email = found && checkField(identitySchema.shape.email, trimmed(found[1]), found[0], problems);
  return {
    ...(message.userId && { customerId: message.userId }),
    ...(message.anonymousId && { anonymousId: message.anonymousId }),
    ...(email && { email }),
  };
}

/**
 * Profile attributes from identify `traits` (or Signed Up `properties`, at `path`). Traits need not
 * be complete: only what is sent is set. `name` alone is not split into first and last names,
 * because no rule splits names correctly across cultures.
 */
export function attributesOf(
  source: Record<string, unknown> | null | undefined,
  path: string,
  message: SegmentMessage,
  problems: string[],
): Attributes {
  const parsed = segmentTraitsSchema.safeParse(source ?? {});
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, source, path));
    return {};
  }
  const traits = parsed.data;
  const text = (schema: z.ZodType<string | undefined>, candidates: Candidate[]): string | undefined => {
    const found = firstGiven(candidates);
    return found && checkField(schema, trimmed(found[1]), found[0], problems);
  };
  const { firstName, lastName, phone, locale } = attributesSchema.shape;
  const attributes: Attributes = {
    firstName: text(firstName, [
      [`${path}.firstName`, traits.firstName],
      [`${path}.first_name`, traits.first_name],
    ]),
    lastName: text(lastName, [
      [`${path}.lastName`, traits.lastName],
      [`${path}.last_name`, traits.last_name],
    ]),
    phone: text(phone, [[`${path}.phone`, traits.phone]]),
    locale: text(locale, [
      [`${path}.locale`, traits.locale],
      ['context.locale', message.context?.locale],
    ]),
    timeZone: timeZoneOf([traits.timezone, traits.timeZone, message.context?.timezone]),
  };
  // Only what was sent: an absent trait must not read as "cleared" downstream.
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}

/**
 * A time zone only tunes send times, and senders often have legacy or misspelt names, so one the
 * runtime does not know is dropped instead of failing the whole identify. The device's
 * `context.timezone` stands in when the traits have none.
 */
function timeZoneOf(candidates: ReadonlyArray<string | null | undefined>): string | undefined {
  for (const candidate of candidates) {
    const parsed = attributesSchema.shape.timeZone.safeParse(candidate?.trim() || undefined);
    if (parsed.success && parsed.data !== undefined) return parsed.data;
  }
  return undefined;
}

function firstGiven(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find(([, value]) => value != null && !(typeof value === 'string' && value.trim() === ''));
}

function trimmed(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}
