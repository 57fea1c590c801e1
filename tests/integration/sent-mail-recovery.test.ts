import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEngagementStore } from '#engagement/adapters/dynamodb-engagement-store.ts';
import { recordEngagement } from '#engagement/domain/record-engagement.ts';
import { parseSesMessage } from '#engagement/schemas.ts';
import type { SesEngagementEvent } from '#local/ses/local-ses.ts';
import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { SesEmailSender } from '#messaging/adapters/ses-email-sender.ts';
import { CLAIM_LEASE_MS, type GuardedSendInput, sendGuarded } from '#messaging/domain/send-guarded.ts';
import { SentMailNotRecordedError } from '#messaging/errors.ts';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';
import { type LocalTables, MESSAGES_TABLE, startLocalTables } from '#tests/unit/engagement/messages-table.ts';

/**
 * The real adapters end to end — SES v2 SDK → local SES (with its event publishing) → the engagement
 * rules on dynalite — with a DynamoDB outage injected into the send path's writes right after SES
 * accepted a mail.
 */
const local = useLocalSes({ eventDelayMs: 0, clearBeforeEach: false });
let tables: LocalTables;
let faultyClient: DynamoDBClient;
/** While set, the send path's UpdateItem calls fail as in a DynamoDB outage. */
const outage = { updates: false };

beforeAll(async () => {
  tables = await startLocalTables();
  faultyClient = new DynamoDBClient({
    endpoint: tables.dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  faultyClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (outage.updates && context.commandName === 'UpdateItemCommand') {
        throw Object.assign(new Error('connect ECONNREFUSED (injected DynamoDB outage)'), {
          name: 'ServiceUnavailable',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectDynamoDbOutage' },
  );
});

afterAll(async () => {
  faultyClient?.destroy();
  await tables?.close();
});

const customer = { storeId: 'demo', customerKey: 'customer:recovery' };
const NOW = Date.parse('2030-03-04T10:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms);

function input(now: Date): GuardedSendInput {
  return {
    request: {
      journey: 'welcome',
      step: 'welcome',
      subjectKey: 'recovery',
      kind: 'marketing',
      priority: 100,
      whenCapped: 'defer',
    },
    template: 'welcome.welcome',
    customer,
    recipient: { email: 'success@simulator.amazonses.com', emailConsent: 'granted', timeZone: 'UTC' },
    sender: {
      storeId: 'demo',
      name: 'Demo Store',
      address: 'hello@demo-store.example',
      timeZone: 'UTC',
      postalAddress: '1 Market Street, Springfield',
      unsubscribeSigningKey: 'signing-key',
      publicApiUrl: 'https://api.example.com',
    },
    heldOut: false,
    now,
    render: () => ({ subject: 'Welcome', html: '<p>Welcome</p>', text: 'Welcome' }),
  };
}

/** The queue message the default bus's rule delivers for one SES event. */
function queueBody(event: SesEngagementEvent): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: event.time.toISOString(),
    region: 'us-east-1',
    resources: event.resources,
    detail: event.detail,
  });
}

describe('Scenario: SES accepted a mail, and DynamoDB failed right after (local SES, dynalite)', () => {
  it('sends one mail: the Send event marks the slot sent, and the retry after the lease skips it', async () => {
    // Prepare
    const messaging = new DynamoDbMessagingStore(DynamoDBDocumentClient.from(faultyClient), MESSAGES_TABLE);
    const mailer = new SesEmailSender(local.client, 'storefront-journeys');
    const engagement = new DynamoDbEngagementStore(tables.documents, MESSAGES_TABLE);
    // SES accepts; then every write of the send path fails (the claim and the reservation are puts)
    const realSend = mailer.send.bind(mailer);
    mailer.send = async (email) => {
      const accepted = await realSend(email);
      outage.updates = true;
      return accepted;
    };

    // Act: the step fails; Step Functions retries at once; SES's events are recorded; the step comes back
    const failed = await sendGuarded(messaging, mailer, input(at(0)), { pause: async () => {} }).catch(
      (error: unknown) => error,
    );
    outage.updates = false;
    const retried = await sendGuarded(messaging, mailer, input(at(5_000)));
    await local.ses.settle();
    const recorded = [];
    for (const event of local.published) {
      const parsed = parseSesMessage(queueBody(event));
      if (parsed.kind === 'engagement')
        recorded.push(await recordEngagement(engagement, parsed.event, at(6_000)));
    }
    const afterLease = await sendGuarded(messaging, mailer, input(at(CLAIM_LEASE_MS + 2_000)));

    // Assess
    expect(failed).toBeInstanceOf(SentMailNotRecordedError);
    expect(retried).toMatchObject({ outcome: 'deferred', reason: 'send-in-progress' });
    expect(afterLease).toEqual({ outcome: 'skipped', reason: 'duplicate' });
    const inbox = await local.ses.messages();
    expect(inbox).toHaveLength(1);
    const [mail] = inbox;
    expect(Object.keys(mail?.tags ?? {})).toEqual(['journey', 'step', 'variant', 'store', 'slot']);
    expect(mail?.tags.variant).toBe('welcome_welcome');
    expect(local.published.map((event) => event.detailType)).toEqual(['Email Sent', 'Email Delivered']);
    expect(recorded.map((result) => result.outcome)).toEqual(['applied', 'applied']);
    expect(recorded[0]).toMatchObject({ recordedFromTags: true });
    const slot = await tables.documents.send(
      new GetCommand({
        TableName: MESSAGES_TABLE,
        Key: { pk: 'CUSTOMER#demo#customer:recovery', sk: 'MESSAGE#welcome#recovery#welcome' },
      }),
    );
    expect(slot.Item).toMatchObject({ status: 'sent', messageId: mail?.messageId });
    expect((await engagement.loadMessage(mail?.messageId ?? ''))?.message).toMatchObject({
      ...customer,
      journey: 'welcome',
      step: 'welcome',
      variant: 'welcome.welcome',
      subjectKey: 'recovery',
    });
  });
});
