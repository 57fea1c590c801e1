/**
 * One record per decision and customer, so "why did (or didn't) this customer get this email?"
 * has an answer: the outcome, the rule behind it, and the detail a person needs to read it (the
 * time zone that made 08:00 the customer's morning, the kind of suppression).
 */
import { assertUnreachable } from '#shared/errors.ts';
import type { SendDecision, SendRequest, SuppressionReason } from './send-decision.ts';
import { formatLocalMinute, isTimeZone } from './time-zone.ts';

/** Stored; values are never renamed. */
export type DecisionOutcome = 'sent' | 'skipped' | 'deferred';

export interface DecisionRecord {
  /** ISO instant of the decision (for `sent`, when SES accepted the message). */
  at: string;
  journey: string;
  step: string;
  subjectKey: string;
  outcome: DecisionOutcome;
  /** A `SkipReason` or `DeferReason`; a string so records from later versions still read. */
  reason?: string;
  /** ISO instant a deferred message is due to be decided again. */
  until?: string;
  messageId?: string;
  template?: string;
  /** The zone quiet hours were judged in; local times in the description are shown in it. */
  timeZone?: string;
  /** Which suppression stopped the message, when `reason` is `suppressed`. */
  suppression?: SuppressionReason;
  /** When `reason` is `no-consent`: consent was withdrawn, or no source ever sent any. */
  consent?: 'revoked' | 'none';
}

export interface DecisionDetails {
  at: Date;
  timeZone?: string;
  suppression?: SuppressionReason;
  consent?: 'revoked' | 'none';
  messageId?: string;
  template?: string;
}

/**
 * The record for `decision`. A `send` decision becomes `sent`: record it once SES has accepted
 * the message, with its message id.
 */
export function decisionRecord(
  request: Pick<SendRequest, 'journey' | 'step' | 'subjectKey'>,
  decision: SendDecision,
  details: DecisionDetails,
): DecisionRecord {
  const base = {
    at: details.at.toISOString(),
    journey: request.journey,
    step: request.step,
    subjectKey: request.subjectKey,
    ...optional('timeZone', details.timeZone),
    ...optional('template', details.template),
  };
  switch (decision.outcome) {
    case 'send':
      return { ...base, outcome: 'sent', ...optional('messageId', details.messageId) };
    case 'skip':
      return {
        ...base,
        outcome: 'skipped',
        reason: decision.reason,
        ...(decision.reason === 'suppressed' ? optional('suppression', details.suppression) : {}),
        ...(decision.reason === 'no-consent' ? optional('consent', details.consent) : {}),
      };
    case 'defer':
      return { ...base, outcome: 'deferred', reason: decision.reason, until: decision.until.toISOString() };
    default:
      return assertUnreachable(decision);
  }
}

/**
 * One sentence for people, e.g. "Deferred cart-abandonment reminder-1 until 2026-03-02 08:00
 * (quiet hours in Europe/Berlin)". Times are local to the record's time zone when it has one,
 * else UTC, and always say which.
 */
export function describeDecision(record: DecisionRecord): string {
  const message = `${record.journey} ${record.step}`;
  switch (record.outcome) {
    case 'sent':
      return [
        `Sent ${message} at ${when(record.at, record.timeZone)}`,
        record.template === undefined ? '' : ` with template ${record.template}`,
        record.messageId === undefined ? '' : ` (message ${record.messageId})`,
      ].join('');
    case 'skipped':
      return `Skipped ${message} at ${when(record.at, record.timeZone)}: ${whySkipped(record)}`;
    case 'deferred':
      return `Deferred ${message}${untilText(record)} (${whyDeferred(record)})`;
    default:
      return assertUnreachable(record.outcome);
  }
}

const SUPPRESSIONS: Record<SuppressionReason, string> = {
  unsubscribed: 'unsubscribed',
  'hard-bounce': 'hard bounce',
  complaint: 'spam complaint',
  'soft-bounces': 'repeated soft bounces',
};

function whySkipped(record: DecisionRecord): string {
  switch (record.reason) {
    case 'duplicate':
      return `already sent for ${record.subjectKey}`;
    case 'no-email':
      return 'no email address on the profile';
    case 'no-consent':
      return record.consent === 'none'
        ? 'no marketing consent: no source has sent consent for this address'
        : record.consent === 'revoked'
          ? 'no marketing consent: it was withdrawn'
          : 'no marketing consent';
    case 'suppressed':
      return record.suppression === undefined
        ? 'the address is suppressed'
        : `the address is suppressed (${SUPPRESSIONS[record.suppression]})`;
    case 'capped':
      return 'frequency cap reached';
    case 'holdout':
      return 'the customer is in the holdout group';
    case 'sender-address-missing':
      return "the store's sender name or postal address is missing (the law asks for both in marketing mail)";
    case undefined:
      return 'no reason recorded';
    default:
      return record.reason;
  }
}

function whyDeferred(record: DecisionRecord): string {
  switch (record.reason) {
    case 'quiet-hours':
      return knownZone(record.timeZone) === undefined ? 'quiet hours' : `quiet hours in ${record.timeZone}`;
    case 'capped':
      return 'frequency cap reached';
    case 'send-in-progress':
      return 'an earlier attempt holds the send';
    case 'throttled':
      return "SES's sending rate or daily quota was reached";
    case undefined:
      return 'no reason recorded';
    default:
      return record.reason;
  }
}

function untilText(record: DecisionRecord): string {
  if (record.until === undefined) return '';
  // "(quiet hours in Europe/Berlin)" already names the zone of the local time before it.
  const namesZone = record.reason === 'quiet-hours' && knownZone(record.timeZone) !== undefined;
  return ` until ${namesZone ? when(record.until, record.timeZone, false) : when(record.until, record.timeZone)}`;
}

function when(iso: string, timeZone: string | undefined, withZone = true): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return iso;
  const zone = knownZone(timeZone);
  const local = formatLocalMinute(instant, zone ?? 'UTC');
  return withZone ? `${local} ${zone ?? 'UTC'}` : local;
}

function knownZone(timeZone: string | undefined): string | undefined {
  return timeZone !== undefined && isTimeZone(timeZone) ? timeZone : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
