import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import type { EngagementEvent } from './engagement-event.ts';
import { type EngagementSummary, SUMMARY_LIMITS } from './engagement-summary.ts';

/** Soft bounces in a row (without a delivery in between) that are still tolerated. */
export const DEFAULT_SOFT_BOUNCE_LIMIT = 7;
/** The summary keeps this many soft bounces, so a larger limit could never be passed. */
export const SOFT_BOUNCE_LIMIT_MAX = SUMMARY_LIMITS.softBounces - 1;

export interface PlannedSuppression {
  email: string;
  reason: SuppressionReason;
  at: string;
}

/**
 * Which addresses an event stops mail to. A hard bounce or a complaint suppresses at once; soft
 * bounces only once there are more than `softBounceLimit` of them since the last delivery.
 *
 * In the cloud SES also puts hard-bouncing and complaining addresses on the account-level suppression
 * list (the configuration set's suppression options), so SES itself would refuse them too; our own
 * suppression item is what the send path checks first, and it also covers soft bounces.
 */
export function plannedSuppressions(
  event: EngagementEvent,
  summary: EngagementSummary | undefined,
  softBounceLimit: number,
): PlannedSuppression[] {
  const suppress = (recipients: string[], reason: SuppressionReason) =>
    addressesAsSent(recipients, event.destination).map((email) => ({ email, reason, at: event.at }));
  if (event.kind === 'complaint') return suppress(event.recipients, 'complaint');
  if (event.kind !== 'bounce') return [];
  if (event.bounceType === 'Permanent') return suppress(event.recipients, 'hard-bounce');
  if ((summary?.softBounceStreak ?? 0) > softBounceLimit) return suppress(event.recipients, 'soft-bounces');
  return [];
}

/** Stopping all mail outranks stopping marketing mail; a suppression is never weakened. */
const STRENGTH: Record<SuppressionReason, number> = {
  unsubscribed: 1,
  'soft-bounces': 1,
  'hard-bounce': 2,
  complaint: 2,
};

/** Existing suppressions a new one may replace: only weaker ones, so the first reason and time stay. */
export function replaceableBy(reason: SuppressionReason): SuppressionReason[] {
  return (Object.keys(STRENGTH) as SuppressionReason[]).filter((other) => STRENGTH[other] < STRENGTH[reason]);
}

/**
 * The send path looks suppressions up by the address it sends to; reporting MTAs may spell it in
 * another case. Without reported recipients (redacted complaints), every destination is meant.
 */
function addressesAsSent(reported: string[], destination: string[]): string[] {
  if (reported.length === 0) return [...new Set(destination)];
  const sent = new Map(destination.map((address) => [address.toLowerCase(), address]));
  return [...new Set(reported.map((address) => sent.get(address.toLowerCase()) ?? address))];
}
