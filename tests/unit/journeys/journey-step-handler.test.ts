import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import type { JourneyId } from '#journeys/config/journey-schema.ts';
import { journeyRunConfig } from '#journeys/config/journeys-config.ts';
import type { StepInput, StepOutput } from '#journeys/domain/step-contract.ts';
import { ensureTables } from '#local/dynamodb/ensure-tables.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { canonical } from '#tests/helpers/events.ts';
import {
  type LocalTables,
  MESSAGES_TABLE,
  PROFILES_TABLE,
  startLocalTables,
} from '#tests/unit/engagement/messages-table.ts';

type Handler = (event: StepInput, context: Context) => Promise<StepOutput>;

interface PublishedMetric {
  name: string;
  dimensions: Record<string, string>;
}

const STORES_TABLE = 'Stores';
const HOUR_MS = 60 * 60 * 1000;
const context = {
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'journey-step-test',
  awsRequestId: 'req-1',
} as unknown as Context;

let tables: LocalTables;
let handler: Handler;
const published: PublishedMetric[] = [];

beforeAll(async () => {
  tables = await startLocalTables();
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint: tables.dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(client, [
    {
      TableName: STORES_TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  ]);
  client.destroy();
  await new DynamoDbCredentialStore(tables.documents, STORES_TABLE).putStore({
    storeId: 'demo',
    name: 'Demo Store',
    defaultCurrency: 'USD',
    timeZone: 'UTC',
    senderEmail: 'hello@demo-store.example',
    postalAddress: '1 Market Street',
    storeUrl: 'https://demo-store.example',
    unsubscribeSigningKey: 'key',
  });
  // The handler reads its configuration and builds its clients at import, as in Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PROFILES_TABLE_NAME: PROFILES_TABLE,
    MESSAGES_TABLE_NAME: MESSAGES_TABLE,
    STORES_TABLE_NAME: STORES_TABLE,
    SES_CONFIGURATION_SET: 'journeys',
    PUBLIC_API_URL: 'https://api.demo-store.example',
    POWERTOOLS_SERVICE_NAME: 'journeys',
    POWERTOOLS_METRICS_NAMESPACE: 'StorefrontJourneys',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Dev mode writes metrics through the global console, where the test reads them back.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    if (typeof line === 'string' && line.includes('"_aws"')) published.push(...metricsOf(JSON.parse(line)));
  });
  // Nothing to publish is what a waiting step answers; Powertools warns about it.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  handler = (await import('#journeys/handlers/journey-step.ts')).handler as unknown as Handler;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await tables?.close();
});
beforeEach(() => {
  published.length = 0;
});

/** Reads one EMF document back into metrics with their dimensions (the service dimension left out). */
function metricsOf(emf: Record<string, unknown>): PublishedMetric[] {
  const directives = (
    emf._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
  ).CloudWatchMetrics;
  return directives.flatMap((directive) =>
    directive.Dimensions.flatMap((names) =>
      directive.Metrics.map(({ Name }) => ({
        name: Name,
        dimensions: Object.fromEntries(
          names.filter((name) => name !== 'service').map((name) => [name, emf[name] as string]),
        ),
      })),
    ),
  );
}

/** An IANA zone where it is the middle of the night now, inside the default quiet hours (21:00–08:00). */
function nightZone(now: Date): string {
  for (let offset = -12; offset <= 14; offset += 1) {
    const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone }).format(now),
    );
    if (hour >= 1 && hour <= 5) return zone;
  }
  throw new Error('no zone has night now');
}

function signup(customerId: string, occurredAt: Date): CanonicalEvent {
  return canonical({
    id: `${customerId}-signup`,
    type: 'customer.registered',
    occurredAt: occurredAt.toISOString(),
    identity: { customerId, email: `${customerId}@example.com` },
    data: {
      consent: [
        { channel: 'email', status: 'granted', source: 'signup', recordedAt: occurredAt.toISOString() },
      ],
    },
  });
}

/** A profile that has seen `trigger`, with marketing consent in `timeZone`. */
async function saveProfile(customerId: string, trigger: CanonicalEvent, timeZone: string): Promise<void> {
  await new DynamoDbProfileStore(tables.documents, PROFILES_TABLE).save(
    {
      ...emptyProfile('demo', `customer:${customerId}`),
      customerId,
      email: `${customerId}@example.com`,
      attributes: { timeZone },
      consent: { email: { status: 'granted', source: 'signup', recordedAt: trigger.occurredAt } },
      appliedEventIds: [trigger.id],
      lastSeenAt: trigger.occurredAt,
    },
    undefined,
  );
}

const step = (
  journey: JourneyId,
  name: string,
  trigger: CanonicalEvent,
  config = journeyRunConfig(journey),
) => handler({ journey, step: name, config: config as Record<string, unknown>, trigger }, context);

describe('Handler: journey-step metrics', () => {
  it('counts an exit with its reason', async () => {
    // Prepare: no profile for a trigger older than the day-long wait for one
    const trigger = signup('no-one', new Date(Date.now() - 25 * HOUR_MS));

    // Act
    const output = await step('welcome', 'welcome', trigger);

    // Assess
    expect(output).toMatchObject({ outcome: 'exited', reason: 'no-profile' });
    expect(published).toEqual([
      { name: 'journeyExited', dimensions: { journey: 'welcome', step: 'welcome', reason: 'no-profile' } },
    ]);
  });

  it('counts a skipped mail with its reason', async () => {
    // Prepare: the welcome mail is switched off
    const trigger = signup('skip', new Date());
    await saveProfile('skip', trigger, 'Etc/UTC');
    const config = journeyRunConfig('welcome');
    const disabled = {
      ...config,
      steps: { ...config.steps, welcome: { ...config.steps.welcome, enabled: false } },
    };

    // Act
    const output = await step('welcome', 'welcome', trigger, disabled);

    // Assess
    expect(output).toMatchObject({ outcome: 'skipped', reason: 'step-disabled' });
    expect(published).toEqual([
      { name: 'emailSkipped', dimensions: { journey: 'welcome', step: 'welcome', reason: 'step-disabled' } },
    ]);
  });

  it('counts a mail held back for quiet hours as deferred, with its reason', async () => {
    // Prepare: it is the middle of the night where the customer lives
    const trigger = signup('night', new Date());
    await saveProfile('night', trigger, nightZone(new Date()));

    // Act
    const output = await step('welcome', 'welcome', trigger);

    // Assess
    expect(output).toMatchObject({ outcome: 'deferred', reason: 'quiet-hours' });
    expect(published).toEqual([
      { name: 'emailDeferred', dimensions: { journey: 'welcome', step: 'welcome', reason: 'quiet-hours' } },
    ]);
  });

  it('counts no deferred mail while a step waits for the profile to see its trigger', async () => {
    // Prepare: the profile has not been written yet
    const trigger = signup('early', new Date());

    // Act
    const output = await step('welcome', 'welcome', trigger);

    // Assess
    expect(output).toMatchObject({ outcome: 'deferred', reason: 'waiting-for-profile' });
    expect(published).toEqual([]);
  });
});
