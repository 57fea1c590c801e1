import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { startLocalSes } from '#local/ses/local-ses.ts';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';

// Without event publishing: mails are kept exactly as sent.
const local = useLocalSes({ publish: false });

function reminder(overrides: Partial<ConstructorParameters<typeof SendEmailCommand>[0]> = {}) {
  return new SendEmailCommand({
    FromEmailAddress: 'Demo Store <hello@demo-store.example>',
    Destination: { ToAddresses: ['ada@example.com'] },
    ReplyToAddresses: ['support@demo-store.example'],
    ConfigurationSetName: 'storefront-journeys',
    EmailTags: [
      { Name: 'journey', Value: 'cart-reminder' },
      { Name: 'step', Value: 'first-reminder' },
    ],
    ListManagementOptions: { ContactListName: 'customers', TopicName: 'marketing' },
    Content: {
      Simple: {
        Subject: { Data: 'You left something in your cart' },
        Body: {
          Html: { Data: '<p>Your <b>sneakers</b> are waiting.</p>' },
          Text: { Data: 'Your sneakers are waiting.' },
        },
        Headers: [
          { Name: 'List-Unsubscribe', Value: '<https://demo-store.example/unsubscribe?t=abc>' },
          { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        ],
      },
    },
    ...overrides,
  });
}

describe('Function: startLocalSes', () => {
  it('accepts SendEmail from the SESv2 client and returns a message id', async () => {
    // Prepare
    const command = reminder();

    // Act
    const { MessageId } = await local.client.send(command);

    // Assess
    expect(MessageId).toMatch(/^ses-\d+$/);
  });

  it('reads back the subject, addresses and both bodies', async () => {
    // Prepare
    const { MessageId } = await local.client.send(reminder());

    // Act
    const messages = await local.ses.messages();

    // Assess
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId: MessageId,
      from: 'Demo Store <hello@demo-store.example>',
      to: ['ada@example.com'],
      replyTo: ['support@demo-store.example'],
      subject: 'You left something in your cart',
      html: '<p>Your <b>sneakers</b> are waiting.</p>',
      text: 'Your sneakers are waiting.',
    });
    expect(messages[0]?.sentAt).toBeInstanceOf(Date);
  });

  it('keeps the List-Unsubscribe headers', async () => {
    // Prepare
    await local.client.send(reminder());

    // Act
    const [message] = await local.ses.messages();

    // Assess
    expect(message?.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<https://demo-store.example/unsubscribe?t=abc>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('records the tags, configuration set and list management options of each message', async () => {
    // Prepare
    await local.client.send(reminder());
    await local.client.send(
      reminder({ EmailTags: [{ Name: 'journey', Value: 'welcome' }], ConfigurationSetName: 'transactional' }),
    );

    // Act
    const messages = await local.ses.messages();

    // Assess
    expect(messages.map((message) => [message.tags, message.configurationSetName])).toEqual([
      [{ journey: 'cart-reminder', step: 'first-reminder' }, 'storefront-journeys'],
      [{ journey: 'welcome' }, 'transactional'],
    ]);
    expect(messages[0]?.listManagementOptions).toEqual({
      contactListName: 'customers',
      topicName: 'marketing',
    });
  });

  it('serves the inbox page', async () => {
    // Prepare
    const url = local.ses.inboxUrl;

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('empties the inbox on clear', async () => {
    // Prepare
    await local.client.send(reminder());

    // Act
    await local.ses.clear();

    // Assess
    expect(await local.ses.messages()).toEqual([]);
  });

  it('fails a message without a sender', async () => {
    // Prepare
    const command = reminder({ FromEmailAddress: undefined });

    // Act
    const send = local.client.send(command);

    // Assess
    await expect(send).rejects.toThrow();
    expect(await local.ses.messages()).toEqual([]);
  });

  it('fails to start a second local SES in the same process', async () => {
    // Prepare
    const port = 0;

    // Act
    const second = startLocalSes({ port });

    // Assess
    await expect(second).rejects.toThrow('already running');
  });
});
