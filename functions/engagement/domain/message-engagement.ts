import { assertUnreachable } from '#shared/errors.ts';
import type { BounceType, EngagementEvent, EngagementKind } from './engagement-event.ts';

/**
 * What SES reported about one sent mail. Every field keeps the earliest time of its kind, so the
 * state depends on which events arrived, never on the order they arrived in.
 */
export interface MessageEngagement {
  send?: string;
  delivery?: string;
  /** First open. */
  open?: string;
  /** First click. */
  click?: string;
  bounce?: { at: string; type: BounceType };
  complaint?: string;
  reject?: string;
  renderingFailure?: string;
  deliveryDelay?: string;
}

/** The most significant thing that happened to a mail; derived from the engagement, never stored on its own. */
export type EngagementStatus =
  | 'sent'
  | 'delayed'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'rendering-failed'
  | 'rejected'
  | 'bounced'
  | 'complained';

export interface MessageEngagementState {
  engagement: MessageEngagement;
  /** Distinct open events (one person can open a mail many times). */
  opens: number;
  clicks: number;
  status: EngagementStatus;
  /** Recent event ids, newest last: the de-duplication window for the counters. */
  appliedEventIds: string[];
}

export const MESSAGE_APPLIED_EVENT_IDS = 100;

export function emptyMessageEngagement(): MessageEngagementState {
  return { engagement: {}, opens: 0, clicks: 0, status: 'sent', appliedEventIds: [] };
}

export interface MessageUpdate {
  outcome: 'applied' | 'duplicate';
  state: MessageEngagementState;
  /** Kinds seen for the first time on this mail: what the once-per-message metrics count. */
  firsts: EngagementKind[];
}

/** Applies one event to a mail's engagement; the same event twice changes nothing. */
export function applyToMessage(state: MessageEngagementState, event: EngagementEvent): MessageUpdate {
  if (state.appliedEventIds.includes(event.eventId)) return { outcome: 'duplicate', state, firsts: [] };
  const engagement = withEvent(state.engagement, event);
  const firsts = ENGAGEMENT_KINDS.filter((kind) => state.engagement[kind] === undefined && engagement[kind]);
  return {
    outcome: 'applied',
    firsts,
    state: {
      engagement,
      opens: state.opens + (event.kind === 'open' ? 1 : 0),
      clicks: state.clicks + (event.kind === 'click' ? 1 : 0),
      status: engagementStatus(engagement),
      appliedEventIds: [...state.appliedEventIds, event.eventId].slice(-MESSAGE_APPLIED_EVENT_IDS),
    },
  };
}

const ENGAGEMENT_KINDS: readonly EngagementKind[] = [
  'send',
  'delivery',
  'open',
  'click',
  'bounce',
  'complaint',
  'reject',
  'renderingFailure',
  'deliveryDelay',
];

const earliest = (current: string | undefined, at: string) =>
  current === undefined || at < current ? at : current;

/** A permanent bounce outweighs an undetermined one, which outweighs a transient one. */
const BOUNCE_SEVERITY: Record<BounceType, number> = { Transient: 0, Undetermined: 1, Permanent: 2 };

function withEvent(engagement: MessageEngagement, event: EngagementEvent): MessageEngagement {
  switch (event.kind) {
    case 'bounce': {
      const current = engagement.bounce;
      const candidate = { at: event.at, type: event.bounceType };
      if (current === undefined) return { ...engagement, bounce: candidate };
      const bySeverity = BOUNCE_SEVERITY[candidate.type] - BOUNCE_SEVERITY[current.type];
      const wins = bySeverity > 0 || (bySeverity === 0 && candidate.at < current.at);
      return wins ? { ...engagement, bounce: candidate } : engagement;
    }
    case 'send':
    case 'delivery':
    case 'open':
    case 'click':
    case 'complaint':
    case 'reject':
    case 'renderingFailure':
    case 'deliveryDelay':
      return { ...engagement, [event.kind]: earliest(engagement[event.kind], event.at) };
    default:
      return assertUnreachable(event);
  }
}

/**
 * Problems outrank engagement (a complaint after a click is what matters for the sender's reputation),
 * engagement outranks delivery, and delivery outranks a delay that preceded it.
 */
export function engagementStatus(engagement: MessageEngagement): EngagementStatus {
  if (engagement.complaint) return 'complained';
  if (engagement.bounce) return 'bounced';
  if (engagement.reject) return 'rejected';
  if (engagement.renderingFailure) return 'rendering-failed';
  if (engagement.click) return 'clicked';
  if (engagement.open) return 'opened';
  if (engagement.delivery) return 'delivered';
  if (engagement.deliveryDelay) return 'delayed';
  return 'sent';
}
