import { assertUnreachable } from '#shared/errors.ts';
import { SendThrottledError, SentMailNotRecordedError } from '../errors.ts';
import { decisionRecord } from './decision-record.ts';
import { DEFAULT_FREQUENCY_POLICY, type FrequencyPolicy, pruneHistory } from './frequency-policy.ts';
import { messageKey } from './message-key.ts';
import type { CustomerRef, EmailSender, MessagingStore, SentMessage } from './ports.ts';
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
import { slotTags } from './slot-tags.ts';
import { signUnsubscribeToken } from './unsubscribe-token.ts';

/**
 * A claim older than this belongs to a sender that stopped, and another attempt may take it over. A
 * sender that stopped after SES accepted its mail left SES's events behind, which mark the slot sent
 * from the mail's tags: the lease gives them time to, including the engagement queue's redeliveries
 * (every 3 minutes, five receives) while DynamoDB is failing.
 */
export const CLAIM_LEASE_MS = 15 * 60 * 1000;
/** No live sender holds a claim longer (the journey-step Lambda times out after 30 s). */
export const LIVE_SENDER_MS = 60 * 1000;
/** Pauses between the attempts at recording a mail SES accepted (each write is idempotent). */
export const POST_SEND_RETRY_DELAYS_MS: readonly number[] = [200, 1000, 3000];
/** One-click unsubscribe links keep working this long (RFC 8058 asks for a lasting link). */
export const UNSUBSCRIBE_LINK_DAYS = 90;
const MAX_RESERVATION_ATTEMPTS = 5;

/**
 * How long a mail the mail service throttled waits before it is tried again, spread at random over a
 * window so a burst that hit the sending rate does not come back as one burst (SES's advice: wait up
 * to ten minutes); a reached daily quota waits about an hour.
 */
export const THROTTLED_RETRY_MS = {
  rate: { min: 60_000, spread: 4 * 60_000 },
  daily: { min: 60 * 60_000, spread: 30 * 60_000 },
} as const;

export interface SendGuardedOptions {
  /** Where in the throttled-retry window a deferred mail lands, 0 to 1. @default Math.random */
  random?: () => number;
  /** @default POST_SEND_RETRY_DELAYS_MS */
  postSendRetryDelaysMs?: readonly number[];
  /** Waits between those attempts. @default a timer */
  pause?: (ms: number) => Promise<void>;
}

