import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';

// The clock of `npm start`: an hour a second, here from a start years away from the real time.
const VIRTUAL_START = Date.parse('2030-03-01T09:00:00.000Z');
const clock = createVirtualClock({ speed: 3600, start: VIRTUAL_START });

const local = useLocalSes({ now: () => clock.now(), eventDelayMs: 0 });

const HTML = [
  '<html><body>',
  '<p>Your <a href="https://demo-store.example/cart?c=1">cart</a> is waiting.</p>',
  '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="logo"></p>',
  '</body></html>',
].join('');

/** A mail sent with a configuration set is tracked; one without is kept as sent. */
async function send(to: string, { tracked = true } = {}) {
  const { MessageId } = await local.client.send(
    new SendEmailCommand({
      FromEmailAddress: 'hello@demo-store.example',
      Destination: { ToAddresses: [to] },
      ...(tracked && { ConfigurationSetName: 'storefront-journeys' }),
      EmailTags: [{ Name: 'journey', Value: 'cart-abandonment' }],
      Content: {
        Simple: {
          Subject: { Data: 'You left something in your cart' },
          Body: { Html: { Data: HTML }, Text: { Data: 'Your cart is waiting.' } },
        },
      },
    }),
  );
  if (MessageId === undefined) throw new Error('SendEmail answered without a message id');
  await local.ses.settle();
  return MessageId;
}

interface ListedEmail {
  messageId: string;
  at: number;
  body: { html?: string; text?: string };
}

/** What the inbox page fetches to list the mails. */
async function listInbox(since = 0): Promise<ListedEmail[]> {
  const response = await fetch(`${local.ses.inboxUrl}store?since=${since}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { emails: ListedEmail[] }).emails;
}

/** Loads every image of the HTML over HTTP, as a browser showing it does. */
async function loadImages(html: string): Promise<number[]> {
  const sources = [...html.matchAll(/<img\b[^>]*\ssrc="([^"]*)"/gi)]
    .map((match) => (match[1] ?? '').replaceAll('&amp;', '&'))
    .filter((source) => source.startsWith('http'));
  const statuses: number[] = [];
  for (const source of sources) {
    const response = await fetch(source);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

const opens = () => local.published.filter((event) => event.detail.eventType === 'Open');

describe('Local SES inbox: listing is not opening', () => {
  it('lists tracked mails without their open pixel, so rendering the listing publishes no Open', async () => {
    // Prepare
    const first = await send('ada@example.com');
    const second = await send('grace@example.com');
    local.published.length = 0;

    // Act: list the inbox and load every image its mails show
    const listed = await listInbox();
    for (const email of listed) await loadImages(email.body.html ?? '');
    await local.ses.settle();

    // Assess
    expect(listed.map((email) => email.messageId)).toEqual([first, second]);
    for (const email of listed) {
      expect(email.body.html).not.toContain('/track/open');
      // Links stay tracked: following one from the listing is a click.
      expect(email.body.html).toContain(`${local.ses.endpoint}/track/click?m=${email.messageId}&amp;u=`);
    }
    expect(opens()).toEqual([]);
  });

  it('shows one mail as its recipient gets it, and loading it publishes one Open for that mail', async () => {
    // Prepare
    await send('ada@example.com');
    const messageId = await send('grace@example.com');
    local.published.length = 0;

    // Act
    const response = await fetch(`${local.ses.endpoint}/messages/${encodeURIComponent(messageId)}`);
    const html = await response.text();
    const images = await loadImages(html);
    await local.ses.settle();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    expect(html).toContain(
      `<img src="${local.ses.endpoint}/track/open?m=${messageId}" width="1" height="1" alt="">`,
    );
    expect(images).toEqual([200]);
    expect(opens().map((event) => event.detail.mail.messageId)).toEqual([messageId]);
  });

  it('publishes one Open when a mail client loads the pixel itself', async () => {
    // Prepare
    const messageId = await send('ada@example.com');
    local.published.length = 0;

    // Act
    const response = await fetch(`${local.ses.endpoint}/track/open?m=${messageId}`);
    await response.arrayBuffer();
    await local.ses.settle();

    // Assess
    expect(response.status).toBe(200);
    expect(opens().map((event) => event.detail.mail.messageId)).toEqual([messageId]);
  });

  it('shows an untracked mail as sent, with nothing to open', async () => {
    // Prepare
    const messageId = await send('ada@example.com', { tracked: false });

    // Act
    const [listed] = await listInbox();
    const shown = await (await fetch(`${local.ses.endpoint}/messages/${messageId}`)).text();

    // Assess
    expect(listed?.body.html).toBe(HTML);
    expect(shown).toBe(HTML);
    expect(local.published).toEqual([]);
  });

  it('answers 404 for a mail that is not in the inbox', async () => {
    // Act
    const [unknown, malformed] = await Promise.all([
      fetch(`${local.ses.endpoint}/messages/ses-000000000`),
      fetch(`${local.ses.endpoint}/messages/%E0%A4%A`),
    ]);

    // Assess
    expect([unknown.status, malformed.status]).toEqual([404, 404]);
  });

  it('serves its own inbox page, which renders no mail HTML itself', async () => {
    // Act
    const page = await fetch(local.ses.inboxUrl);
    const body = await page.text();
    const script = await (await fetch(`${local.ses.endpoint}/inbox.js`)).text();

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(body).toContain('<script src="/inbox.js"></script>');
    expect(script).toContain('/store?since=');
    expect(script).toContain('/messages/');
    expect(script).not.toContain('innerHTML');
  });
});

describe('Local SES inbox: send times on the virtual clock', () => {
  it('lists a mail at the virtual time it was sent, not the real time', async () => {
    // Prepare
    const before = clock.now();

    // Act
    const messageId = await send('ada@example.com');
    const after = clock.now();
    const [listed] = await listInbox();
    const [message] = await local.ses.messages();

    // Assess
    expect(listed?.messageId).toBe(messageId);
    const at = (listed?.at ?? 0) * 1000;
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(after);
    // Virtual time is years ahead of the real time here.
    expect(at - Date.now()).toBeGreaterThan(365 * 24 * 3_600_000);
    expect(message?.sentAt.getTime()).toBe(at);
  });

  it('filters the listing by virtual seconds, as the inbox page asks for mails since the newest it has', async () => {
    // Prepare
    const messageId = await send('ada@example.com');
    const [listed] = await listInbox();
    const at = listed?.at ?? 0;

    // Act
    const since = await listInbox(at);
    const later = await listInbox(at + 1);

    // Assess
    expect(since.map((email) => email.messageId)).toEqual([messageId]);
    expect(later).toEqual([]);
  });
});
