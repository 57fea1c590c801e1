/**
 * One SES engagement event, reduced to what the engagement rules need. SES sends one record per
 * event; EventBridge's event id (stable across redeliveries of the same event) is the de-duplication key.
 */

import type { TaggedSlot } from '#messaging/domain/slot-tags.ts';

/** SES bounce types; `Undetermined` is treated like a soft bounce (nothing says the address is gone). */
export const BOUNCE_TYPES = ['Permanent', 'Transient', 'Undetermined'] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

interface EventBase {
  /** EventBridge event id. */
  eventId: string;
  /** SES message id: finds the sent message (`SESMESSAGE#<messageId>`). */
  messageId: string;
  /** When it happened (the event's own timestamp, else the mail's), as a normalised ISO string. */
  at: string;
  /** The addresses the mail was sent to, spelled as we sent them. */
  destination: string[];
  /** When SES accepted the mail. */
  mailSentAt: string;
  /** Whether the mail carries the journey tags our send path puts on every mail. */
  journeyTagged: boolean;
  /**
   * The slot the mail's tags name (our send path tags every mail with it): lets the mail be recorded
   * sent when its sender stopped after SES accepted it.
   */
  slot?: TaggedSlot;
}

export type EngagementEvent = EventBase &
  (
    | { kind: 'send' }
    | { kind: 'delivery' }
    | { kind: 'open' }
    | { kind: 'click' }
    | { kind: 'bounce'; bounceType: BounceType; recipients: string[] }
    | { kind: 'complaint'; recipients: string[] }
    | { kind: 'reject' }
    | { kind: 'renderingFailure' }
    | { kind: 'deliveryDelay' }
  );

export type EngagementKind = EngagementEvent['kind'];

/** ISO strings of one shape compare correctly as strings; SES and EventBridge differ in precision. */
export function normalizeTimestamp(value: string): string {
  return new Date(value).toISOString();
}
