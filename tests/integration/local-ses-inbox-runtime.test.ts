import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '#local/demo-store.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';

// Years from the real time, so a mail stamped with the real time cannot pass for one sent on the clock.
const START = Date.parse('2030-03-04T09:00:00.000Z');
const EMAIL = 'inbox@shoppers.example';

interface ListedEmail {
  messageId: string;
  destination: { to: string[] };
  at: number;
  body: { html?: string };
}

/**
 * The local inbox through the whole runtime, on manual time as `simulate` drives it: a journey's mail
 * lands in the inbox, and only opening it, not listing it, reaches the engagement records.
 */
describe('Local runtime: the SES inbox', () => {
  let stack: LocalStack;
  let messageId: string;

  beforeAll(async () => {
    stack = await startLocalStack({ manualTime: { start: START } });
    const at = new Date(START).toISOString();
    const response = await stack.post(
      '/v1/events',
      {
        events: [
          {
            id: 'inbox-signup',
            type: 'customer.registered',
            occurredAt: at,
            identity: { customerId: 'c-inbox', email: EMAIL },
            data: {
              attributes: { firstName: 'Ines', timeZone: 'Europe/Berlin' },
              consent: [{ channel: 'email', status: 'granted', source: 'signup-form', recordedAt: at }],
            },
          },
        ],
      },
      { authorization: `Bearer ${stack.demo.apiKey}` },
    );
    expect(response.status).toBe(202);
    await stack.runtime.quiesce();
    const welcome = (await listInbox()).find((email) => email.destination.to.includes(EMAIL));
    if (welcome === undefined) throw new Error('the welcome mail did not reach the inbox');
    messageId = welcome.messageId;
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** What the inbox page fetches to list the mails. */
  async function listInbox(): Promise<ListedEmail[]> {
    const response = await fetch(`${stack.runtime.urls.inbox}store?since=0`);
    return ((await response.json()) as { emails: ListedEmail[] }).emails;
  }

  /** Loads every image of the HTML over HTTP, as a browser showing it does. */
  async function loadImages(html: string): Promise<void> {
    for (const [, source = ''] of html.matchAll(/<img\b[^>]*\ssrc="(http[^"]*)"/gi)) {
      await (await fetch(source.replaceAll('&amp;', '&'))).arrayBuffer();
    }
  }

  async function messageItem(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await documentClientFor(stack.runtime.urls.dynamodb).send(
      new GetCommand({
        TableName: stack.runtime.names.messagesTable,
        Key: { pk: `SESMESSAGE#${messageId}`, sk: 'MESSAGE' },
      }),
    );
    return Item;
  }

  async function engagementSummary(): Promise<Record<string, unknown> | undefined> {
    const { Item } = await documentClientFor(stack.runtime.urls.dynamodb).send(
      new GetCommand({
        TableName: stack.runtime.names.messagesTable,
        Key: { pk: 'CUSTOMER#demo#customer:c-inbox', sk: 'ENGAGEMENT' },
      }),
    );
    return Item;
  }

  it('lists the mail at the virtual time its sender recorded, not the real time', async () => {
    // Act
    const listed = (await listInbox()).find((email) => email.messageId === messageId);
    const item = await messageItem();

    // Assess
    expect(item?.sentAt).toBe(new Date(START).toISOString());
    expect((listed?.at ?? 0) * 1000).toBe(START);
  });

  it('records no open when the inbox is listed and every image of the listing is loaded', async () => {
    // Act
    for (const email of await listInbox()) await loadImages(email.body.html ?? '');
    await stack.runtime.quiesce();

    // Assess
    const item = await messageItem();
    expect(item?.engagement).toHaveProperty('delivery');
    expect(item?.engagement).not.toHaveProperty('open');
    expect(item?.opens ?? 0).toBe(0);
    expect((await engagementSummary())?.opens ?? 0).toBe(0);
  });

  it('records one open when the mail is opened from the inbox', async () => {
    // Act
    const shown = await fetch(`${stack.runtime.urls.inbox}messages/${encodeURIComponent(messageId)}`);
    await loadImages(await shown.text());
    await stack.runtime.quiesce();

    // Assess
    expect(shown.status).toBe(200);
    const item = await messageItem();
    expect(item?.engagement).toHaveProperty('open');
    expect(item?.opens).toBe(1);
    expect(await engagementSummary()).toMatchObject({ opens: 1, lastOpenAt: new Date(START).toISOString() });
  });
});
