import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSes, type SesEngagementEvent, startLocalSes } from '#local/ses/local-ses.ts';

let ses: LocalSes;
let client: SESv2Client;
const published: SesEngagementEvent[] = [];

beforeAll(async () => {
  ses = await startLocalSes({
    port: 0,
    publish: async (event) => {
      published.push(event);
    },
  });
  client = new SESv2Client({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await ses.close();
});

describe('Function: startLocalSes (settle)', () => {
  it('publishes the events of a mail the inbox already shows before settle resolves', async () => {
    // Prepare: a journey mail to the bounce simulator, still waiting for its answer
    const to = 'bounce@simulator.amazonses.com';
    const sending = client.send(
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
      if ((await ses.messages()).some((mail) => mail.to.includes(to))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await ses.settle();
    const kinds = published.map((event) => event.detail.eventType);
    const { MessageId } = await sending;

    // Assess
    expect(kinds).toEqual(['Send', 'Bounce']);
    expect(published.map((event) => event.detail.mail.messageId)).toEqual([MessageId, MessageId]);
  });
});
