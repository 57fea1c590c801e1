import { describe, expect, it } from 'vitest';
import { failuresOf } from '../../reliability/report.ts';
import { DUPLICATES_DEFAULTS, runDuplicates } from '../../reliability/runs/duplicates.ts';

/** The whole run: a local runtime started, every event sent twice, journeys given time to mail. */
const RUN_TIMEOUT_MS = 300_000;

describe('Reliability run: duplicates', () => {
  it(
    'keeps profiles as a single delivery would and mails each (journey, subject, step) at most once when every event arrives twice',
    async () => {
      // Act
      const report = await runDuplicates(DUPLICATES_DEFAULTS);

      // Assess
      expect(report.figures.eventsIn).toBe(2 * DUPLICATES_DEFAULTS.events);
      expect(report.figures.eventsStored).toBe(DUPLICATES_DEFAULTS.events);
      expect(report.figures.lost).toBe(0);
      expect(report.figures.duplicates).toBe(0);
      expect(report.figures.status5xx).toBe(0);
      expect(failuresOf(report)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
