/**
 * The bus feeds the profiles and the journeys in parallel, locally as in the cloud, so a journey's
 * first steps may find no profile yet. Here the profile function is held back for eight virtual
 * hours (the sped-up clock of `npm start`, an hour a second, makes a busy machine's cold start look
 * like that); the welcome journeys must wait for their profiles instead of exiting `no-profile`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentMail } from '#local/ses/local-ses.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

let stack: LocalStack;
const mails: SentMail[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ speed: 3600, onMailSent: (mail) => mails.push(mail) });
});
afterAll(async () => {
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Journey: welcome for a batch of sign-ups', () => {
  it('mails each of ten sign-ups posted in one batch, when their profiles come hours after the journeys start', async () => {
    // Prepare
    const at = new Date(stack.runtime.clock.now()).toISOString();
    const emails = Array.from({ length: 10 }, (_, n) => `signup-${n}@shoppers.example`);
    const signups = emails.map((email, n) => ({
      id: `signup-${n}`,
      type: 'customer.registered',
      occurredAt: at,
      identity: { customerId: `signup-${n}`, email },
      data: {
        attributes: { firstName: `Sign${n}`, timeZone: 'Etc/UTC' },
        consent: [{ channel: 'email', status: 'granted', source: 'signup-form', recordedAt: at }],
      },
    }));
    stack.runtime.setEventSourceMappingEnabled('ProfileEvents', false);

    // Act: the journeys start at once; the profiles follow eight (virtual) hours later.
    const response = await stack.post(
      '/v1/events',
      { events: signups },
      { authorization: `Bearer ${stack.demo.apiKey}` },
    );
    await sleep(8_000);
    const mailedWithoutProfiles = mails.length;
    stack.runtime.setEventSourceMappingEnabled('ProfileEvents', true);
    const welcomed = () =>
      emails.filter((email) => mails.some((mail) => mail.to.includes(email) && mail.tags.step === 'welcome'));
    const deadline = Date.now() + 30_000;
    while (welcomed().length < emails.length && Date.now() < deadline) await sleep(250);

    // Assess
    expect(response.status).toBe(202);
    expect(mailedWithoutProfiles).toBe(0);
    expect(welcomed()).toEqual(emails);
  }, 90_000);
});
