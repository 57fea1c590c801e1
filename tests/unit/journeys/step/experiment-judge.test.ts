import { describe, expect, it } from 'vitest';
import { experimentResults, experimentTallyOf } from '#journeys/step/experiment-judge.ts';

describe('Function: experimentTallyOf', () => {
  it("adds an experiment mail's first open and click, and a credited order with its revenue, to its variant", () => {
    // Act
    const engaged = experimentTallyOf(
      { step: 'last-chance', variant: 'last-chance:ten-off' },
      { opened: true, clicked: true },
    );
    const ordered = experimentTallyOf(
      { step: 'last-chance', variant: 'last-chance:ten-off' },
      { order: { currency: 'JPY', minorUnits: 4200 } },
    );

    // Assess
    expect(engaged).toEqual({ node: 'last-chance', names: ['opened@ten-off', 'clicked@ten-off'] });
    expect(ordered).toEqual({
      node: 'last-chance',
      names: ['converted@ten-off'],
      amounts: { 'revenue:JPY@ten-off': 4200 },
    });
  });

  it('adds nothing for a mail of a plain send step, or for nothing new', () => {
    expect(
      experimentTallyOf({ step: 'reminder-1', variant: 'reminder-1' }, { opened: true }),
    ).toBeUndefined();
    expect(experimentTallyOf({ step: 'last-chance', variant: 'last-chance:ten-off' }, {})).toBeUndefined();
  });
});

describe('Function: experimentResults', () => {
  it("reads each variant's figures from its node's counters, revenue back in the currency's units", () => {
    // Act
    const results = experimentResults(
      {
        sent: 30,
        'sent@a': 20,
        'opened@a': 12,
        'clicked@a': 5,
        'converted@a': 3,
        'revenue:USD@a': 12_345,
        'sent@b': 10,
        'revenue:JPY@b': 900,
      },
      ['a', 'b', 'c'],
    );

    // Assess: b has revenue but no conversion (a count lost to a crash): no revenue without one
    expect(results).toEqual([
      { id: 'a', recipients: 20, opens: 12, clicks: 5, conversions: 3, revenue: { USD: '123.45' } },
      { id: 'b', recipients: 10, opens: 0, clicks: 0, conversions: 0, revenue: {} },
      { id: 'c', recipients: 0, opens: 0, clicks: 0, conversions: 0, revenue: {} },
    ]);
  });

  it('never reports more opens, clicks or conversions than recipients (a retried count)', () => {
    expect(
      experimentResults({ 'sent@a': 2, 'opened@a': 3, 'clicked@a': 3, 'converted@a': 3 }, ['a']),
    ).toEqual([{ id: 'a', recipients: 2, opens: 2, clicks: 2, conversions: 2, revenue: {} }]);
  });
});
