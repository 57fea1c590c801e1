/**
 * The marketer's local dashboard: the journeys page (charts drawn in the browser with Chart.js from
 * `/api/metrics`), the customer view, and the few static files they need. Loopback only, no CDN.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WidgetRow } from '#infra/dashboard/widget-model.ts';
import type { CustomerStory } from './customer-story.ts';
import type { MetricsStore } from './metrics-store.ts';
import {
  type CustomerListing,
  customerPage,
  flowsPage,
  type JourneyFlowView,
  journeysPage,
} from './pages.ts';
import type { ResourceMetricsSource } from './resource-metrics.ts';
import { dashboardData } from './widget-data.ts';

export const DEFAULT_DASHBOARD_PORT = 3100;

export interface CustomerSource {
  story(who: string): Promise<CustomerStory>;
  /** Customers to pick from when nobody was searched for. @default - none listed */
  list?(): Promise<CustomerListing[]>;
}

export interface FlowSource {
  /** How many days the counts cover. */
  days: number;
  list(): Promise<JourneyFlowView[]>;
}

export interface LocalDashboardOptions {
  /** 0: any free port. @default 3100 */
  port?: number;
  rows: readonly WidgetRow[];
  metrics: MetricsStore;
  /** @default - resource metrics show no data */
  resources?: ResourceMetricsSource;
  customers: CustomerSource;
  /** @default - the flows page lists no journeys */
  flows?: FlowSource;
  /** Virtual now of the runtime. */
  now: () => number;
  /** Where charts start (virtual time). @default - when the dashboard started, or the first metric if earlier */
  startedAt?: number;
  /** How much faster than real time the runtime's clock runs, for the page's header. @default 1 */
  speed?: number;
  /** How often the page reloads its numbers. @default 3000 */
  refreshMs?: number;
  /** Called with errors the pages could not show (a failed read). @default - console.error */
  onError?: (error: unknown) => void;
}

export interface LocalDashboard {
  url: string;
  close(): Promise<void>;
}

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const requireModule = createRequire(import.meta.url);
const CHART_JS = join(dirname(requireModule.resolve('chart.js')), 'chart.umd.js');
const MERMAID_JS = join(dirname(requireModule.resolve('mermaid')), 'mermaid.min.js');
const STATIC: Record<string, { file: string; type: string }> = {
  '/assets/dashboard.css': { file: join(ASSETS, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/assets/dashboard.js': { file: join(ASSETS, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/chart.umd.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
  '/assets/flows.js': { file: join(ASSETS, 'flows.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/mermaid.min.js': { file: MERMAID_JS, type: 'text/javascript; charset=utf-8' },
};
/** Everything the pages load comes from this server; no inline script can run even if markup slipped through. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
/** The same, but Mermaid may style the diagrams it draws; scripts stay this server's own. */
const FLOWS_CSP = SECURITY_HEADERS['content-security-policy'].replace(
  "style-src 'self'",
  "style-src 'self' 'unsafe-inline'",
);

export async function startLocalDashboard(options: LocalDashboardOptions): Promise<LocalDashboard> {
  const onError = options.onError ?? ((error: unknown) => console.error('local dashboard:', error));
  const startedAt = options.startedAt ?? options.now();
  const resources: ResourceMetricsSource = options.resources ?? { value: () => undefined };
  const metricsJson = () => {
    const now = options.now();
    const from = Math.min(startedAt, options.metrics.earliest ?? startedAt);
    return {
      ...dashboardData(options.rows, { metrics: options.metrics, resources }, { from, now }),
      speed: options.speed ?? 1,
      refreshMs: options.refreshMs ?? 3000,
    };
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain; charset=utf-8', 'Method Not Allowed');
    }
    try {
      const asset = STATIC[url.pathname];
      if (asset !== undefined) return send(response, 200, asset.type, await readFile(asset.file));
      switch (url.pathname) {
        case '/':
          return send(response, 200, 'text/html; charset=utf-8', journeysPage());
        case '/api/rows':
          return sendJson(response, options.rows);
        case '/api/metrics':
          return sendJson(response, metricsJson());
        case '/flows':
          return send(
            response,
            200,
            'text/html; charset=utf-8',
            flowsPage((await options.flows?.list()) ?? [], options.flows?.days ?? 0),
            // Mermaid styles the SVG it draws with a <style> element and style attributes.
            { 'content-security-policy': FLOWS_CSP },
          );
        case '/customers':
          return send(
            response,
            200,
            'text/html; charset=utf-8',
            await customers(options.customers, url, onError),
          );
        default:
          return send(response, 404, 'text/plain; charset=utf-8', 'Not Found');
      }
    } catch (error) {
      onError(error);
      return send(
        response,
        500,
        'text/plain; charset=utf-8',
        'The dashboard could not read this; see the terminal.',
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function customers(
  source: CustomerSource,
  url: URL,
  onError: (error: unknown) => void,
): Promise<string> {
  const who = (url.searchParams.get('who') ?? '').trim();
  if (who === '') return customerPage({ who, customers: (await source.list?.()) ?? [] });
  try {
    return customerPage({ who, customers: [], story: await source.story(who) });
  } catch (error) {
    onError(error);
    return customerPage({ who, customers: [], error: `Could not read ${who}: ${(error as Error).message}` });
  }
}

function sendJson(response: ServerResponse, body: unknown): void {
  send(response, 200, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, {
    'content-type': type,
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : bytes);
}
