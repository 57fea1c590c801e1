/**
 * "Why did (or didn't) this customer get this email?" on one page: the profile (consent and where it
 * came from, orders, cart), the journeys entered and why a run ended early, every send decision, each mail with what happened
 * to it after it left, and the orders attributed to mails. Read by the dashboard's customer view and
 * by `journeys why`, which word it the same way.
 */

import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Money } from '#events/schemas.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import type { DecisionRecord } from '#messaging/domain/decision-record.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import { formatLocalMinute, isTimeZone } from '#messaging/domain/time-zone.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { fromItemKeys } from '#profiles/adapters/item-keys.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { identityKeyOf } from '../cli/commands/profile.ts';

export interface JourneyExitView {
  journey: string;
  subjectKey: string;
  /** The step whose check ended the run; `enter` when it ended before the customer entered. */
  step: string;
  /** An exit reason of the journeys (`ordered`, `unsubscribed`…). */
  reason: string;
  at: string;
}

export interface JourneyEntryView {
  journey: string;
  subjectKey: string;
  at: string;
  heldOut: boolean;
  /** Why the run ended before its last step, when it did. */
  exit?: JourneyExitView;
}

export interface EngagementEvent {
  /** As SES names it: send, delivery, open, click, bounce, complaint, reject, deliveryDelay… */
  kind: string;
  at: string;
  /** E.g. a bounce's type or a clicked link. */
  detail?: string;
}

export interface MailView {
  messageKey: string;
  journey: string;
  subjectKey: string;
  step: string;
  template?: string;
  /** `claimed` while sending (or when a send failed before the mail left), then `sent`. */
  status: string;
  sentAt?: string;
  messageId?: string;
  /** Oldest first. */
  engagement: EngagementEvent[];
}

export interface AttributionView {
  orderId: string;
  at: string;
  revenue?: Money;
  unattributed: boolean;
  journey?: string;
  step?: string;
  variant?: string;
  messageId?: string;
  /** Which interaction with the mail credits it, e.g. `click` or `open`. */
  touch?: string;
  touchAt?: string;
}

export interface CustomerStory {
  storeId: string;
  /** What was asked for: an e-mail address, a customer id or an identity key. */
  who: string;
  /** The profile the question leads to, after identity joins. */
  key: IdentityKey;
  profile: Profile | undefined;
  /** The customer's time zone when known; times are shown in it. */
  timeZone: string;
  suppression?: { reason: SuppressionReason; at: string };
  /** Oldest first, each with its exit. */
  entries: JourneyEntryView[];
  /** Runs that ended as they started, before the customer entered (already ordered…). Oldest first. */
  exitsBeforeEntry: JourneyExitView[];
  /** Oldest first. */
  decisions: DecisionRecord[];
  /** Oldest first. */
  mails: MailView[];
  /** Oldest first. */
  attributions: AttributionView[];
}

export interface LoadCustomerStoryOptions {
  documents: DynamoDBDocumentClient;
  profilesTable: string;
  messagesTable: string;
  storeId: string;
  /** An e-mail address, a customer id, or an identity key (`customer:…`, `email:…`, `anonymous:…`). */
  who: string;
}

type Item = Record<string, unknown>;

export async function loadCustomerStory(options: LoadCustomerStoryOptions): Promise<CustomerStory> {
  const { documents, storeId, who } = options;
  const profiles = new DynamoDbProfileStore(documents, options.profilesTable);
  const resolved = await resolveProfile(profiles, storeId, identityKeyOf(who.trim()));
  const profile = resolved.stored?.profile;
  const query = (pk: string) => queryPartition(documents, options.messagesTable, pk);
  // Mail sent while the customer was known by a weaker identity stays under that key.
  const keys = [resolved.key, ...(profile?.aliasKeys ?? [])];
  const items = (await Promise.all(keys.map((key) => query(`CUSTOMER#${storeId}#${key}`)))).flat();
  // Engagement is kept on the SES message index, a partition per mail.
  const sesItems = (
    await Promise.all(
      items
        .filter((item) => String(item.sk).startsWith('MESSAGE#') && typeof item.messageId === 'string')
        .map((item) => query(`SESMESSAGE#${item.messageId as string}`)),
    )
  ).flat();
  // The address as the send path looks it up.
  const suppression =
    profile?.email === undefined
      ? undefined
      : await new DynamoDbMessagingStore(documents, options.messagesTable).findSuppression(
          storeId,
          profile.email,
        );
  return customerStory({
    storeId,
    who,
    key: resolved.key,
    profile,
    items: [...items, ...sesItems],
    ...(suppression !== undefined && { suppression }),
  });
}

