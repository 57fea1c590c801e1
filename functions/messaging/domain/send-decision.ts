/**
 * The one decision every email goes through: send now, skip for good, or try again later.
 *
 * The rules run in this order, and the first that applies decides:
 *  1. duplicate      – already sent for this (journey, subject, step). First, so a retried step
 *                      whose message did go out is answered the same way every time (its own send
 *                      would otherwise count against the caps and read as "capped").
 *  2. no e-mail      – nothing else can matter without an address.
 *  3. suppression    – hard bounce and complaint stop all mail (SES refuses those addresses, and
 *                      mailing complainers hurts the sender's reputation); unsubscribe and repeated
 *                      soft bounces stop marketing only, so order confirmations still arrive.
 *  4. consent        – marketing needs granted e-mail consent; transactional mail never does.
 *  5. holdout        – marketing only, after consent: the holdout group has to be drawn from
 *                      people we could have mailed, or the measured lift is meaningless.
 *  6. transactional  – goes now: never capped, never held for quiet hours.
 *  7. quiet hours + frequency caps (marketing) – timing comes last because only a message that is
 *                      going to be sent needs a time. Both are checked at one instant: the send
 *                      time moves to the later of what each allows until both agree.
 */
import { createHash } from 'node:crypto';
import { assertUnreachable } from '#shared/errors.ts';
import {
  bypassesCaps,
  type FrequencyDecision,
  type FrequencyPolicy,
  frequencyDecision,
} from './frequency-policy.ts';
import { type QuietHours, quietHoursDecision } from './quiet-hours.ts';
import { isTimeZone } from './time-zone.ts';

export type MessageKind = 'marketing' | 'transactional';

export interface SendRequest {
  readonly journey: string;
  readonly step: string;
  readonly subjectKey: string;
  readonly kind: MessageKind;
  /** Higher wins; see `FrequencyPolicy.bypassPriority` for the one thing it changes. */
  readonly priority: number;
  /** What a capped message does: wait for the cap to open, or give up (a reminder that is stale tomorrow). */
  readonly whenCapped: 'defer' | 'skip';
}

export type SuppressionReason = 'unsubscribed' | 'hard-bounce' | 'complaint' | 'soft-bounces';

export interface Recipient {
  readonly email?: string;
  readonly emailConsent?: 'granted' | 'revoked';
  readonly suppression?: { readonly reason: SuppressionReason; readonly at: string };
  /** IANA zone; quiet hours use the store's zone when it is missing or unknown to the runtime. */
  readonly timeZone?: string;
}

export interface SendContext {
  readonly now: Date;
  readonly storeTimeZone: string;
  readonly quietHours: QuietHours;
  readonly policy: FrequencyPolicy;
  /** This customer's earlier marketing sends, from every journey. */
  readonly marketingSentAt: readonly Date[];
  /** A message already went out for this request's (journey, subject, step). */
  readonly alreadySent: boolean;
  /** The customer is in this journey's holdout group. */
  readonly heldOut: boolean;
  /**
   * The sender's name and postal address are known: a marketing mail without them breaks Japan's
   * 特定電子メール法 and CAN-SPAM, so it is not sent. @default true
   */
  readonly senderIdentified?: boolean;
  /**
   * Whose mail it is (the customer key): mails held back by quiet hours go out over the half hour
   * after they end, each customer at a moment of their own, not in one burst. @default - at the end
   */
  readonly spreadKey?: string;
}

