import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertFrequencyPolicy,
  bypassesCaps,
  DEFAULT_FREQUENCY_POLICY,
  type FrequencyPolicy,
  frequencyDecision,
  pruneHistory,
} from '#messaging/domain/frequency-policy.ts';

const HOUR = 3_600_000;
const now = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * HOUR);
const hoursFromNow = (hours: number) => new Date(now.getTime() + hours * HOUR);

describe('Function: frequencyDecision', () => {
  it('defaults to 1 per 16 hours and 3 per 7 days', () => {
    // Prepare
    const expected = {
      windows: [
        { hours: 16, max: 1 },
        { hours: 168, max: 3 },
      ],
    };

    // Act
    const policy = DEFAULT_FREQUENCY_POLICY;

    // Assess
    expect(policy).toEqual(expected);
  });

  it('allows the first marketing mail', () => {
    // Prepare
    const history: Date[] = [];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: true });
  });

  it('caps a second mail within 16 hours until the first is 16 hours old', () => {
    // Prepare
    const history = [hoursAgo(10)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(6), window: { hours: 16, max: 1 } });
  });

  it('allows a send exactly when the previous one is one window length old', () => {
    // Prepare
    const history = [hoursAgo(16)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: true });
  });

  it('caps one millisecond before the previous send is one window length old', () => {
    // Prepare
    const history = [new Date(hoursAgo(16).getTime() + 1)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({
      allowed: false,
      opensAt: new Date(now.getTime() + 1),
      window: { hours: 16, max: 1 },
    });
  });

  it('caps the fourth mail in 7 days until the oldest of the three ages out', () => {
    // Prepare
    const history = [hoursAgo(100), hoursAgo(60), hoursAgo(20)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess: 168 - 100 = 68 hours from now
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(68), window: { hours: 168, max: 3 } });
  });

  it('reports the window that holds the send back longest when both are full', () => {
    // Prepare: 16 h window opens in 6 h, 7 day window in 18 h
    const history = [hoursAgo(150), hoursAgo(40), hoursAgo(10)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(18), window: { hours: 168, max: 3 } });
  });

  it('reports the short window when it opens later than the long one', () => {
    // Prepare: 7 day window opens in 1 h, 16 h window in 15 h
    const history = [hoursAgo(167), hoursAgo(100), hoursAgo(1)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(15), window: { hours: 16, max: 1 } });
  });

  it('does not care in which order the history is given', () => {
    // Prepare
    const history = [hoursAgo(20), hoursAgo(100), hoursAgo(60)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(68), window: { hours: 168, max: 3 } });
  });

  it('counts sends recorded slightly in the future (clock skew) until they age out', () => {
    // Prepare
    const history = [hoursFromNow(0.5)];

    // Act
    const decision = frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(16.5), window: { hours: 16, max: 1 } });
  });

  it('counts two sends at the same instant as two', () => {
    // Prepare
    const policy: FrequencyPolicy = { windows: [{ hours: 24, max: 2 }] };
    const history = [hoursAgo(3), hoursAgo(3)];

    // Act
    const decision = frequencyDecision(history, now, policy);

    // Assess
    expect(decision).toEqual({ allowed: false, opensAt: hoursFromNow(21), window: { hours: 24, max: 2 } });
  });

  it('allows everything under a policy without windows', () => {
    // Prepare
    const history = [hoursAgo(0), hoursAgo(0), hoursAgo(0)];

    // Act
    const decision = frequencyDecision(history, now, { windows: [] });

    // Assess
    expect(decision).toEqual({ allowed: true });
  });

  it('uses the default policy when none is given', () => {
    // Prepare
    const history = [hoursAgo(1)];

    // Act
    const decision = frequencyDecision(history, now);

    // Assess
    expect(decision.allowed).toBe(false);
  });

  it('does not close one window by opening another (opening instants only move forward)', () => {
    // Prepare: three windows whose opening instants all differ
    const policy: FrequencyPolicy = {
      windows: [
        { hours: 4, max: 1 },
        { hours: 24, max: 2 },
        { hours: 72, max: 3 },
      ],
    };
    const history = [hoursAgo(70), hoursAgo(20), hoursAgo(2)];
    const opensAt = frequencyDecision(history, now, policy);
    if (opensAt.allowed) throw new Error('expected the history to be capped');

    // Act: every window on its own, at the combined opening instant
    const perWindow = policy.windows.map(
      (window) => frequencyDecision(history, opensAt.opensAt, { windows: [window] }).allowed,
    );

    // Assess
    expect(opensAt.opensAt).toEqual(hoursFromNow(4));
    expect(perWindow).toEqual([true, true, true]);
  });

  it('fails for a history with an invalid date', () => {
    // Prepare
    const history = [new Date('not a date')];

    // Act
    const act = () => frequencyDecision(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(act).toThrow(RangeError);
  });

  describe('properties', () => {
    const windows = fc.array(
      fc.record({ hours: fc.integer({ min: 1, max: 200 }), max: fc.integer({ min: 1, max: 5 }) }),
      { minLength: 1, maxLength: 3 },
    );
    const policies = fc.oneof(
      fc.constant(DEFAULT_FREQUENCY_POLICY),
      windows.map((list) => ({ windows: list })),
    );
    const histories = fc.array(
      fc.integer({ min: -240 * HOUR, max: HOUR }).map((offset) => new Date(now.getTime() + offset)),
      { maxLength: 12 },
    );

    it('is allowed at opensAt and capped one millisecond before it', () => {
      // Prepare
      const cases = fc.tuple(histories, policies);

      // Act & Assess
      fc.assert(
        fc.property(cases, ([history, policy]) => {
          const decision = frequencyDecision(history, now, policy);
          if (decision.allowed) return;
          expect(decision.opensAt.getTime()).toBeGreaterThan(now.getTime());
          expect(frequencyDecision(history, decision.opensAt, policy)).toEqual({ allowed: true });
          expect(frequencyDecision(history, new Date(decision.opensAt.getTime() - 1), policy).allowed).toBe(
            false,
          );
        }),
        { numRuns: 2000 },
      );
    });

    it('stays allowed at every instant after it first allows', () => {
      // Prepare
      const cases = fc.tuple(histories, policies, fc.integer({ min: 0, max: 400 * HOUR }));

      // Act & Assess
      fc.assert(
        fc.property(cases, ([history, policy, later]) => {
          const decision = frequencyDecision(history, now, policy);
          const openFrom = decision.allowed ? now.getTime() : decision.opensAt.getTime();
          expect(frequencyDecision(history, new Date(openFrom + later), policy)).toEqual({ allowed: true });
        }),
        { numRuns: 1000 },
      );
    });

    it('decides the same on the pruned history as on the full one, now and later', () => {
      // Prepare
      const cases = fc.tuple(histories, policies, fc.integer({ min: 0, max: 400 * HOUR }));

      // Act & Assess
      fc.assert(
        fc.property(cases, ([history, policy, later]) => {
          const pruned = pruneHistory(history, now, policy);
          const at = new Date(now.getTime() + later);
          expect(frequencyDecision(pruned, now, policy)).toEqual(frequencyDecision(history, now, policy));
          expect(frequencyDecision(pruned, at, policy)).toEqual(frequencyDecision(history, at, policy));
        }),
        { numRuns: 1000 },
      );
    });

    it('keeps the pruned history within the largest max', () => {
      // Prepare
      const cases = fc.tuple(histories, policies);

      // Act & Assess
      fc.assert(
        fc.property(cases, ([history, policy]) => {
          const pruned = pruneHistory(history, now, policy);
          const largestMax = Math.max(...policy.windows.map((window) => window.max));
          expect(pruned.length).toBeLessThanOrEqual(largestMax);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('Function: pruneHistory', () => {
  it('drops sends older than the longest window', () => {
    // Prepare
    const history = [hoursAgo(200), hoursAgo(168), hoursAgo(100)];

    // Act
    const pruned = pruneHistory(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess: a send exactly 168 h old no longer counts anywhere
    expect(pruned).toEqual([hoursAgo(100)]);
  });

  it('keeps no more than the largest max, however many sends bypassed the caps', () => {
    // Prepare: ten sends in the last ten hours
    const history = Array.from({ length: 10 }, (_, index) => hoursAgo(index));

    // Act
    const pruned = pruneHistory(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(pruned).toEqual([hoursAgo(2), hoursAgo(1), hoursAgo(0)]);
  });

  it('returns the kept sends oldest first', () => {
    // Prepare
    const history = [hoursAgo(1), hoursAgo(50), hoursAgo(20)];

    // Act
    const pruned = pruneHistory(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(pruned).toEqual([hoursAgo(50), hoursAgo(20), hoursAgo(1)]);
  });

  it('keeps sends a short window with a larger max still needs', () => {
    // Prepare: 5 per hour, 1 per day
    const policy: FrequencyPolicy = {
      windows: [
        { hours: 1, max: 5 },
        { hours: 24, max: 1 },
      ],
    };
    const history = [hoursAgo(20), hoursAgo(0.5), hoursAgo(0.25), hoursAgo(0.1)];

    // Act
    const pruned = pruneHistory(history, now, policy);

    // Assess: the 20 h old send is only needed if it were the most recent one
    expect(pruned).toEqual([hoursAgo(0.5), hoursAgo(0.25), hoursAgo(0.1)]);
  });

  it('keeps nothing from an empty history', () => {
    // Prepare
    const history: Date[] = [];

    // Act
    const pruned = pruneHistory(history, now, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(pruned).toEqual([]);
  });
});

describe('Function: bypassesCaps', () => {
  const policy: FrequencyPolicy = { ...DEFAULT_FREQUENCY_POLICY, bypassPriority: 100 };

  it('lets a message at the bypass priority through', () => {
    // Prepare
    const priority = 100;

    // Act
    const bypasses = bypassesCaps(priority, policy);

    // Assess
    expect(bypasses).toBe(true);
  });

  it('caps a message just below the bypass priority', () => {
    // Prepare
    const priority = 99;

    // Act
    const bypasses = bypassesCaps(priority, policy);

    // Assess
    expect(bypasses).toBe(false);
  });

  it('caps every message when the policy has no bypass priority', () => {
    // Prepare
    const priority = Number.MAX_SAFE_INTEGER;

    // Act
    const bypasses = bypassesCaps(priority, DEFAULT_FREQUENCY_POLICY);

    // Assess
    expect(bypasses).toBe(false);
  });
});

describe('Function: assertFrequencyPolicy', () => {
  it('accepts the default policy', () => {
    // Prepare
    const policy = DEFAULT_FREQUENCY_POLICY;

    // Act
    const act = () => assertFrequencyPolicy(policy);

    // Assess
    expect(act).not.toThrow();
  });

  it.each([
    { name: 'zero hours', window: { hours: 0, max: 1 } },
    { name: 'negative hours', window: { hours: -1, max: 1 } },
    { name: 'infinite hours', window: { hours: Number.POSITIVE_INFINITY, max: 1 } },
    { name: 'a max of zero', window: { hours: 16, max: 0 } },
    { name: 'a fractional max', window: { hours: 16, max: 1.5 } },
  ])('fails for a window with $name', ({ window }) => {
    // Prepare
    const policy: FrequencyPolicy = { windows: [window] };

    // Act
    const act = () => frequencyDecision([], now, policy);

    // Assess
    expect(act).toThrow(RangeError);
  });
});
