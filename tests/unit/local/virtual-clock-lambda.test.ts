import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { LocalFunction } from '#local/lambda/function-pool.ts';

const VIRTUAL_START = Date.parse('2030-01-01T00:00:00Z');
let folder: string;
let entry: string;

beforeAll(() => {
  // A handler written at test time, so the repository needs no fixture that only reads the clock.
  folder = mkdtempSync(join(tmpdir(), 'virtual-clock-lambda-'));
  entry = join(folder, 'clock-handler.mjs');
  writeFileSync(
    entry,
    `const loadedAt = Date.now();
export const handler = async (_event, context) => {
  // Five real milliseconds of work: five virtual hours at speed 3600.
  const started = performance.now();
  while (performance.now() - started < 5) {}
  const remaining = context.getRemainingTimeInMillis();
  const created = new Date();
  return {
    loadedAt,
    now: Date.now(),
    iso: created.toISOString(),
    isDate: created instanceof Date,
    parsed: new Date('2020-01-01T00:00:00Z').getTime(),
    remaining,
    // Node's own setTimeout carries util.promisify's hook; a replacement would not.
    realTimers: typeof setTimeout[Symbol.for('nodejs.util.promisify.custom')] === 'function',
  };
};
`,
  );
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function functionOn(clock: ReturnType<typeof createVirtualClock> | undefined) {
  return new LocalFunction(
    { logicalId: 'ClockFunction', entry, environment: {}, timeoutSeconds: 3, memoryMb: 128 },
    {
      maxConcurrency: 1,
      baseEnvironment: {},
      onLogLine: () => undefined,
      ...(clock !== undefined && { clock: clock.parameters() }),
    },
  );
}

interface ClockReport {
  loadedAt: number;
  now: number;
  iso: string;
  isDate: boolean;
  parsed: number;
  remaining: number;
  realTimers: boolean;
}

describe('Class: LocalFunction', () => {
  it('gives the handler virtual time from module load on when the pool has a clock', async () => {
    // Prepare
    const clock = createVirtualClock({ speed: 3600, start: VIRTUAL_START });
    const fn = functionOn(clock);

    // Act
    const report = (await fn.invoke({})) as ClockReport;
    await fn.close();

    // Assess
    expect(report.loadedAt).toBeGreaterThanOrEqual(VIRTUAL_START);
    expect(report.now).toBeGreaterThanOrEqual(report.loadedAt);
    expect(Date.parse(report.iso)).toBeGreaterThanOrEqual(VIRTUAL_START);
    expect(report.isDate).toBe(true);
    expect(report.parsed).toBe(Date.parse('2020-01-01T00:00:00Z'));
  });

  it('keeps timers and the remaining time on real time', async () => {
    // Prepare
    const clock = createVirtualClock({ speed: 3600, start: VIRTUAL_START });
    const fn = functionOn(clock);

    // Act
    const report = (await fn.invoke({})) as ClockReport;
    await fn.close();

    // Assess
    expect(report.realTimers).toBe(true);
    // Measured on the virtual clock, the handler's five real milliseconds would spend the 3 s timeout.
    expect(report.remaining).toBeGreaterThan(0);
  });

  it('leaves the handler on real time without a clock', async () => {
    // Prepare
    const fn = functionOn(undefined);
    const before = Date.now();

    // Act
    const report = (await fn.invoke({})) as ClockReport;
    await fn.close();

    // Assess
    expect(report.now).toBeGreaterThanOrEqual(before);
    expect(report.now).toBeLessThan(VIRTUAL_START);
  });
});