/** Why a mail is not sent; stored in decisions and a metric dimension, so a small fixed set, never renamed. */
export const SKIP_REASONS = [
  'duplicate',
  'no-email',
  'no-consent',
  'suppressed',
  'capped',
  'holdout',
  'sender-address-missing',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
/**
 * Why a mail waits to be decided again; stored and a metric dimension like `SkipReason`. The guardrails
 * give `quiet-hours` and `capped`; the send path gives `send-in-progress` when an earlier attempt holds
 * the slot's claim (it may still be sending, or have stopped before or after SES accepted the mail).
 */
export const DEFER_REASONS = ['quiet-hours', 'capped', 'send-in-progress', 'throttled'] as const;
export type DeferReason = (typeof DEFER_REASONS)[number];

export type SendDecision =
  | { outcome: 'send' }
  | { outcome: 'skip'; reason: SkipReason }
  | { outcome: 'defer'; until: Date; reason: DeferReason };

/**
 * Decides one send. A deferral means: ask again at `until` (consent or the caps may have changed by
 * then); `until` is the earliest instant at which both quiet hours and the caps allow the send, and
 * `reason` names the rule that set it.
 */
export function decideSend(request: SendRequest, recipient: Recipient, context: SendContext): SendDecision {
  if (context.alreadySent) return skip('duplicate');
  if (!recipient.email?.trim()) return skip('no-email');
  if (recipient.suppression !== undefined && suppressionBlocks(recipient.suppression.reason, request.kind)) {
    return skip('suppressed');
  }
  switch (request.kind) {
    case 'transactional':
      return { outcome: 'send' };
    case 'marketing':
      if (context.senderIdentified === false) return skip('sender-address-missing');
      if (recipient.emailConsent !== 'granted') return skip('no-consent');
      if (context.heldOut) return skip('holdout');
      return scheduleMarketing(request, quietHoursTimeZone(recipient, context.storeTimeZone), context);
    default:
      return assertUnreachable(request.kind);
  }
}

/** The zone quiet hours are judged in: the customer's own when the runtime knows it, else the store's. */
export function quietHoursTimeZone(recipient: Pick<Recipient, 'timeZone'>, storeTimeZone: string): string {
  return recipient.timeZone !== undefined && isTimeZone(recipient.timeZone)
    ? recipient.timeZone
    : storeTimeZone;
}

function suppressionBlocks(reason: SuppressionReason, kind: MessageKind): boolean {
  switch (reason) {
    case 'hard-bounce':
    case 'complaint':
      return true;
    case 'unsubscribed':
    case 'soft-bounces':
      return kind === 'marketing';
    default:
      return assertUnreachable(reason);
  }
}

const UNCAPPED: FrequencyDecision = { allowed: true };

/**
 * Moves the send time forward until quiet hours and the caps both allow it. Two moves at most:
 * after the caps open they stay open (sends only age out), and the end of quiet hours is never
 * itself quiet, so quiet → capped → quiet is the longest chain. The loop bound only guards that.
 */
function scheduleMarketing(request: SendRequest, timeZone: string, context: SendContext): SendDecision {
  const capped = !bypassesCaps(request.priority, context.policy);
  let at = context.now;
  let reason: DeferReason | undefined;
  for (let moves = 0; moves < 4; moves += 1) {
    const quiet = quietHoursDecision(at, timeZone, context.quietHours);
    if (quiet.quiet) {
      at = spreadRelease(quiet.sendAfter, timeZone, context.quietHours, context.spreadKey);
      reason = 'quiet-hours';
    }
    // Checked at the time the message would go, not at `now`: a cap that has opened by the end
    // of quiet hours does not stop a message that waits for it anyway.
    const frequency = capped ? frequencyDecision(context.marketingSentAt, at, context.policy) : UNCAPPED;
    if (frequency.allowed) {
      if (reason === undefined) return { outcome: 'send' };
      return {
        outcome: 'defer',
        until: staggered(at, timeZone, context.quietHours, request.priority),
        reason,
      };
    }
    switch (request.whenCapped) {
      case 'skip':
        return skip('capped');
      case 'defer':
        at = frequency.opensAt;
        reason = 'capped';
        break;
      default:
        return assertUnreachable(request.whenCapped);
    }
  }
  throw new Error('Quiet hours and frequency caps did not settle on a send time');
}

/**
 * When a marketing mail due at `at` may go as far as quiet hours say: `at` itself, or the end of the
 * quiet hours it falls in, staggered as a deferral would be. A journey's wait before a marketing mail
 * ends there, so the mail goes out when the wait ends instead of being deferred by its step.
 */
export function quietHoursRelease(
  at: Date,
  timeZone: string,
  quietHours: QuietHours,
  priority: number,
  spreadKey?: string,
): Date {
  const quiet = quietHoursDecision(at, timeZone, quietHours);
  if (!quiet.quiet) return at;
  return staggered(
    spreadRelease(quiet.sendAfter, timeZone, quietHours, spreadKey),
    timeZone,
    quietHours,
    priority,
  );
}

/** Mails quiet hours held back go out over this long after they end. */
export const QUIET_HOURS_RELEASE_SPREAD_SECONDS = 30 * 60;

/**
 * The moment a customer's held-back mail goes out once quiet hours end: the end plus a whole number of
 * seconds fixed per customer (a hash of the key), so a night's mails leave over half an hour instead
 * of in one burst at the end, and two journeys mailing one customer keep their priority order. Not
 * when that moment would itself be quiet (a very short day).
 */
function spreadRelease(
  end: Date,
  timeZone: string,
  quietHours: QuietHours,
  spreadKey: string | undefined,
): Date {
  if (spreadKey === undefined) return end;
  const seconds =
    createHash('sha256').update(`quiet-hours:${spreadKey}`).digest().readUInt32BE(0) %
    QUIET_HOURS_RELEASE_SPREAD_SECONDS;
  const spread = new Date(end.getTime() + seconds * 1000);
  return quietHoursDecision(spread, timeZone, quietHours).quiet ? end : spread;
}

/** A deferred mail asks again a little after `at`, by priority, unless that would cross into quiet hours. */
function staggered(at: Date, timeZone: string, quietHours: QuietHours, priority: number): Date {
  const later = staggeredByPriority(at, priority);
  // Right before quiet hours begin, the stagger would cross into them: ask at the earliest instant.
  return quietHoursDecision(later, timeZone, quietHours).quiet ? at : later;
}

/** Journey priorities run from 0 to this (see the journey schema). */
const MAX_PRIORITY = 1000;
const STAGGER_MS_PER_PRIORITY = 100;

/**
 * Deferred mails of different journeys would otherwise all ask again at the same instant (the end of
 * quiet hours, the moment a cap opens) and race for the one free slot. Asking back a little later the
 * lower the priority lets the more important journey go first, every time.
 */
function staggeredByPriority(at: Date, priority: number): Date {
  const steps = MAX_PRIORITY - Math.min(Math.max(priority, 0), MAX_PRIORITY);
  return new Date(at.getTime() + steps * STAGGER_MS_PER_PRIORITY);
}

function skip(reason: SkipReason): SendDecision {
  return { outcome: 'skip', reason };
}
