import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';

const local = useLocalSes({ clearBeforeEach: false });

describe('Function: startLocalSes (settle)', () => {
  it('publishes the events of a mail the inbox already shows before settle resolves', async () => {
    // Prepare: a journey mail to the bounce simulator, still waiting for its answer
    const to = 'bounce@simulator.amazonses.com';
    const sending = local.client.send(
      new SendEmailCommand({
        FromEmailAddress: '"Demo Store" <hello@demo-store.example>',
        Destination: { ToAddresses: [to] },
        ConfigurationSetName: 'storefront-journeys',
        EmailTags: [{ Name: 'journey', Value: 'welcome' }],
        Content: {
          Simple: {
            Subject: { Data: 'Welcome' },
            Body: { Html: { Data: '<p>Hello</p>' }, Text: { Data: 'Hello' } },
          },
        },
      }),
    );

    // Act: what a test does that waits for the mail and then for the runtime to settle
    for (;;) {
      if ((await local.ses.messages()).some((mail) => mail.to.includes(to))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await local.ses.settle();
    const kinds = local.published.map((event) => event.detail.eventType);
    const { MessageId } = await sending;

    // Assess
    expect(kinds).toEqual(['Send', 'Bounce']);
    expect(local.published.map((event) => event.detail.mail.messageId)).toEqual([MessageId, MessageId]);
  });
});
