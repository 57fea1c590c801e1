import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { usd } from '#tests/helpers/events.ts';

const lines: Record<string, unknown>[] = [];
let publishConversionMetrics: typeof import('#engagement/metrics.ts').publishConversionMetrics;

beforeAll(async () => {
  // As in the journey entry function, which converts orders attributed before its entry was stored.
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'journeys');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'StorefrontJourneys');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    if (typeof line === 'string' && line.includes('"_aws"')) lines.push(JSON.parse(line));
  });
  vi.resetModules();
  ({ publishConversionMetrics } = await import('#engagement/metrics.ts'));
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('Function: publishConversionMetrics', () => {
  it("counts conversions as the engagement service's metric whichever function records them", () => {
    // Act
    publishConversionMetrics([
      {
        orderId: 'o-1',
        journey: 'browse-abandonment',
        subjectKey: 'p-1',
        group: 'heldout',
        revenue: usd('12.50'),
        at: '2026-03-02T12:00:00.000Z',
        enteredAt: '2026-03-02T10:00:00.000Z',
      },
    ]);

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        service: 'engagement',
        journey: 'browse-abandonment',
        group: 'heldout',
        journeyConverted: 1,
      }),
      expect.objectContaining({ service: 'engagement', currency: 'USD', conversionRevenue: 12.5 }),
    ]);
  });
});
