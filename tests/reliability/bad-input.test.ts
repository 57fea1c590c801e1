import { describe, expect, it } from 'vitest';
import { failuresOf } from '../../reliability/report.ts';
import { BAD_INPUT_DEFAULTS, runBadInput } from '../../reliability/runs/bad-input.ts';

/** The whole run: a local runtime started, 10,000 requests sent, tables counted (minutes on a busy machine). */
const RUN_TIMEOUT_MS = 300_000;

describe('Reliability run: bad input', () => {
  it(
    'answers every one of at least 10,000 bad requests with a 4xx and writes nothing',
    async () => {
      // Act
      const report = await runBadInput(BAD_INPUT_DEFAULTS);

      // Assess
      expect(report.figures.eventsIn).toBeGreaterThanOrEqual(10_000);
      expect(report.figures.status4xx).toBe(report.figures.eventsIn);
      expect(report.figures.status5xx).toBe(0);
      expect(report.figures.eventsStored).toBe(0);
      expect(failuresOf(report)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
