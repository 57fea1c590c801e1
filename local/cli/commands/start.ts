import { createWriteStream, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MetricsStore } from '../../dashboard/metrics-store.ts';
import { DEFAULT_DASHBOARD_PORT, type LocalDashboard } from '../../dashboard/server.ts';
import { startDashboardFor } from '../../dashboard/start-dashboard.ts';
import { deadLetterQueuesOf } from '../../dead-letter-queues.ts';
import { runDemoShoppers } from '../../demo/demo-shoppers.ts';
import { seedDemoStore } from '../../demo-store.ts';
import { type LocalRuntime, PROJECT_ROOT, startRuntime } from '../../runtime.ts';
import { LOCAL_DATA_DIR, removeRuntimeFile, writeRuntimeFile } from '../../runtime-file.ts';
import { activityLine } from '../../terminal/activity.ts';

/** The functions' JSON logs and metrics, written afresh on every start. */
export const FUNCTION_LOG_FILE = join(LOCAL_DATA_DIR, 'logs', 'functions.log');

/** Well-known local ports, so SDK clients and docs can name them. */
export const DEFAULT_PORTS = {
  http: 3000,
  dynamodb: 8000,
  eventbridge: 4010,
  sqs: 9324,
  stepfunctions: 8083,
  ses: 8005,
} as const;
/** An hour of journeys a second: a day of waits passes while you watch the inbox. */
export const DEFAULT_SPEED = 3600;

export interface StartOptions {
  persist: boolean;
  port?: number;
  speed?: number;
  demo: boolean;
  /** Print the functions' JSON log lines too, not only one readable line per thing that happens. */
  verbose?: boolean;
}

export async function runStart(options: StartOptions): Promise<void> {
  const startedAt = Date.now();
  const metrics = new MetricsStore();
  mkdirSync(join(LOCAL_DATA_DIR, 'logs'), { recursive: true });
  const logFile = createWriteStream(FUNCTION_LOG_FILE, { flags: 'w' });
  const runtime = await startRuntime({
    ports: { ...DEFAULT_PORTS, ...(options.port !== undefined && { http: options.port }) },
    speed: options.speed ?? DEFAULT_SPEED,
    onLogLine: (functionName, line) => {
      metrics.onLogLine(functionName, line);
      logFile.write(`${line}\n`);
      const shown = options.verbose === true ? line : activityLine(functionName, line);
      if (shown !== undefined) process.stdout.write(`${shown}\n`);
    },
    ...(options.persist && { dataDir: join(LOCAL_DATA_DIR, 'data') }),
  });
  let dashboard: LocalDashboard | undefined;
  try {
    dashboard = await startDashboardFor(runtime, { metrics, port: DEFAULT_DASHBOARD_PORT });
    const demo = await announce(runtime, startedAt, options.persist, dashboard.url);
    if (options.demo) {
      await runDemoShoppers({
        httpUrl: runtime.urls.http,
        apiKey: demo.apiKey,
        now: () => runtime.clock.now(),
        log: (line) => process.stdout.write(`${line}\n`),
      });
    }
  } catch (error) {
    await dashboard?.close();
    await runtime.close();
    logFile.end();
    throw error;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('\nStopping…\n');
  removeRuntimeFile();
  await dashboard.close();
  await runtime.close();
  logFile.end();
  process.stdout.write('Stopped.\n');
}

async function announce(runtime: LocalRuntime, startedAt: number, persist: boolean, dashboardUrl: string) {
  const demo = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
  writeRuntimeFile({
    urls: runtime.urls,
    names: runtime.names,
    deadLetterQueues: deadLetterQueuesOf(runtime.topology, runtime.queues),
    demo: {
      storeId: demo.store.storeId,
      apiKey: demo.apiKey,
      segmentWriteKey: demo.segmentWriteKey,
      shopifyWebhookSecret: demo.shopifyWebhookSecret,
    },
  });

  const { http } = runtime.urls;
  process.stdout.write(`
storefront-journeys is running locally (started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${persist ? ', data kept in .local-data/data' : ', data in memory'})

  HTTP API      ${http}   POST /v1/events · /v1/track · /v1/identify · /v1/page · /v1/batch · /webhooks/shopify/demo
  DynamoDB      ${runtime.urls.dynamodb}   tables ${runtime.names.profilesTable}, ${runtime.names.storesTable}
  EventBridge   ${runtime.urls.eventbridge}   bus ${runtime.names.bus}
  SQS           ${runtime.urls.sqs}
  Step Functions ${runtime.urls.stepfunctions}   ${Object.keys(runtime.names.stateMachines).length} journeys
  SES v2        ${runtime.urls.ses}
  Inbox         ${runtime.urls.inbox}   ← the mails journeys send
  Dashboard     ${dashboardUrl}   ← how the journeys are doing; /customers: why did (or didn't) someone get a mail
  Function logs ${relative(PROJECT_ROOT, FUNCTION_LOG_FILE)}   ← JSON logs and metrics (--verbose prints them here too)
  Clock         ${runtime.clock.speed}× real time${runtime.clock.speed === 3600 ? ' (an hour a second)' : ''}

Demo store "demo" (keys are new on every start):
  API key (Bearer)        ${demo.apiKey}
  Segment write key       ${demo.segmentWriteKey}
  Shopify webhook secret  ${demo.shopifyWebhookSecret}

Try it from another terminal:
  npm run journeys -- send signup --email sam@example.com --customer-id c-1
  npm run journeys -- send cart --email sam@example.com --customer-id c-1
  npm run journeys -- profile sam@example.com
  npm run journeys -- why cleo@example.com

Ctrl-C stops everything.
`);
  return demo;
}
