import { assertUnreachable } from '#shared/errors.ts';
import type { EngagementEvent } from './engagement-event.ts';

/** An open or click of a journey mail: what attribution credits an order to. */
export interface Touch {
  messageId: string;
  journey: string;
  step: string;
  variant: string;
  kind: 'open' | 'click';
  at: string;
}

/** Journey, step and variant of the mail an event is about (from the sent-message item, never from tags). */
export interface MessageOrigin {
  messageId: string;
  journey: string;
  step: string;
  variant: string;
}

/**
 * One customer's engagement across all their mails. Counters count distinct events; times are the
 * latest of their kind; the soft-bounce streak is computed from timestamps, so a delivery that
 * arrives late still ends the streak it came after.
 */
export interface EngagementSummary {
  lastOpenAt?: string;
  lastClickAt?: string;
  lastDeliveryAt?: string;
  opens: number;
  clicks: number;
  deliveries: number;
  bounces: number;
  complaints: number;
  /** Soft (transient or undetermined) bounces after the last delivery. */
  softBounceStreak: number;
  /** Their times, oldest first: what the streak is counted from when a delivery arrives out of order. */
  softBouncesSinceDelivery: string[];
  /** Most recent first. */
  touches: Touch[];
  /** Recent event ids, newest last: the de-duplication window for the counters. */
  appliedEventIds: string[];
}

export const SUMMARY_LIMITS = { touches: 50, appliedEventIds: 200, softBounces: 50 } as const;

export function emptyEngagementSummary(): EngagementSummary {
  return {
    opens: 0,
    clicks: 0,
    deliveries: 0,
    bounces: 0,
    complaints: 0,
    softBounceStreak: 0,
    softBouncesSinceDelivery: [],
    touches: [],
    appliedEventIds: [],
  };
}

/** Sends, rejects, rendering failures and delays say nothing about the person. */
export function affectsSummary(event: EngagementEvent): boolean {
  switch (event.kind) {
    case 'delivery':
    case 'open':
    case 'click':
    case 'bounce':
    case 'complaint':
      return true;
    case 'send':
    case 'reject':
    case 'renderingFailure':
    case 'deliveryDelay':
      return false;
    default:
      return assertUnreachable(event);
  }
}

export interface SummaryUpdate {
  outcome: 'applied' | 'duplicate' | 'unchanged';
  summary: EngagementSummary;
}

/** Applies one event to the customer's summary; the same event twice changes nothing. */
export function applyToSummary(
  summary: EngagementSummary,
  event: EngagementEvent,
  origin: MessageOrigin,
): SummaryUpdate {
  if (!affectsSummary(event)) return { outcome: 'unchanged', summary };
  if (summary.appliedEventIds.includes(event.eventId)) return { outcome: 'duplicate', summary };
  const next = { ...counted(summary, event, origin) };
  next.appliedEventIds = [...summary.appliedEventIds, event.eventId].slice(-SUMMARY_LIMITS.appliedEventIds);
  next.softBounceStreak = next.softBouncesSinceDelivery.length;
  return { outcome: 'applied', summary: next };
}

function counted(
  summary: EngagementSummary,
  event: EngagementEvent,
  origin: MessageOrigin,
): EngagementSummary {
  switch (event.kind) {
    case 'delivery': {
      const lastDeliveryAt = latest(summary.lastDeliveryAt, event.at);
      return {
        ...summary,
        deliveries: summary.deliveries + 1,
        lastDeliveryAt,
        softBouncesSinceDelivery: summary.softBouncesSinceDelivery.filter((at) => at > lastDeliveryAt),
      };
    }
    case 'open':
      return {
        ...summary,
        opens: summary.opens + 1,
        lastOpenAt: latest(summary.lastOpenAt, event.at),
        touches: withTouch(summary.touches, { ...origin, kind: 'open', at: event.at }),
      };
    case 'click':
      return {
        ...summary,
        clicks: summary.clicks + 1,
        lastClickAt: latest(summary.lastClickAt, event.at),
        touches: withTouch(summary.touches, { ...origin, kind: 'click', at: event.at }),
      };
    case 'bounce': {
      const soft = event.bounceType !== 'Permanent';
      const afterLastDelivery = summary.lastDeliveryAt === undefined || event.at > summary.lastDeliveryAt;
      return {
        ...summary,
        bounces: summary.bounces + 1,
        softBouncesSinceDelivery:
          soft && afterLastDelivery
            ? [...summary.softBouncesSinceDelivery, event.at].sort().slice(-SUMMARY_LIMITS.softBounces)
            : summary.softBouncesSinceDelivery,
      };
    }
    case 'complaint':
      return { ...summary, complaints: summary.complaints + 1 };
    case 'send':
    case 'reject':
    case 'renderingFailure':
    case 'deliveryDelay':
      return summary;
    default:
      return assertUnreachable(event);
  }
}

const latest = (current: string | undefined, at: string) =>
  current === undefined || at > current ? at : current;

/** Keeps the most recent touches whatever order they arrive in; a replayed touch is kept once. */
function withTouch(touches: Touch[], touch: Touch): Touch[] {
  const same = (other: Touch) =>
    other.messageId === touch.messageId && other.kind === touch.kind && other.at === touch.at;
  if (touches.some(same)) return touches;
  return [...touches, touch].sort(byRecency).slice(0, SUMMARY_LIMITS.touches);
}

/** Newest first; ties broken by message and kind so the order never depends on arrival. */
export function byRecency(a: Touch, b: Touch): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  if (a.messageId !== b.messageId) return a.messageId < b.messageId ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}
