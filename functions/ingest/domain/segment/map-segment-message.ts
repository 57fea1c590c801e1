/**
 * One Segment message (HTTP Tracking API: a single call or one batch item) to canonical events.
 * Segment's own rules come first (a type, userId or anonymousId, `event` on track), so a message
 * Segment would drop is `invalid` even when it would otherwise be ignored.
 */
import type { Consent, UnstampedEvent } from '#events/schemas.ts';
import {
  describeIssues,
  ignored,
  invalid,
  type MappingResult,
  mappedIfCanonical,
} from '../mapping-result.ts';
import { type Envelope, mapSegmentTrack } from './map-segment-track.ts';
import { segmentConsentOf } from './segment-consent.ts';
import { segmentMessageId } from './segment-message-id.ts';
import {
  SEGMENT_CALL_TYPES,
  type SegmentCallType,
  type SegmentMessage,
  segmentMessageSchema,
} from './segment-message-schema.ts';
import { attributesOf, identityOf } from './segment-profile.ts';
import { normaliseSegmentTimestamp } from './segment-timestamp.ts';

export type SegmentMappingOptions = {
  /** When ingest received the request (ISO-8601): the last fallback for `occurredAt`. */
  receivedAt: string;
  /** The store's currency, for e-commerce events that do not name one. */
  defaultCurrency: string;
  /**
   * The call type a single-call route implies (`/v1/track` → track). It wins over the body's
   * `type`, as on Segment's own endpoints; batch items carry their own and leave this unset.
   */
  type?: SegmentCallType;
  /** The store's consent categories that mean e-mail marketing (see segment-consent.ts). */
  emailConsentCategories?: readonly string[];
};

export function mapSegmentMessage(message: unknown, options: SegmentMappingOptions): MappingResult {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return invalid(['(root): a Segment message must be a JSON object']);
  }
  const raw: Record<string, unknown> = options.type ? { ...message, type: options.type } : { ...message };
  if (raw.type == null) {
    return invalid([
      `type: required, one of ${SEGMENT_CALL_TYPES.join(', ')} (batch items carry it; single calls take it from the route)`,
    ]);
  }
  const parsed = segmentMessageSchema.safeParse(raw);
  if (!parsed.success) return invalid(describeIssues(parsed.error.issues, raw));
  const segment = parsed.data;

  const problems: string[] = [];
  if (!segment.userId && !segment.anonymousId) {
    problems.push("userId / anonymousId: one is required (Segment's no_user_anon_id rule)");
  }
  if (segment.type === 'track' && !segment.event?.trim()) problems.push('event: required for track calls');
  const occurredAt = occurredAtOf(segment, options.receivedAt, problems);
  if (problems.length > 0 || occurredAt === undefined) return invalid(problems);

  const base = { id: segmentMessageId(raw), occurredAt };
  const consent = segmentConsentOf(segment, occurredAt, options.emailConsentCategories);
  const mapped = mapByType(segment, base, options.defaultCurrency);
  return withConsent(mapped, segment, base, consent);
}

function mapByType(
  segment: SegmentMessage,
  base: Omit<Envelope, 'identity'>,
  defaultCurrency: string,
): MappingResult {
  switch (segment.type) {
    case 'identify':
      return mapIdentify(segment, base);
    case 'track':
      return mapTrack(segment, base, defaultCurrency);
    case 'page':
      // A page view names no product, cart or order; product pages are expected to send Product Viewed.
      return ignored('Segment page calls have no canonical event (product pages send Product Viewed)');
    case 'screen':
    case 'group':
    case 'alias':
      return ignored(`Segment ${segment.type} calls have no canonical event`);
    default:
      return assertNever(segment.type);
  }
}

/** identify → customer.updated: an identify may also just tie an anonymousId to a userId, so no traits is fine. */
function mapIdentify(segment: SegmentMessage, base: Omit<Envelope, 'identity'>): MappingResult {
  const problems: string[] = [];
  const identity = identityOf(segment, problems);
  const attributes = attributesOf(segment.traits, 'traits', segment, problems);
  if (problems.length > 0) return invalid(problems);
  return mappedIfCanonical(
    [{ ...base, identity, type: 'customer.updated', version: 1, data: { attributes, consent: [] } }],
    'segment',
  );
}

/**
 * Consent a message carries (in `context.consent` or the traits) goes into the sign-up or profile
 * update the message maps to, so a welcome can start on it; any other message's consent is recorded
 * as a `customer.updated` of its own, so a page view or a `Segment Consent Preference Updated` track
 * call that changes consent is not lost.
 */
function withConsent(
  mapped: MappingResult,
  segment: SegmentMessage,
  base: Omit<Envelope, 'identity'>,
  consent: Consent[],
): MappingResult {
  if (consent.length === 0 || mapped.kind === 'invalid') return mapped;
  const events = mapped.kind === 'mapped' ? mapped.events : [];
  const index = events.findIndex(
    (event) => event.type === 'customer.registered' || event.type === 'customer.updated',
  );
  const profileEvent = events[index];
  if (
    profileEvent !== undefined &&
    (profileEvent.type === 'customer.registered' || profileEvent.type === 'customer.updated')
  ) {
    const withItsConsent = { ...profileEvent, data: { ...profileEvent.data, consent } };
    return mappedIfCanonical(events.with(index, withItsConsent), 'segment');
  }
  const consentEvent: UnstampedEvent = {
    ...base,
    id: mapped.kind === 'mapped' ? `${base.id}#consent` : base.id,
    identity: identityOf(segment, []),
    type: 'customer.updated',
    version: 1,
    data: { attributes: {}, consent },
  };
  return mappedIfCanonical([...events, consentEvent], 'segment');
}

function mapTrack(
  segment: SegmentMessage,
  base: Omit<Envelope, 'identity'>,
  defaultCurrency: string,
): MappingResult {
  const problems: string[] = [];
  const identity = identityOf(segment, problems);
  const outcome = mapSegmentTrack(segment.event ?? '', segment, { ...base, identity }, defaultCurrency);
  switch (outcome.kind) {
    case 'ignored':
      return ignored(outcome.reason);
    case 'invalid':
      return invalid([...problems, ...outcome.problems]);
    case 'event':
      return problems.length > 0 ? invalid(problems) : mappedIfCanonical([outcome.event], 'segment');
    default:
      return assertNever(outcome);
  }
}

/**
 * timestamp ?? sentAt ?? receivedAt. A timestamp that is given but unreadable is a problem rather
 * than a reason to fall back: guessing the time of an order would be worse than refusing it.
 */
function occurredAtOf(segment: SegmentMessage, receivedAt: string, problems: string[]): string | undefined {
  const [field, text] =
    segment.timestamp != null
      ? ['timestamp', segment.timestamp]
      : segment.sentAt != null
        ? ['sentAt', segment.sentAt]
        : ['receivedAt', receivedAt];
  const instant = normaliseSegmentTimestamp(text);
  if (instant === undefined)
    problems.push(`${field}: ${JSON.stringify(text)} is not an ISO-8601 date and time`);
  return instant;
}

function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
