import { describe, expect, it } from 'vitest';
import { createScaledClock, ManualClock } from '#local/sqs/clock.ts';

describe('Function: createScaledClock', () => {
  it('runs the given number of times faster than its base clock', () => {
    // Prepare
    const base = new ManualClock(1_000_000);
    const scaled = createScaledClock(60, base);

    // Act
    base.advance(500);

    // Assess
    expect(scaled.now()).toBe(1_000_000 + 30_000);
  });

  it('rejects a speed that is not positive', () => {
    // Prepare
    const speed = 0;

    // Act
    const create = (): unknown => createScaledClock(speed);

    // Assess
    expect(create).toThrow(RangeError);
  });
});
