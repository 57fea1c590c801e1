import { describe, expect, it } from 'vitest';
import { nextFireTime } from '#local/scheduler/local-scheduler.ts';

describe('Function: nextFireTime', () => {
  it('fires a daily UTC cron at the next matching minute', () => {
    // Act
    const next = nextFireTime(
      { expression: 'cron(0 6 * * ? *)', timeZone: 'Etc/UTC' },
      Date.parse('2026-03-01T07:30:00Z'),
    );

    // Assess
    expect(new Date(next).toISOString()).toBe('2026-03-02T06:00:00.000Z');
  });

  it('fires a rate after its interval', () => {
    // Act + Assess
    expect(nextFireTime({ expression: 'rate(2 hours)', timeZone: 'UTC' }, 0)).toBe(2 * 60 * 60 * 1000);
  });

  it('fails for expressions it cannot run rather than guessing', () => {
    // Act + Assess
    expect(() => nextFireTime({ expression: 'cron(0 6 ? * MON *)', timeZone: 'UTC' }, 0)).toThrow(
      /cannot run/,
    );
    expect(() => nextFireTime({ expression: 'cron(0 6 * * ? *)', timeZone: 'Europe/Berlin' }, 0)).toThrow(
      /cannot run/,
    );
  });
});
