import { describe, expect, it } from 'vitest';
import { costPerThousandRuns, STANDARD_TRANSITION_PRICE } from '../../../bench/journey-cost.ts';

describe('Function: costPerThousandRuns', () => {
  it('prices 1,000 runs of a 12-transition cart journey at the Standard workflow price', () => {
    // Act
    const cost = costPerThousandRuns(12);

    // Assess
    expect(STANDARD_TRANSITION_PRICE.usdPerThousandTransitions).toBe(0.025);
    expect(cost).toBeCloseTo(0.3, 10);
  });
});
