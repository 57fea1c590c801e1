import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const lines: string[] = [];
let metrics: typeof import('#shared/powertools.ts').metrics;
let observability: typeof import('#shared/middlewares/observability.ts').observability;
const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 1000,
} as Context;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'test');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'StorefrontJourneys');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }
  vi.resetModules();
  ({ metrics } = await import('#shared/powertools.ts'));
  ({ observability } = await import('#shared/middlewares/observability.ts'));
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('Middleware: observability', () => {
  it('publishes the metrics a handler counted, and writes nothing, not even a warning, when it counted none', async () => {
    // Prepare
    const counting = middy(async () => {
      metrics.addMetric('emailSent', 'Count', 1);
    }).use(observability());
    const quiet = middy(async () => undefined).use(observability());

    // Act
    await quiet({}, context);
    const afterQuiet = [...lines];
    await counting({}, context);

    // Assess
    expect(afterQuiet).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ service: 'test', emailSent: 1 });
  });
});
