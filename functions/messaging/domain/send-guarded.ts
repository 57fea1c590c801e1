import { assertUnreachable } from '#shared/errors.ts';
import { decisionRecord } from './decision-record.ts';
import { DEFAULT_FREQUENCY_POLICY, type FrequencyPolicy, pruneHistory } from './frequency-policy.ts';
import { messageKey } from './message-key.ts';
import type { CustomerRef, EmailSender, MessagingStore } from './ports.ts';
import { DEFAULT_QUIET_HOURS, type QuietHours } from './quiet-hours.ts';
import {
  type DeferReason,
  decideSend,
  quietHoursTimeZone,
  type Recipient,
  type SendDecision,
  type SendRequest,
  type SkipReason,
  type SuppressionReason,
} from './send-decision.ts';
import { signUnsubscribeToken } from './unsubscribe-token.ts';

/** A claim older than this belongs to a sender that crashed (Lambda times out long before). */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;
/** One-click unsubscribe links keep working this long (RFC 8058 asks for a lasting link). */
export const UNSUBSCRIBE_LINK_DAYS = 90;
const MAX_RESERVATION_ATTEMPTS = 5;

export interface Sender {
  storeId: string;
  name: string;
  address: string;
  timeZone: string;
  quietHours?: QuietHours;
  policy?: FrequencyPolicy;
  unsubscribeSigningKey: string;
  /** Base URL of the public HTTP API, for the one-click unsubscribe link. */
  publicApiUrl: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export interface GuardedSendInput {
  request: SendRequest;
  template: string;
  customer: CustomerRef;
  recipient: Omit<Recipient, 'suppression'>;
  sender: Sender;
  heldOut: boolean;
  now: Date;
  /** Renders the mail; marketing mail gets the unsubscribe URL to show in its footer. */
  render: (unsubscribeUrl: string | undefined) => RenderedMessage;
}

export type GuardedSendResult =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped'; reason: SkipReason }
  | { outcome: 'deferred'; until: Date; reason: DeferReason };

/**
 * The one send path every journey uses. Guardrails decide (consent, suppression, holdout, quiet
 * hours, frequency caps); a claimed slot makes each (journey, subject, step) go out at most once; a
 * marketing send reserves its place in the frequency history before it leaves, so two journeys
 * racing for the same customer cannot both pass the cap; every decision is recorded.
 */
export async function sendGuarded(
  store: MessagingStore,
  mailer: EmailSender,
  input: GuardedSendInput,
): Promise<GuardedSendResult> {
  const { request, customer, sender, now } = input;
  const key = messageKey(request);
  const email = input.recipient.email;
  const suppression = email === undefined ? undefined : await store.findSuppression(sender.storeId, email);
  const recipient: Recipient = { ...input.recipient, ...(suppression && { suppression }) };
  const policy = sender.policy ?? DEFAULT_FREQUENCY_POLICY;
  const timeZone = quietHoursTimeZone(recipient, sender.timeZone);
  const alreadySent = await store.isSent(customer, key);

  for (let attempt = 1; attempt <= MAX_RESERVATION_ATTEMPTS; attempt += 1) {
    const history = await store.loadFrequency(customer);
    const decision = decideSend(request, recipient, {
      now,
      storeTimeZone: sender.timeZone,
      quietHours: sender.quietHours ?? DEFAULT_QUIET_HOURS,
      policy,
      marketingSentAt: history.sentAt,
      alreadySent,
      heldOut: input.heldOut,
    });
    if (decision.outcome !== 'send') return record(store, input, decision, timeZone, suppression?.reason);

    const claim = await store.claimMessage(
      customer,
      { messageKey: key, template: input.template, claimedAt: now.toISOString() },
      CLAIM_LEASE_MS,
    );
    if (claim !== 'claimed') return record(store, input, { outcome: 'skip', reason: 'duplicate' }, timeZone);

    if (request.kind === 'marketing') {
      const reserved = [...pruneHistory(history.sentAt, now, policy), now];
      if ((await store.saveFrequency(customer, reserved, history.version)) === 'conflict') {
        await store.releaseClaim(customer, key);
        continue;
      }
    }
    return deliver(store, mailer, input, key, email as string, timeZone);
  }
  // Another journey kept mailing this customer while we decided: try again at the next step call.
  return record(
    store,
    input,
    { outcome: 'defer', until: new Date(now.getTime() + 60_000), reason: 'capped' },
    timeZone,
  );
}

async function deliver(
  store: MessagingStore,
  mailer: EmailSender,
  input: GuardedSendInput,
  key: string,
  to: string,
  timeZone: string,
): Promise<GuardedSendResult> {
  const { request, sender, customer, now } = input;
  const unsubscribeUrl =
    request.kind === 'marketing' ? unsubscribeLink(sender, to, request.journey, now) : undefined;
  let message: RenderedMessage;
  let messageId: string;
  try {
    message = input.render(unsubscribeUrl);
    ({ messageId } = await mailer.send({
      from: { name: sender.name, address: sender.address },
      to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: unsubscribeUrl === undefined ? {} : unsubscribeHeaders(unsubscribeUrl, sender.address),
      // The template is the content variant; A/B variants of a step would each name their own.
      tags: { journey: request.journey, step: request.step, variant: input.template, store: sender.storeId },
    }));
  } catch (error) {
    // Nothing left the building: give the slot and the frequency reservation back, so a retry of
    // this step can send it.
    await store.releaseClaim(customer, key);
    if (request.kind === 'marketing') await unreserve(store, customer, now);
    throw error;
  }
  await store.markSent(customer, key, {
    messageId,
    sentAt: now.toISOString(),
    journey: request.journey,
    step: request.step,
    variant: input.template,
    subjectKey: request.subjectKey,
  });
  await store.recordDecision(
    customer,
    decisionRecord(request, { outcome: 'send' }, { at: now, timeZone, messageId, template: input.template }),
  );
  return { outcome: 'sent', messageId };
}

async function unreserve(store: MessagingStore, customer: CustomerRef, reservedAt: Date): Promise<void> {
  for (let attempt = 1; attempt <= MAX_RESERVATION_ATTEMPTS; attempt += 1) {
    const history = await store.loadFrequency(customer);
    const without = history.sentAt.filter((at) => at.getTime() !== reservedAt.getTime());
    if (without.length === history.sentAt.length) return;
    if ((await store.saveFrequency(customer, without, history.version)) === 'saved') return;
  }
}

async function record(
  store: MessagingStore,
  input: GuardedSendInput,
  decision: Exclude<SendDecision, { outcome: 'send' }>,
  timeZone: string,
  suppression?: SuppressionReason,
): Promise<GuardedSendResult> {
  const details = { at: input.now, timeZone, template: input.template, ...(suppression && { suppression }) };
  await store.recordDecision(input.customer, decisionRecord(input.request, decision, details));
  switch (decision.outcome) {
    case 'skip':
      return { outcome: 'skipped', reason: decision.reason };
    case 'defer':
      return { outcome: 'deferred', until: decision.until, reason: decision.reason };
    default:
      return assertUnreachable(decision);
  }
}

export function unsubscribeLink(sender: Sender, email: string, journey: string, now: Date): string {
  const expiresAt = new Date(now.getTime() + UNSUBSCRIBE_LINK_DAYS * 24 * 60 * 60 * 1000);
  const token = signUnsubscribeToken(
    { storeId: sender.storeId, email, journey, expiresAt },
    sender.unsubscribeSigningKey,
  );
  return `${sender.publicApiUrl.replace(/\/$/, '')}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** RFC 8058 one-click: an HTTPS link the mailbox provider POSTs to, plus mailto as RFC 2369 allows. */
function unsubscribeHeaders(url: string, senderAddress: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>, <mailto:${senderAddress}?subject=unsubscribe>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
