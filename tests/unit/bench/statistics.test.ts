import { describe, expect, it } from 'vitest';
import { median, perSecond, ratio } from '../../../bench/statistics.ts';

describe('Function: median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    // Act
    const middle = median([310, 120, 150, 900, 140]);

    // Assess
    expect(middle).toBe(150);
  });

  it('averages the two middle values of an even count', () => {
    // Act
    const middle = median([4, 1, 3, 2]);

    // Assess
    expect(middle).toBe(2.5);
  });

  it('fails on no values', () => {
    // Act & Assess
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('Function: ratio', () => {
  it('rounds to the given decimals', () => {
    // Act
    const tracked = ratio(269, 1136);
    const coldStart = ratio(258.4, 162, 2);

    // Assess
    expect(tracked).toBe(0.237);
    expect(coldStart).toBe(1.6);
  });

  it('fails against a zero reference', () => {
    // Act & Assess
    expect(() => ratio(1, 0)).toThrow('zero reference');
  });
});

describe('Function: perSecond', () => {
  it('turns a count over milliseconds into a whole rate', () => {
    // Act
    const rate = perSecond(5000, 18_587);

    // Assess
    expect(rate).toBe(269);
  });

  it('fails on a duration of zero', () => {
    // Act & Assess
    expect(() => perSecond(10, 0)).toThrow('positive duration');
  });
});
