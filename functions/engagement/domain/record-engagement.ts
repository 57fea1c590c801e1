import { parseMessageKey } from '#messaging/domain/message-key.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { ErasureLog } from '#profiles/domain/ports.ts';
import { EngagementContentionError } from '../errors.ts';
import type { EngagementEvent, EngagementKind } from './engagement-event.ts';
import {
  applyToSummary,
  type EngagementSummary,
  emptyEngagementSummary,
  type MessageOrigin,
} from './engagement-summary.ts';
import { applyToMessage } from './message-engagement.ts';
import type { EngagementStore, SentMessageRecord, StoredMessage } from './ports.ts';
import { DEFAULT_SOFT_BOUNCE_LIMIT, plannedSuppressions, replaceableBy } from './suppression-rules.ts';

/** Ten records of one batch may all be about one customer; each round lets at least one write through. */
const MAX_ATTEMPTS = 12;
/**
 * The send path indexes a mail right after SES accepted it, and SES may publish its first events
 * before that write lands. A mail of ours this young that names no slot in its tags (sent before the
 * send path tagged slots) is waited for rather than ignored; one that names its slot is recorded from it.
 */
export const INDEXING_GRACE_MS = 2 * 60 * 1000;

export interface RecordEngagementOptions {
  /** Soft bounces in a row tolerated before the address is suppressed. */
  softBounceLimit?: number;
  /**
   * Erasures of customers: an event of a mail sent before its customer was erased finds no index
   * (the erasure removed it) and must not rebuild one from the mail's tags.
   */
  erasures?: ErasureLog;
}

export type RecordEngagementResult =
  /** Not a mail the send path indexed: sent by something else, or ours but never indexed. */
  | { outcome: 'unknown-message'; messageId: string }
  /** One of our mails whose index may still be on its way: try again shortly. */
  | { outcome: 'not-indexed-yet'; messageId: string }
  | {
      outcome: 'applied' | 'duplicate';
      message: SentMessageRecord;
      /**
       * The send path had not recorded the mail, and this event recorded it from the mail's tags (its
       * sender stopped after SES accepted it, or has not got there yet).
       */
      recordedFromTags?: true;
      /** Kinds this event recorded for the first time on the mail (counted once per mail). */
      firsts: EngagementKind[];
      /** Suppressions this event wrote (none when the address already was suppressed as strongly). */
      suppressed: SuppressionReason[];
    };

/**
 * Records one SES event: on the mail's item, on the customer's summary, and as a suppression when
 * the address must not be mailed again. Each of the three writes is idempotent on its own, so a
 * redelivery after a crash between them completes what is missing and repeats nothing.
 */
export async function recordEngagement(
  store: EngagementStore,
  event: EngagementEvent,
  now: Date,
  options: RecordEngagementOptions = {},
): Promise<RecordEngagementResult> {
  const indexed = await store.loadMessage(event.messageId);
  const loaded = indexed ?? (await recordFromTags(store, event, options.erasures));
  // A mail to a customer erased since: its index is gone for good, so waiting for it would only retry.
  if (loaded === ERASED) return { outcome: 'unknown-message', messageId: event.messageId };
  const mail = loaded === undefined ? undefined : await updateMessage(store, event, loaded);
  if (loaded === undefined || mail === undefined) {
    const young = now.getTime() - Date.parse(event.mailSentAt) < INDEXING_GRACE_MS;
    return {
      outcome: event.journeyTagged && young ? 'not-indexed-yet' : 'unknown-message',
      messageId: event.messageId,
    };
  }

  const { message } = loaded;
  const customer = { storeId: message.storeId, customerKey: message.customerKey };
  const summary = await updateSummary(store, customer, event, originOf(message));

  const suppressed: SuppressionReason[] = [];
  for (const planned of plannedSuppressions(
    event,
    summary,
    options.softBounceLimit ?? DEFAULT_SOFT_BOUNCE_LIMIT,
  )) {
    const written = await store.suppress(
      message.storeId,
      planned.email,
      { reason: planned.reason, at: planned.at },
      replaceableBy(planned.reason),
    );
    if (written === 'suppressed') suppressed.push(planned.reason);
  }
  return {
    outcome: mail.outcome,
    message,
    firsts: mail.firsts,
    suppressed,
    ...(indexed === undefined && { recordedFromTags: true as const }),
  };
}

/**
 * SES's record of a mail is the authority on whether it went out: a mail of ours that the send path
 * did not record (its write failed after SES accepted the mail, or it has not got there yet) is
 * recorded from the slot its tags name, so a retry of its step finds the slot sent.
 */
const ERASED = Symbol('erased customer');

async function recordFromTags(store: EngagementStore, event: EngagementEvent, erasures?: ErasureLog) {
  const { slot } = event;
  if (slot === undefined) return undefined;
  const erasedAt = await erasures?.erasedAt(slot.storeId, [slot.customerKey as IdentityKey]);
  if (erasedAt !== undefined && Date.parse(event.mailSentAt) <= Date.parse(erasedAt)) return ERASED;
  const { journey, subjectKey, step } = parseMessageKey(slot.messageKey);
  await store.recordSentFromSes({ storeId: slot.storeId, customerKey: slot.customerKey }, slot.messageKey, {
    messageId: event.messageId,
    sentAt: event.mailSentAt,
    journey,
    step,
    variant: slot.variant,
    subjectKey,
  });
  return store.loadMessage(event.messageId);
}

async function updateMessage(store: EngagementStore, event: EngagementEvent, first: StoredMessage) {
  let stored: StoredMessage | undefined = first;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    if (stored === undefined) return undefined;
    const update = applyToMessage(stored.state, event);
    if (update.outcome === 'duplicate') return update;
    if ((await store.saveMessageEngagement(event.messageId, update.state, stored.version)) === 'saved')
      return update;
    stored = await store.loadMessage(event.messageId);
  }
  throw new EngagementContentionError(`message still contended after ${MAX_ATTEMPTS} attempts`);
}

/** Returns the summary as stored after this event, whether or not this call changed it. */
async function updateSummary(
  store: EngagementStore,
  customer: CustomerRef,
  event: EngagementEvent,
  origin: MessageOrigin,
): Promise<EngagementSummary | undefined> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await store.loadSummary(customer);
    const update = applyToSummary(stored?.summary ?? emptyEngagementSummary(), event, origin);
    if (update.outcome !== 'applied') return stored?.summary;
    if ((await store.saveSummary(customer, update.summary, stored?.version)) === 'saved')
      return update.summary;
  }
  throw new EngagementContentionError(`engagement summary still contended after ${MAX_ATTEMPTS} attempts`);
}

function originOf(message: SentMessageRecord): MessageOrigin {
  return {
    messageId: message.messageId,
    journey: message.journey,
    step: message.step,
    variant: message.variant,
  };
}
