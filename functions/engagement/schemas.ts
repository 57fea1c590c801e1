/**
 * What the engagement queues deliver: SES engagement events as EventBridge puts them on the default
 * bus (SES event publishing, `source: aws.ses`), and canonical `order.placed` events from the
 * storefront bus. Field names follow SES's documented event records ("Contents of event data that
 * Amazon SES publishes"); only what the rules read is required, everything else passes through.
 */
import * as z from 'zod';
import { type CanonicalEventOf, canonicalEventSchema } from '#events/schemas.ts';
import { slotFromTags, type TaggedSlot } from '#messaging/domain/slot-tags.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { OrderReversal } from './domain/adjust-attribution.ts';
import { BOUNCE_TYPES, type EngagementEvent, normalizeTimestamp } from './domain/engagement-event.ts';
import { InvalidEngagementMessageError } from './errors.ts';

const timestamp = z.iso.datetime({ offset: true });
const address = z.string().min(1);
const recipients = z.array(z.object({ emailAddress: address }).loose());

const mailSchema = z
  .object({
    messageId: z.string().min(1),
    timestamp,
    destination: z.array(address).default([]),
    tags: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();

const envelope = {
  id: z.string().min(1),
  source: z.literal('aws.ses'),
  time: timestamp,
};

const withMail = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.object({ mail: mailSchema, ...shape }).loose();
const timed = z.object({ timestamp }).loose();

/** The SES email sending events, one EventBridge detail-type each. */
export const sesEventSchema = z.discriminatedUnion('detail-type', [
  z.object({ ...envelope, 'detail-type': z.literal('Email Sent'), detail: withMail({}) }),
  z.object({
    ...envelope,
    'detail-type': z.literal('Email Delivered'),
    detail: withMail({ delivery: timed }),
  }),
  z.object({ ...envelope, 'detail-type': z.literal('Email Opened'), detail: withMail({ open: timed }) }),
  z.object({ ...envelope, 'detail-type': z.literal('Email Clicked'), detail: withMail({ click: timed }) }),
  z.object({
    ...envelope,
    'detail-type': z.literal('Email Bounced'),
    detail: withMail({
      bounce: z
        .object({ bounceType: z.enum(BOUNCE_TYPES), bouncedRecipients: recipients.default([]), timestamp })
        .loose(),
    }),
  }),
  z.object({
    ...envelope,
    'detail-type': z.literal('Email Complaint Received'),
    detail: withMail({
      complaint: z.object({ complainedRecipients: recipients.default([]), timestamp }).loose(),
    }),
  }),
  z.object({ ...envelope, 'detail-type': z.literal('Email Rejected'), detail: withMail({}) }),
  z.object({ ...envelope, 'detail-type': z.literal('Email Rendering Failed'), detail: withMail({}) }),
  z.object({
    ...envelope,
    'detail-type': z.literal('Email Delivery Delayed'),
    detail: withMail({ deliveryDelay: timed }),
  }),
]);
export type SesEvent = z.infer<typeof sesEventSchema>;

export const SES_ENGAGEMENT_DETAIL_TYPES = sesEventSchema.options.map(
  (option) => option.shape['detail-type'].value,
);

export type ParsedSesMessage =
  | { kind: 'engagement'; event: EngagementEvent }
  /** Another SES event on the default bus (sending status, advisor, subscriptions): not ours to record. */
  | { kind: 'ignored'; detailType: string };

/** Parses one queue message: the EventBridge event, SES's event record in `detail`. */
export function parseSesMessage(body: string): ParsedSesMessage {
  const json = parseJson(body);
  const detailType = z.object({ 'detail-type': z.string() }).safeParse(json);
  if (!detailType.success) throw new InvalidEngagementMessageError('not an EventBridge event');
  if (!(SES_ENGAGEMENT_DETAIL_TYPES as string[]).includes(detailType.data['detail-type'])) {
    return { kind: 'ignored', detailType: detailType.data['detail-type'] };
  }
  const parsed = sesEventSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidEngagementMessageError(`not an SES engagement event: ${z.prettifyError(parsed.error)}`);
  }
  return { kind: 'engagement', event: toEngagementEvent(parsed.data) };
}

/** SES's record reduced to the domain's event; sends, rejects and rendering failures carry only the mail's time. */
export function toEngagementEvent(event: SesEvent): EngagementEvent {
  const { mail } = event.detail;
  const at = (value: string) => normalizeTimestamp(value);
  const base = {
    eventId: event.id,
    messageId: mail.messageId,
    destination: mail.destination,
    mailSentAt: at(mail.timestamp),
    journeyTagged: mail.tags?.journey !== undefined && mail.tags?.store !== undefined,
    ...optionalSlot(mail.tags),
  };
  switch (event['detail-type']) {
    case 'Email Sent':
      return { ...base, kind: 'send', at: at(mail.timestamp) };
    case 'Email Delivered':
      return { ...base, kind: 'delivery', at: at(event.detail.delivery.timestamp) };
    case 'Email Opened':
      return { ...base, kind: 'open', at: at(event.detail.open.timestamp) };
    case 'Email Clicked':
      return { ...base, kind: 'click', at: at(event.detail.click.timestamp) };
    case 'Email Bounced': {
      const { bounce } = event.detail;
      return {
        ...base,
        kind: 'bounce',
        at: at(bounce.timestamp),
        bounceType: bounce.bounceType,
        recipients: bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
      };
    }
    case 'Email Complaint Received': {
      const { complaint } = event.detail;
      return {
        ...base,
        kind: 'complaint',
        at: at(complaint.timestamp),
        recipients: complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
      };
    }
    case 'Email Rejected':
      return { ...base, kind: 'reject', at: at(mail.timestamp) };
    case 'Email Rendering Failed':
      return { ...base, kind: 'renderingFailure', at: at(mail.timestamp) };
    case 'Email Delivery Delayed':
      return { ...base, kind: 'deliveryDelay', at: at(event.detail.deliveryDelay.timestamp) };
    default:
      return assertUnreachable(event);
  }
}

function optionalSlot(tags: Record<string, string[]> | undefined): { slot?: TaggedSlot } {
  const slot = tags === undefined ? undefined : slotFromTags(tags);
  return slot === undefined ? {} : { slot };
}

export type ParsedOrderMessage =
  | { kind: 'order'; event: CanonicalEventOf<'order.placed'> }
  | { kind: 'reversal'; event: OrderReversal }
  | { kind: 'ignored'; eventType: string };

const busMessageSchema = z.object({ 'detail-type': z.string(), detail: canonicalEventSchema });

/** Parses one queue message from the storefront bus: the EventBridge event, the canonical event in `detail`. */
export function parseOrderMessage(body: string): ParsedOrderMessage {
  const parsed = busMessageSchema.safeParse(parseJson(body));
  if (!parsed.success) {
    throw new InvalidEngagementMessageError(`not a canonical event: ${z.prettifyError(parsed.error)}`);
  }
  const event = parsed.data.detail;
  switch (event.type) {
    case 'order.placed':
      return { kind: 'order', event };
    case 'order.refunded':
    case 'order.cancelled':
    case 'order.updated':
      return { kind: 'reversal', event };
    default:
      return { kind: 'ignored', eventType: event.type };
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new InvalidEngagementMessageError('message body is not JSON', { cause: error });
  }
}
