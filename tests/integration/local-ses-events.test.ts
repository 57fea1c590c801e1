import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';

// The runtime's virtual clock stands still here, so every event time is predictable.
const VIRTUAL_NOW = Date.parse('2030-03-01T09:00:00.000Z');

const local = useLocalSes({ now: () => VIRTUAL_NOW });

const HTML = [
  '<html><body>',
  '<p>Your <a href="https://demo-store.example/cart?c=1&amp;utm_source=email">cart</a> is waiting.</p>',
  '<p><a href=\'https://demo-store.example/p/sencha\' ses:tags="position:hero;">Sencha green tea</a></p>',
  '<p><a href="https://api.demo-store.example/unsubscribe?token=abc">Unsubscribe</a></p>',
  '</body></html>',
].join('');

async function sendReminder(
  to: string,
  overrides: Partial<ConstructorParameters<typeof SendEmailCommand>[0]> = {},
) {
  const { MessageId } = await local.client.send(
    new SendEmailCommand({
      FromEmailAddress: '"Demo Store" <hello@demo-store.example>',
      Destination: { ToAddresses: [to] },
      ConfigurationSetName: 'storefront-journeys',
      EmailTags: [
        { Name: 'journey', Value: 'cart-abandonment' },
        { Name: 'step', Value: 'reminder-1' },
        { Name: 'variant', Value: 'a' },
        { Name: 'store', Value: 'demo' },
      ],
      Content: {
        Simple: {
          Subject: { Data: 'You left something in your cart' },
          Body: { Html: { Data: HTML }, Text: { Data: 'Your cart is waiting.' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://api.demo-store.example/unsubscribe?token=abc>' },
          ],
        },
      },
      ...overrides,
    }),
  );
  if (MessageId === undefined) throw new Error('SendEmail answered without a message id');
  await local.ses.settle();
  return MessageId;
}

const kinds = () => local.published.map((event) => [event.detailType, event.detail.eventType]);

/** The href values of the HTML, as a browser reads them. */
const hrefs = (html: string) =>
  [...html.matchAll(/href=(?:"([^"]*)"|'([^']*)')/g)].map((match) =>
    (match[1] ?? match[2] ?? '').replaceAll('&amp;', '&'),
  );

async function inboxHtml(messageId: string): Promise<string> {
  const message = (await local.ses.messages()).find((candidate) => candidate.messageId === messageId);
  if (message?.html === undefined) throw new Error(`no HTML mail ${messageId} in the inbox`);
  return message.html;
}

describe('Function: startLocalSes (engagement events)', () => {
  it('publishes Send and then Delivery for an accepted mail', async () => {
    // Prepare
    const to = 'ada@example.com';

    // Act
    const messageId = await sendReminder(to);

    // Assess
    expect(kinds()).toEqual([
      ['Email Sent', 'Send'],
      ['Email Delivered', 'Delivery'],
    ]);
    for (const event of local.published) {
      expect(event.source).toBe('aws.ses');
      expect(event.time).toEqual(new Date(VIRTUAL_NOW));
      expect(event.detail.mail).toMatchObject({
        messageId,
        source: '"Demo Store" <hello@demo-store.example>',
        sendingAccountId: '000000000000',
        destination: [to],
        headersTruncated: false,
        commonHeaders: { messageId, subject: 'You left something in your cart', to: [to] },
        tags: {
          'ses:configuration-set': ['storefront-journeys'],
          'ses:from-domain': ['demo-store.example'],
          'ses:source-ip': ['127.0.0.1'],
          'ses:caller-identity': ['local'],
          journey: ['cart-abandonment'],
          step: ['reminder-1'],
          variant: ['a'],
          store: ['demo'],
        },
      });
    }
    expect(local.published[0]?.detail).toMatchObject({ send: {} });
    expect(local.published[1]?.detail).toMatchObject({
      delivery: { timestamp: '2030-03-01T09:00:00.000Z', recipients: [to], processingTimeMillis: 0 },
    });
  });

  it('publishes a permanent bounce instead of a delivery for the bounce simulator', async () => {
    // Prepare
    const to = 'bounce+cart@simulator.amazonses.com';

    // Act
    const messageId = await sendReminder(to);

    // Assess
    expect(kinds()).toEqual([
      ['Email Sent', 'Send'],
      ['Email Bounced', 'Bounce'],
    ]);
    expect(local.published[1]?.detail).toMatchObject({
      mail: { messageId },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: to, action: 'failed' }],
      },
    });
  });

  it('publishes a delivery and then an abuse complaint for the complaint simulator', async () => {
    // Prepare
    const to = 'complaint@simulator.amazonses.com';

    // Act
    await sendReminder(to);

    // Assess
    expect(kinds()).toEqual([
      ['Email Sent', 'Send'],
      ['Email Delivered', 'Delivery'],
      ['Email Complaint Received', 'Complaint'],
    ]);
    expect(local.published[2]?.detail).toMatchObject({
      complaint: { complainedRecipients: [{ emailAddress: to }], complaintFeedbackType: 'abuse' },
    });
  });

  it('publishes a delivery for the out-of-office simulator', async () => {
    // Prepare
    const to = 'ooto@simulator.amazonses.com';

    // Act
    await sendReminder(to);

    // Assess
    expect(kinds()).toEqual([
      ['Email Sent', 'Send'],
      ['Email Delivered', 'Delivery'],
    ]);
  });

  it('publishes a suppression-list bounce for the suppressionlist simulator', async () => {
    // Prepare
    const to = 'suppressionlist@simulator.amazonses.com';

    // Act
    await sendReminder(to);

    // Assess
    expect(kinds()).toEqual([
      ['Email Sent', 'Send'],
      ['Email Bounced', 'Bounce'],
    ]);
    expect(local.published[1]?.detail).toMatchObject({
      bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' },
    });
  });

  it('publishes nothing and tracks nothing for a mail without a configuration set', async () => {
    // Prepare
    const to = 'ada@example.com';

    // Act
    const messageId = await sendReminder(to, { ConfigurationSetName: undefined });

    // Assess
    expect(local.published).toEqual([]);
    expect(await inboxHtml(messageId)).toBe(HTML);
  });
});