export interface Sender {
  storeId: string;
  name: string;
  address: string;
  /** Shown in every marketing mail's footer; a marketing mail without it is not sent. */
  postalAddress?: string;
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
  /** The content variant that goes out (an experiment's variant); defaults to the template. */
  variant?: string;
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
 *
 * A slot whose claim another attempt holds is decided again later (`send-in-progress`): once a live
 * sender must have finished, then once the lease has run out, when the claim is taken over — unless
 * the slot was marked sent meanwhile, by its sender or by the mail's SES events.
 */
export async function sendGuarded(
  store: MessagingStore,
  mailer: EmailSender,
  input: GuardedSendInput,
  options: SendGuardedOptions = {},
): Promise<GuardedSendResult> {
  const { request, customer, sender, now } = input;
  const key = messageKey(request);
  const email = input.recipient.email;
  const suppression = email === undefined ? undefined : await store.findSuppression(sender.storeId, email);
  const recipient: Recipient = { ...input.recipient, ...(suppression && { suppression }) };
  const policy = sender.policy ?? DEFAULT_FREQUENCY_POLICY;
  const timeZone = quietHoursTimeZone(recipient, sender.timeZone);
  const slot = await store.findSlot(customer, key);
  // An earlier attempt's reservation for this very mail is no other mail: it holds nothing back.
  const earlierReservation = slot?.status === 'claimed' ? slot.reservedAt : undefined;
  const marketing = request.kind === 'marketing';

  for (let attempt = 1; attempt <= MAX_RESERVATION_ATTEMPTS; attempt += 1) {
    const history = await store.loadFrequency(customer);
    const decision = decideSend(request, recipient, {
      now,
      storeTimeZone: sender.timeZone,
      quietHours: sender.quietHours ?? DEFAULT_QUIET_HOURS,
      policy,
      marketingSentAt: without(history.sentAt, [earlierReservation]),
      alreadySent: slot?.status === 'sent',
      heldOut: input.heldOut,
      senderIdentified: sender.name.trim() !== '' && (sender.postalAddress ?? '').trim() !== '',
      spreadKey: customer.customerKey,
    });
    if (decision.outcome !== 'send') return record(store, input, decision, timeZone, suppression?.reason);

    const claim = await store.claimMessage(
      customer,
      {
        messageKey: key,
        template: input.template,
        claimedAt: now.toISOString(),
        ...(marketing && { reservedAt: now.toISOString() }),
      },
      CLAIM_LEASE_MS,
    );
    switch (claim.outcome) {
      case 'claimed':
        break;
      case 'already-sent':
        return record(store, input, { outcome: 'skip', reason: 'duplicate' }, timeZone);
      case 'in-progress':
        return record(
          store,
          input,
          { outcome: 'defer', until: decideAgainAt(claim.claimedAt, now), reason: 'send-in-progress' },
          timeZone,
        );
      default:
        return assertUnreachable(claim);
    }

    if (marketing) {
      // Taking over an abandoned claim replaces its reservation: one mail, one place in the history.
      const earlier = without(history.sentAt, [earlierReservation, claim.replacedReservation]);
      const reserved = [...pruneHistory(earlier, now, policy), now];
      if ((await store.saveFrequency(customer, reserved, history.version)) === 'conflict') {
        await store.releaseClaim(customer, key);
        continue;
      }
    }
    return deliver(store, mailer, input, key, email as string, timeZone, options);
  }
  // Another journey kept mailing this customer while we decided: try again at the next step call.
  return record(
    store,
    input,
    { outcome: 'defer', until: new Date(now.getTime() + 60_000), reason: 'capped' },
    timeZone,
  );
}

/**
 * When to decide a slot again that another attempt's claim holds: when a live sender must have
 * finished (sent, or given the claim back), else just after the lease runs out.
 */
function decideAgainAt(claimedAt: string, now: Date): Date {
  const claimed = Date.parse(claimedAt);
  const liveSenderDone = claimed + LIVE_SENDER_MS;
  return new Date(now.getTime() < liveSenderDone ? liveSenderDone : claimed + CLAIM_LEASE_MS + 1000);
}

function without(history: readonly Date[], instants: ReadonlyArray<string | undefined>): Date[] {
  const dropped = new Set(instants.flatMap((at) => (at === undefined ? [] : [Date.parse(at)])));
  return history.filter((at) => !dropped.has(at.getTime()));
}

async function deliver(
  store: MessagingStore,
  mailer: EmailSender,
  input: GuardedSendInput,
  key: string,
  to: string,
  timeZone: string,
  options: SendGuardedOptions,
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
      tags: {
        // The content variant: the template, or an experiment's variant.
        journey: request.journey,
        step: request.step,
        variant: input.variant ?? input.template,
        store: sender.storeId,
        // SES's record of the mail names its slot, so the mail's events can mark it sent if we cannot.
        ...slotTags({
          storeId: customer.storeId,
          customerKey: customer.customerKey,
          messageKey: key,
          variant: input.variant ?? input.template,
        }),
      },
    }));
  } catch (error) {
    // Nothing left the building: give the slot and the frequency reservation back, so a retry of
    // this step can send it. Should that fail too, the claim runs out with its lease and the retry
    // that takes it over replaces the reservation; the error to report is still the sender's.
    let released = true;
    try {
      await store.releaseClaim(customer, key);
      if (request.kind === 'marketing') await unreserve(store, customer, now);
    } catch {
      released = false;
    }
    // The account's sending rate or quota: the mail waits and is decided again, the run goes on.
    if (error instanceof SendThrottledError && released) {
      const window = THROTTLED_RETRY_MS[error.quota];
      const until = new Date(
        now.getTime() + window.min + Math.floor((options.random ?? Math.random)() * window.spread),
      );
      return record(store, input, { outcome: 'defer', until, reason: 'throttled' }, timeZone);
    }
    throw error;
  }
  const sent: SentMessage = {
    messageId,
    sentAt: now.toISOString(),
    journey: request.journey,
    step: request.step,
    variant: input.variant ?? input.template,
    subjectKey: request.subjectKey,
  };
  // The mail is out: its record must land, or a retry after the lease could send it again.
  await afterSend(messageId, options, () => store.markSent(customer, key, sent));
  await afterSend(messageId, options, () =>
    store.recordDecision(
      customer,
      decisionRecord(
        request,
        { outcome: 'send' },
        { at: now, timeZone, messageId, template: input.template },
      ),
    ),
  );
  return { outcome: 'sent', messageId };
}

/** Retries one idempotent write about a mail SES accepted, a few times before giving up. */
async function afterSend(messageId: string, options: SendGuardedOptions, write: () => Promise<void>) {
  const delays = options.postSendRetryDelaysMs ?? POST_SEND_RETRY_DELAYS_MS;
  const pause = options.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined) {
        throw new SentMailNotRecordedError(
          `SES accepted message ${messageId}, but recording it failed ${attempt + 1} times`,
          { cause: error },
        );
      }
      await pause(delay);
    }
  }
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
  const details = {
    at: input.now,
    timeZone,
    template: input.template,
    ...(suppression && { suppression }),
    consent: input.recipient.emailConsent === 'revoked' ? ('revoked' as const) : ('none' as const),
  };
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
