import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { compileJourney } from '#infra/journeys/compile.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { type NodeInput, type NodeOutput, nodeInputSchema } from '#journeys/step/contract.ts';
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

type Handler = (event: NodeInput, context: Context) => Promise<NodeOutput>;

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

/** A profile that has seen `trigger`, with marketing consent (or its withdrawal) in `timeZone`. */
async function saveProfile(
  customerId: string,
  trigger: CanonicalEvent,
  timeZone: string,
  consent: 'granted' | 'revoked' = 'granted',
): Promise<void> {
  await new DynamoDbProfileStore(tables.documents, PROFILES_TABLE).save(
    {
      ...emptyProfile('demo', `customer:${customerId}`),
      customerId,
      email: `${customerId}@example.com`,
      attributes: { timeZone },
      consent: { email: { status: consent, source: 'signup', recordedAt: trigger.occurredAt } },
      appliedEventIds: [trigger.id],
      lastSeenAt: trigger.occurredAt,
    },
    undefined,
  );
}

const welcome = compileJourney(loadJourneys().find((journey) => journey.id === 'welcome') as never);

/** The handler called as the compiled welcome journey's `Welcome` Task calls it, the node changed by `edit`. */
const step = (trigger: CanonicalEvent, edit: (node: Record<string, unknown>) => void = () => undefined) => {
  const { Payload } = (welcome.States.Welcome as { Parameters: { Payload: Record<string, unknown> } })
    .Parameters;
  const { 'trigger.$': _t, 'startedAt.$': _s, ...payload } = structuredClone(Payload);
  edit(payload.node as Record<string, unknown>);
  return handler(nodeInputSchema.parse({ ...payload, trigger, startedAt: trigger.occurredAt }), context);
};

describe('Handler: journey-step metrics', () => {
  it('counts an exit with its reason', async () => {
    // Prepare: the customer withdrew consent, a goal of the journey
    const trigger = signup('gone', new Date(Date.now() - HOUR_MS));
    await saveProfile('gone', trigger, 'Etc/UTC', 'revoked');

    // Act
    const output = await step(trigger);

    // Assess
    expect(output).toMatchObject({ outcome: 'exited', reason: 'unsubscribed' });
    expect(published).toEqual([
      { name: 'journeyExited', dimensions: { journey: 'welcome', step: 'welcome', reason: 'unsubscribed' } },
    ]);
  });

  it('counts a skipped mail with its reason', async () => {
    // Prepare: the welcome mail is switched off
    const trigger = signup('skip', new Date());
    await saveProfile('skip', trigger, 'Etc/UTC');

    // Act
    const output = await step(trigger, (node) => {
      (node.send as { enabled: boolean }).enabled = false;
    });

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
    const output = await step(trigger);

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
    const output = await step(trigger);

    // Assess
    expect(output).toMatchObject({ outcome: 'deferred', reason: 'waiting-for-profile' });
    expect(published).toEqual([]);
  });
});