describe('Function: startLocalSes (open and click tracking)', () => {
  it('gives the recipient the links through the click endpoint, the unsubscribe link as sent and an open pixel', async () => {
    // Prepare
    const messageId = await sendReminder('ada@example.com');

    // Act
    const html = await inboxHtml(messageId);

    // Assess
    const click = `${local.ses.endpoint}/track/click?m=${messageId}&u=`;
    expect(hrefs(html)).toEqual([
      `${click}${encodeURIComponent('https://demo-store.example/cart?c=1&utm_source=email')}`,
      `${click}${encodeURIComponent('https://demo-store.example/p/sencha')}`,
      'https://api.demo-store.example/unsubscribe?token=abc',
    ]);
    expect(html).toContain(
      `<img src="${local.ses.endpoint}/track/open?m=${messageId}" width="1" height="1" alt=""></body>`,
    );
  });

  it('lists the mail in the web inbox with its tracked links but without the open pixel', async () => {
    // Prepare
    const messageId = await sendReminder('ada@example.com');

    // Act
    const response = await fetch(`${local.ses.inboxUrl}store`);

    // Assess
    const { emails } = (await response.json()) as {
      emails: Array<{ messageId: string; body: { html: string } }>;
    };
    const listed = emails.find((email) => email.messageId === messageId)?.body.html ?? '';
    expect(hrefs(listed)).toEqual(hrefs(await inboxHtml(messageId)));
    expect(listed).not.toContain('/track/open');
  });

  it('redirects a click to the original link and publishes Click', async () => {
    // Prepare
    const messageId = await sendReminder('ada@example.com');
    const [, heroLink] = hrefs(await inboxHtml(messageId));
    local.published.length = 0;

    // Act
    const response = await fetch(heroLink ?? '', {
      redirect: 'manual',
      headers: { 'user-agent': 'TestMail/1.0' },
    });

    // Assess
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://demo-store.example/p/sencha');
    expect(kinds()).toEqual([['Email Clicked', 'Click']]);
    expect(local.published[0]?.detail).toMatchObject({
      mail: { messageId, tags: { journey: ['cart-abandonment'] } },
      click: {
        timestamp: '2030-03-01T09:00:00.000Z',
        ipAddress: '127.0.0.1',
        userAgent: 'TestMail/1.0',
        link: 'https://demo-store.example/p/sencha',
        linkTags: { position: ['hero'] },
      },
    });
  });

  it('answers the open pixel with a GIF and publishes Open', async () => {
    // Prepare
    const messageId = await sendReminder('ada@example.com');
    local.published.length = 0;

    // Act
    const response = await fetch(`${local.ses.endpoint}/track/open?m=${messageId}`, {
      headers: { 'user-agent': 'TestMail/1.0' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 6)
        .toString('latin1'),
    ).toBe('GIF89a');
    expect(kinds()).toEqual([['Email Opened', 'Open']]);
    expect(local.published[0]?.detail).toMatchObject({
      mail: { messageId },
      open: { timestamp: '2030-03-01T09:00:00.000Z', userAgent: 'TestMail/1.0', ipAddress: '127.0.0.1' },
    });
  });

  it('fails tracking requests for an unknown message with 404', async () => {
    // Prepare
    const unknown = 'ses-000000000';

    // Act
    const [open, click] = await Promise.all([
      fetch(`${local.ses.endpoint}/track/open?m=${unknown}`),
      fetch(
        `${local.ses.endpoint}/track/click?m=${unknown}&u=${encodeURIComponent('https://demo-store.example/')}`,
        {
          redirect: 'manual',
        },
      ),
    ]);

    // Assess
    expect([open.status, click.status]).toEqual([404, 404]);
    expect(local.published).toEqual([]);
  });

  it('fails a click to an address the message does not link to with 404', async () => {
    // Prepare
    const messageId = await sendReminder('ada@example.com');
    local.published.length = 0;

    // Act
    const response = await fetch(
      `${local.ses.endpoint}/track/click?m=${messageId}&u=${encodeURIComponent('https://evil.example/')}`,
      { redirect: 'manual' },
    );

    // Assess
    expect(response.status).toBe(404);
    expect(local.published).toEqual([]);
  });
});
