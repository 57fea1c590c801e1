/**
 * The local dashboard wired to a running local runtime: its resource counters, its DynamoDB tables
 * and its virtual clock. The runtime's function log lines must reach `metrics.onLogLine` (pass it to
 * `startRuntime`'s `onLogLine`), as CloudWatch Logs would turn them into metrics.
 */
import { relative } from 'node:path';
import type { WidgetRow } from '#infra/dashboard/widget-model.ts';
import { dashboardRows } from '#infra/dashboard/widgets.ts';
import { deployedJourneys, journeyIds } from '#infra/journeys/catalog.ts';
import { DynamoDbFlowCounter } from '#journeys/adapters/dynamodb-flow-counter.ts';
import { journeyMermaid } from '#journeys/definition/graph.ts';
import { addFlowCounts } from '#journeys/step/flow-counts.ts';
import { deadLetterQueuesOf } from '../dead-letter-queues.ts';
import { documentClientFor } from '../demo-store.ts';
import type { HttpApiStats } from '../http-api/http-api-server.ts';
import { type LocalRuntime, PROJECT_ROOT } from '../runtime.ts';
import { listCustomers, loadCustomerStory } from './customer-story.ts';
import type { MetricsStore } from './metrics-store.ts';
import { LocalResourceMetrics } from './resource-metrics.ts';
import { DEFAULT_DASHBOARD_PORT, type LocalDashboard, startLocalDashboard } from './server.ts';

/** What the dashboard reads of the runtime; `httpStats` once the runtime exposes its HTTP API's counters. */
export type DashboardRuntime = Pick<
  LocalRuntime,
  'functions' | 'queues' | 'stepFunctions' | 'topology' | 'names' | 'clock' | 'urls'
> & { httpStats?: HttpApiStats };

export interface DashboardForOptions {
  /** Fed with the runtime's log lines. */
  metrics: MetricsStore;
  /** 0: any free port. @default 3100 */
  port?: number;
  /** The store the customer view looks in. @default 'demo' */
  storeId?: string;
  /** @default - a row per journey, deliverability and pipeline health for this runtime's functions and queues */
  rows?: readonly WidgetRow[];
  onError?: (error: unknown) => void;
}

/** How often the resource counters are sampled (real time), so charts can show them over time. */
const SAMPLE_EVERY_MS = 1000;
const CUSTOMERS_LISTED = 50;
/** The flows page counts what happened over this many days up to the runtime's now. */
const FLOW_DAYS = 30;
const DAY_MS = 86_400_000;

export async function startDashboardFor(
  runtime: DashboardRuntime,
  options: DashboardForOptions,
): Promise<LocalDashboard> {
  const deadLetterQueues = deadLetterQueuesOf(runtime.topology, runtime.queues).map((queue) => queue.name);
  const functions = [...runtime.functions.values()];
  const now = () => runtime.clock.now();
  const resources = new LocalResourceMetrics(
    {
      functions,
      deadLetterQueues,
      queueCounts: (name) => runtime.queues.counts(name),
      stateMachineStats: () => runtime.stepFunctions.stats(),
      ...(runtime.httpStats !== undefined && { httpStats: runtime.httpStats }),
    },
    { metrics: options.metrics, now },
  );
  const rows =
    options.rows ??
    dashboardRows(journeyIds(), {
      functions: functions.map((fn) => relative(PROJECT_ROOT, fn.definition.entry).replaceAll('\\', '/')),
      // Shown by construct id, without CDK's hash: `ProfileEventsDlq`.
      deadLetterQueues: deadLetterQueues.map((name) => name.replace(/[0-9A-F]{8}$/, '')),
    });
  const documents = documentClientFor(runtime.urls.dynamodb);
  const storeId = options.storeId ?? 'demo';
  const tables = { documents, profilesTable: runtime.names.profilesTable, storeId };
  resources.sample();
  const sampler = setInterval(() => resources.sample(), SAMPLE_EVERY_MS);
  sampler.unref();
  const dashboard = await startLocalDashboard({
    port: options.port ?? DEFAULT_DASHBOARD_PORT,
    rows,
    metrics: options.metrics,
    resources,
    now,
    speed: runtime.clock.speed,
    flows: {
      days: FLOW_DAYS,
      list: async () => {
        const counter = new DynamoDbFlowCounter(documents, runtime.names.messagesTable);
        const to = new Date(now());
        const span = { from: new Date(to.getTime() - (FLOW_DAYS - 1) * DAY_MS), to, now: to };
        return Promise.all(
          deployedJourneys().map(async (journey) => {
            const { counts, waiting } = await counter.read(storeId, journey.id, span);
            for (const [node, count] of Object.entries(waiting))
              addFlowCounts(counts, node, 'waiting now', count);
            // Revenue counters (minor units, for the experiment statistics) are no figure for a box.
            for (const names of Object.values(counts))
              for (const name of Object.keys(names)) if (name.startsWith('revenue:')) delete names[name];
            return {
              id: journey.id,
              name: journey.name ?? journey.id,
              mermaid: journeyMermaid(journey, counts),
            };
          }),
        );
      },
    },
    customers: {
      story: (who) => loadCustomerStory({ ...tables, messagesTable: runtime.names.messagesTable, who }),
      list: () => listCustomers({ ...tables, limit: CUSTOMERS_LISTED }),
    },
    ...(options.onError !== undefined && { onError: options.onError }),
  }).catch((error: unknown) => {
    clearInterval(sampler);
    throw error;
  });
  return {
    url: dashboard.url,
    close: async () => {
      clearInterval(sampler);
      await dashboard.close();
      documents.destroy();
    },
  };
}