/** The story in the items of a customer's partition and of their mails' SES message index. */
export function customerStory(input: {
  storeId: string;
  who: string;
  key: IdentityKey;
  profile: Profile | undefined;
  items: Item[];
  suppression?: { reason: SuppressionReason; at: string };
}): CustomerStory {
  const { items, profile } = input;
  const withPrefix = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
  const byTime =
    <T>(time: (value: T) => string | undefined) =>
    (a: T, b: T) =>
      (time(a) ?? '').localeCompare(time(b) ?? '');
  const engagementOf = new Map<string, EngagementEvent[]>();
  for (const item of items) {
    if (!String(item.pk).startsWith('SESMESSAGE#')) continue;
    const state = item.state as Item | undefined;
    engagementOf.set(
      String(item.pk).slice('SESMESSAGE#'.length),
      engagementEvents(item.engagement ?? state?.engagement),
    );
  }
  const timeZone = profile?.attributes.timeZone;
  const runOf = (item: Item) => `${String(item.journey)}#${String(item.subjectKey)}`;
  const exits = new Map(withPrefix('EXIT#').map((item) => [runOf(item), exitView(item)]));
  const entries = withPrefix('ENTRY#');
  const entered = new Set(entries.map(runOf));
  return {
    storeId: input.storeId,
    who: input.who,
    key: input.key,
    profile,
    timeZone: timeZone !== undefined && isTimeZone(timeZone) ? timeZone : 'UTC',
    ...(input.suppression !== undefined && { suppression: input.suppression }),
    entries: entries
      .map((item): JourneyEntryView => {
        const exit = exits.get(runOf(item));
        return {
          journey: String(item.journey),
          subjectKey: String(item.subjectKey),
          at: String(item.at),
          heldOut: item.heldOut === true,
          ...(exit !== undefined && { exit }),
        };
      })
      .sort(byTime((entry) => entry.at)),
    exitsBeforeEntry: [...exits]
      .filter(([run]) => !entered.has(run))
      .map(([, exit]) => exit)
      .sort(byTime((exit) => exit.at)),
    decisions: withPrefix('DECISION#')
      .map(({ pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record }) => record as unknown as DecisionRecord)
      .sort(byTime((decision) => decision.at)),
    mails: withPrefix('MESSAGE#')
      .map((item) => mailView(item, engagementOf))
      .sort(byTime((mail) => mail.sentAt)),
    attributions: withPrefix('ATTRIBUTION#')
      .map(attributionView)
      .sort(byTime((attribution) => attribution.at)),
  };
}

function exitView(item: Item): JourneyExitView {
  return {
    journey: String(item.journey),
    subjectKey: String(item.subjectKey),
    step: String(item.step),
    reason: String(item.reason),
    at: String(item.at),
  };
}

function mailView(item: Item, engagementOf: Map<string, EngagementEvent[]>): MailView {
  const messageKey = String(item.messageKey ?? String(item.sk).slice('MESSAGE#'.length));
  const [journey = '', subjectKey = '', step = ''] = messageKey.split('#').map(decodeURIComponent);
  const messageId = typeof item.messageId === 'string' ? item.messageId : undefined;
  return {
    messageKey,
    journey: typeof item.journey === 'string' ? item.journey : journey,
    subjectKey: typeof item.subjectKey === 'string' ? item.subjectKey : subjectKey,
    step: typeof item.step === 'string' ? item.step : step,
    ...(typeof item.template === 'string' && { template: item.template }),
    status: String(item.status ?? 'claimed'),
    ...(typeof item.sentAt === 'string' && { sentAt: item.sentAt }),
    ...(messageId !== undefined && { messageId }),
    engagement: messageId === undefined ? [] : (engagementOf.get(messageId) ?? []),
  };
}

