import { describeDecision } from '#messaging/domain/decision-record.ts';
import {
  type CustomerStory,
  describeAttribution,
  describeEngagement,
  describeEntry,
  describeExitBeforeEntry,
  describeMail,
  loadCustomerStory,
  when,
} from '../../dashboard/customer-story.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

/** "Why did (or didn't) this customer get this email?": the customer view of the dashboard, as text. */
export async function runWhy(who: string | undefined, storeId: string): Promise<void> {
  if (who === undefined) throw new Error('why takes an e-mail address or a customer id');
  const runtime = readRuntimeFile();
  const documents = documentClientFor(runtime.urls.dynamodb);
  try {
    const story = await loadCustomerStory({
      documents,
      profilesTable: runtime.names.profilesTable,
      messagesTable: runtime.names.messagesTable,
      storeId,
      who,
    });
    process.stdout.write(formatStory(story));
    if (story.profile === undefined && story.decisions.length === 0) process.exitCode = 1;
  } finally {
    documents.destroy();
  }
}

export function formatStory(story: CustomerStory): string {
  const zone = story.timeZone;
  const { profile } = story;
  const lines: string[] = [];
  const section = (title: string, items: string[], none: string) => {
    lines.push('', title, ...(items.length === 0 ? [`  ${none}`] : items.map((item) => `  ${item}`)));
  };
  if (profile === undefined) {
    lines.push(`No profile for ${story.who} (${story.key}) in store ${story.storeId} yet.`);
  } else {
    const name = [profile.attributes.firstName, profile.attributes.lastName].filter(Boolean).join(' ');
    lines.push(
      `${name || profile.email || story.who} (${story.key}) · ${profile.email ?? 'no e-mail'} · ${zone}`,
    );
    const consent = profile.consent.email;
    lines.push(
      consent === undefined
        ? '  Email marketing consent: none recorded'
        : `  Email marketing consent: ${consent.status} from ${consent.source} at ${when(consent.recordedAt, zone)}`,
    );
    if (story.suppression !== undefined) {
      lines.push(`  Suppressed (${story.suppression.reason}) since ${when(story.suppression.at, zone)}`);
    }
    const spent = Object.entries(profile.orderSummary.totalSpent).map(
      ([currency, amount]) => `${amount} ${currency}`,
    );
    lines.push(`  Orders: ${profile.orderSummary.count}${spent.length > 0 ? ` (${spent.join(', ')})` : ''}`);
    const { cart } = profile;
    if (cart !== undefined) {
      const total = cart.total === undefined ? '' : `, ${cart.total.amount} ${cart.total.currency}`;
      lines.push(`  Cart ${cart.cartId}: ${cart.status}${total}, last changed ${when(cart.updatedAt, zone)}`);
    }
  }
  section(
    'Journeys entered',
    [
      ...story.entries.map((entry) => describeEntry(entry, zone)),
      ...story.exitsBeforeEntry.map((exit) => describeExitBeforeEntry(exit, zone)),
    ],
    'none yet',
  );
  section('Send decisions', story.decisions.map(describeDecision), 'none yet');
  section(
    'Mails',
    story.mails.flatMap((mail) => [
      describeMail(mail, zone),
      ...(mail.engagement.length === 0
        ? ['  no delivery report yet']
        : mail.engagement.map((event) => `  ${describeEngagement(event, zone)}`)),
    ]),
    'none sent yet',
  );
  section(
    'Orders credited to mails',
    story.attributions.map((attribution) => describeAttribution(attribution, zone)),
    'none yet',
  );
  return `${lines.join('\n')}\n`;
}
