import { describe, expect, it } from 'vitest';
import { REORDER_DEFAULTS, runReorder } from '../../reliability/runs/reorder.ts';

/** The whole run: a local runtime started and the shuffled story sent. */
const RUN_TIMEOUT_MS = 300_000;

describe('Reliability run: reorder', () => {
  it(
    'loses nothing, counts nothing twice and keeps order counts and revenue exact when events arrive shuffled',
    async () => {
      // Act
      const report = await runReorder(REORDER_DEFAULTS);

      // Assess
      expect(report.figures.eventsStored).toBe(REORDER_DEFAULTS.events);
      expect(report.figures.lost).toBe(0);
      expect(report.figures.duplicates).toBe(0);
      expect(report.figures.status5xx).toBe(0);
      expect(report.details['people off the ground truth']).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