/** `{ delivery: '…', bounce: { at, type } }` → events, oldest first; anything without a time is left out. */
export function engagementEvents(engagement: unknown): EngagementEvent[] {
  if (typeof engagement !== 'object' || engagement === null) return [];
  const events: EngagementEvent[] = [];
  for (const [kind, value] of Object.entries(engagement)) {
    if (typeof value === 'string') {
      events.push({ kind, at: value });
    } else if (typeof value === 'object' && value !== null && typeof (value as Item).at === 'string') {
      const { at, ...rest } = value as Item;
      const detail = Object.values(rest)
        .filter((part) => typeof part === 'string' || typeof part === 'number')
        .join(', ');
      events.push({ kind, at: at as string, ...(detail !== '' && { detail }) });
    }
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function attributionView(item: Item): AttributionView {
  const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  const revenue = item.revenue as Money | undefined;
  return {
    orderId: String(item.orderId ?? String(item.sk).slice('ATTRIBUTION#'.length)),
    at: String(item.at ?? ''),
    ...(revenue?.amount !== undefined && { revenue }),
    unattributed: item.unattributed === true,
    ...text('journey'),
    ...text('step'),
    ...text('variant'),
    ...text('messageId'),
    ...text('touch'),
    ...text('touchAt'),
  };
}

/**
 * Up to `limit` customers of a store, by name, for picking one in the local dashboard. A scan: fine for
 * the local runtime's few profiles, never meant for a deployed table.
 */
export async function listCustomers(options: {
  documents: DynamoDBDocumentClient;
  profilesTable: string;
  storeId: string;
  limit: number;
}): Promise<Array<{ key: string; name?: string; email?: string }>> {
  const prefix = `PROFILE#${options.storeId}#`;
  const customers: Array<{ key: string; name?: string; email?: string }> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await options.documents.send(
      new ScanCommand({
        TableName: options.profilesTable,
        ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
      }),
    );
    for (const item of page.Items ?? []) {
      const profile = item.profile === undefined ? undefined : fromItemKeys(item.profile as Profile);
      if (!String(item.pk).startsWith(prefix) || profile === undefined || profile.mergedInto !== undefined)
        continue;
      const name = [profile.attributes.firstName, profile.attributes.lastName].filter(Boolean).join(' ');
      customers.push({
        key: profile.key,
        ...(name !== '' && { name }),
        ...(profile.email !== undefined && { email: profile.email }),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && customers.length < options.limit);
  return customers
    .sort((a, b) => (a.name ?? a.email ?? a.key).localeCompare(b.name ?? b.email ?? b.key))
    .slice(0, options.limit);
}

async function queryPartition(documents: DynamoDBDocumentClient, table: string, pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

// Sentences, shared by the page and the CLI so both tell the story the same way.

/** `2026-03-02 08:00 Europe/Berlin`. */
export function when(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  return Number.isNaN(instant) ? iso : `${formatLocalMinute(instant, timeZone)} ${timeZone}`;
}

export function describeEntry(entry: JourneyEntryView, timeZone: string): string {
  const group = entry.heldOut
    ? 'in the holdout group: gets no marketing mail from it, so its effect can be measured'
    : 'in the treated group';
  const exit = entry.exit === undefined ? '' : `; exited ${exitText(entry.exit, timeZone)}`;
  return `Entered ${entry.journey} for ${entry.subjectKey} at ${when(entry.at, timeZone)}, ${group}${exit}`;
}

/** A run that ended as it started, e.g. "Did not enter welcome for c-1 at …: ordered (the customer has ordered)". */
export function describeExitBeforeEntry(exit: JourneyExitView, timeZone: string): string {
  return `Did not enter ${exit.journey} for ${exit.subjectKey} at ${when(exit.at, timeZone)}: ${describeExitReason(exit.reason)}`;
}

/** `at reminder-2 at 2026-03-02 12:02 UTC: ordered (the customer ordered)`. */
export function exitText(exit: JourneyExitView, timeZone: string): string {
  return `at ${exit.step} at ${when(exit.at, timeZone)}: ${describeExitReason(exit.reason)}`;
}

/** Words for the exit reasons the interpreter and the shipped journeys give; a store's own show as they are. */
const EXIT_WORDS: Record<string, string> = {
  'duplicate-trigger': 'the same event had started this journey already',
  'already-entered': 'the customer had entered this journey for the same subject already',
  'not-eligible': "the trigger or the profile did not match the journey's filter",
  'browse-run-already-started': 'a browse run had started that day already',
  'nothing-to-replenish': 'nothing in the order runs out',
  unsubscribed: 'marketing consent was withdrawn',
  'no-profile': 'no profile was found for the customer',
  ordered: 'the customer ordered',
  'checkout-started': 'the customer started a checkout',
  'cart-changed': 'the customer changed their cart',
  'cart-replaced': 'the customer started another cart',
  superseded: 'a newer update of the cart started a run of its own',
  capped: "the journey's one mail would have been held back by the frequency cap when due",
  emptied: 'the cart was emptied',
  cancelled: 'the order was cancelled',
  reordered: 'the customer ordered the product again',
};

/** `ordered (the customer ordered)`; a reason this version does not know is shown as it is. */
export function describeExitReason(reason: string): string {
  return Object.hasOwn(EXIT_WORDS, reason) ? `${reason} (${EXIT_WORDS[reason]})` : reason;
}

const ENGAGEMENT_WORDS: Record<string, string> = {
  send: 'accepted by SES',
  delivery: 'delivered',
  open: 'opened',
  click: 'clicked',
  bounce: 'bounced',
  complaint: 'marked as spam',
  reject: 'rejected by SES',
  deliveryDelay: 'delivery delayed',
  renderingFailure: 'failed to render',
  subscription: 'subscription changed',
};

export function describeEngagement(event: EngagementEvent, timeZone: string): string {
  const what = ENGAGEMENT_WORDS[event.kind] ?? event.kind;
  return `${what}${event.detail === undefined ? '' : ` (${event.detail})`} at ${when(event.at, timeZone)}`;
}

export function describeMail(mail: MailView, timeZone: string): string {
  const name = `${mail.journey} ${mail.step}`;
  const template = mail.template === undefined ? '' : ` (template ${mail.template})`;
  if (mail.status !== 'sent')
    return `${name}${template}: being sent, or the send failed before the mail left`;
  return `${name}${template}: sent${mail.sentAt === undefined ? '' : ` at ${when(mail.sentAt, timeZone)}`}`;
}

export function describeAttribution(attribution: AttributionView, timeZone: string): string {
  const revenue =
    attribution.revenue === undefined
      ? ''
      : ` (${attribution.revenue.amount} ${attribution.revenue.currency})`;
  const order = `Order ${attribution.orderId}${revenue} at ${when(attribution.at, timeZone)}`;
  if (attribution.unattributed || attribution.journey === undefined)
    return `${order}: not attributed to a mail`;
  const mail = [attribution.journey, attribution.step].filter((part) => part !== undefined).join(' ');
  const variant = attribution.variant === undefined ? '' : `, variant ${attribution.variant}`;
  const touchAt = attribution.touchAt === undefined ? '' : ` at ${when(attribution.touchAt, timeZone)}`;
  const touch = attribution.touch === undefined ? '' : ` (last ${attribution.touch}${touchAt})`;
  return `${order}: attributed to ${mail}${variant}${touch}`;
}
