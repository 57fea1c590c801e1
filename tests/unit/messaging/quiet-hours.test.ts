import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, isLocalTime, quietHoursDecision } from '#messaging/domain/quiet-hours.ts';

const at = (iso: string) => new Date(iso);

function sendAfterOf(now: string, timeZone: string, window = DEFAULT_QUIET_HOURS): string | undefined {
  const decision = quietHoursDecision(at(now), timeZone, window);
  return decision.quiet ? decision.sendAfter.toISOString() : undefined;
}

describe('Function: quietHoursDecision', () => {
  it('defaults to 21:00–08:00', () => {
    // Prepare
    const expected = { start: '21:00', end: '08:00' };

    // Act
    const window = DEFAULT_QUIET_HOURS;

    // Assess
    expect(window).toEqual(expected);
  });

  it('uses the default window when none is given', () => {
    // Prepare
    const lateEvening = at('2026-06-10T21:30:00Z');

    // Act
    const decision = quietHoursDecision(lateEvening, 'UTC');

    // Assess
    expect(decision).toEqual({ quiet: true, sendAfter: at('2026-06-11T08:00:00Z') });
  });

  it('is not quiet during the day', () => {
    // Prepare
    const noon = at('2026-06-10T12:00:00Z');

    // Act
    const decision = quietHoursDecision(noon, 'UTC', DEFAULT_QUIET_HOURS);

    // Assess
    expect(decision).toEqual({ quiet: false });
  });

  it('is quiet from the start minute on', () => {
    // Prepare
    const start = at('2026-06-10T21:00:00Z');

    // Act
    const decision = quietHoursDecision(start, 'UTC', DEFAULT_QUIET_HOURS);

    // Assess
    expect(decision.quiet).toBe(true);
  });

  it('is not quiet one millisecond before the start', () => {
    // Prepare
    const justBefore = at('2026-06-10T20:59:59.999Z');

    // Act
    const decision = quietHoursDecision(justBefore, 'UTC', DEFAULT_QUIET_HOURS);

    // Assess
    expect(decision).toEqual({ quiet: false });
  });

  it('is still quiet one millisecond before the end', () => {
    // Prepare
    const justBefore = at('2026-06-11T07:59:59.999Z');

    // Act
    const decision = quietHoursDecision(justBefore, 'UTC', DEFAULT_QUIET_HOURS);

    // Assess
    expect(decision).toEqual({ quiet: true, sendAfter: at('2026-06-11T08:00:00Z') });
  });

  it('is not quiet exactly at the end', () => {
    // Prepare
    const end = at('2026-06-11T08:00:00Z');

    // Act
    const decision = quietHoursDecision(end, 'UTC', DEFAULT_QUIET_HOURS);

    // Assess
    expect(decision).toEqual({ quiet: false });
  });

  it('sends after the next morning when the evening is quiet', () => {
    // Prepare
    const evening = '2026-06-10T23:15:00Z';

    // Act
    const sendAfter = sendAfterOf(evening, 'UTC');

    // Assess
    expect(sendAfter).toBe('2026-06-11T08:00:00.000Z');
  });

  it('sends after the same morning when it is past midnight', () => {
    // Prepare
    const smallHours = '2026-06-11T03:00:00Z';

    // Act
    const sendAfter = sendAfterOf(smallHours, 'UTC');

    // Assess
    expect(sendAfter).toBe('2026-06-11T08:00:00.000Z');
  });

  it('judges the time on the wall clock of the given zone, not UTC', () => {
    // Prepare: 19:30 UTC is 21:30 in Berlin in summer
    const now = '2026-06-10T19:30:00Z';

    // Act
    const sendAfter = sendAfterOf(now, 'Europe/Berlin');

    // Assess: 08:00 CEST
    expect(sendAfter).toBe('2026-06-11T06:00:00.000Z');
  });

  describe('windows that do not cross midnight', () => {
    const lunch = { start: '12:00', end: '14:00' };

    it('is quiet inside the window and ends the same day', () => {
      // Prepare
      const now = '2026-06-10T11:00:00Z'; // 13:00 in Berlin

      // Act
      const sendAfter = sendAfterOf(now, 'Europe/Berlin', lunch);

      // Assess
      expect(sendAfter).toBe('2026-06-10T12:00:00.000Z');
    });

    it('is not quiet before the window', () => {
      // Prepare
      const now = at('2026-06-10T09:59:00Z'); // 11:59 in Berlin

      // Act
      const decision = quietHoursDecision(now, 'Europe/Berlin', lunch);

      // Assess
      expect(decision).toEqual({ quiet: false });
    });

    it('is not quiet after the window, even late at night', () => {
      // Prepare
      const now = at('2026-06-10T21:30:00Z'); // 23:30 in Berlin

      // Act
      const decision = quietHoursDecision(now, 'Europe/Berlin', lunch);

      // Assess
      expect(decision).toEqual({ quiet: false });
    });

    it('is quiet at the start minute', () => {
      // Prepare
      const now = at('2026-06-10T10:00:00Z'); // 12:00 in Berlin

      // Act
      const decision = quietHoursDecision(now, 'Europe/Berlin', lunch);

      // Assess
      expect(decision).toEqual({ quiet: true, sendAfter: at('2026-06-10T12:00:00Z') });
    });
  });

  it('treats a window whose start equals its end as empty', () => {
    // Prepare
    const empty = { start: '08:00', end: '08:00' };

    // Act
    const decisions = ['07:59', '08:00', '20:00'].map((time) =>
      quietHoursDecision(at(`2026-06-10T${time}:00Z`), 'UTC', empty),
    );

    // Assess
    expect(decisions).toEqual([{ quiet: false }, { quiet: false }, { quiet: false }]);
  });

  describe('across DST changes', () => {
    it.each([
      {
        name: 'New York, the night clocks spring forward (2026-03-08): 08:00 EDT',
        zone: 'America/New_York',
        now: '2026-03-08T04:00:00Z', // 23:00 EST on the 7th
        sendAfter: '2026-03-08T12:00:00.000Z',
      },
      {
        name: 'New York, after the change the same night (01:30 EST → 08:00 EDT)',
        zone: 'America/New_York',
        now: '2026-03-08T06:30:00Z',
        sendAfter: '2026-03-08T12:00:00.000Z',
      },
      {
        name: 'New York, the night clocks fall back (2026-11-01): 08:00 EST',
        zone: 'America/New_York',
        now: '2026-11-01T02:00:00Z', // 22:00 EDT on 31 October
        sendAfter: '2026-11-01T13:00:00.000Z',
      },
      {
        name: 'Berlin, spring forward (2026-03-29): 08:00 CEST',
        zone: 'Europe/Berlin',
        now: '2026-03-28T21:00:00Z', // 22:00 CET
        sendAfter: '2026-03-29T06:00:00.000Z',
      },
      {
        name: 'Berlin, fall back (2026-10-25): 08:00 CET',
        zone: 'Europe/Berlin',
        now: '2026-10-24T21:00:00Z', // 23:00 CEST
        sendAfter: '2026-10-25T07:00:00.000Z',
      },
      {
        name: 'Lord Howe, the 30-minute fall back (2026-04-05): 08:00 at +10:30',
        zone: 'Australia/Lord_Howe',
        now: '2026-04-04T11:00:00Z', // 22:00 at +11:00
        sendAfter: '2026-04-04T21:30:00.000Z',
      },
      {
        name: 'Lord Howe, the 30-minute spring forward (2026-10-04): 08:00 at +11:00',
        zone: 'Australia/Lord_Howe',
        now: '2026-10-03T11:30:00Z', // 22:00 at +10:30
        sendAfter: '2026-10-03T21:00:00.000Z',
      },
    ])('ends at local 08:00 in $name', ({ zone, now, sendAfter }) => {
      // Prepare
      const window = DEFAULT_QUIET_HOURS;

      // Act
      const result = sendAfterOf(now, zone, window);

      // Assess
      expect(result).toBe(sendAfter);
    });

    it.each([
      {
        name: 'New York 02:30 on 2026-03-08 → 03:00 EDT',
        zone: 'America/New_York',
        window: { start: '22:00', end: '02:30' },
        now: '2026-03-08T06:00:00Z', // 01:00 EST
        sendAfter: '2026-03-08T07:00:00.000Z',
      },
      {
        name: 'Berlin 02:30 on 2026-03-29 → 03:00 CEST',
        zone: 'Europe/Berlin',
        window: { start: '23:00', end: '02:30' },
        now: '2026-03-28T23:30:00Z', // 00:30 CET
        sendAfter: '2026-03-29T01:00:00.000Z',
      },
      {
        name: 'Lord Howe 02:15 on 2026-10-04 → 02:30 at +11:00',
        zone: 'Australia/Lord_Howe',
        window: { start: '21:00', end: '02:15' },
        now: '2026-10-03T14:00:00Z', // 00:30 at +10:30
        sendAfter: '2026-10-03T15:30:00.000Z',
      },
      {
        name: 'Chatham 03:00 on 2026-09-27 → 03:45 at +13:45',
        zone: 'Pacific/Chatham',
        window: { start: '22:00', end: '03:00' },
        now: '2026-09-26T12:15:00Z', // 01:00 at +12:45
        sendAfter: '2026-09-26T14:00:00.000Z',
      },
    ])(
      'uses the first instant after the gap when the end does not exist: $name',
      ({ zone, window, now, sendAfter }) => {
        // Prepare
        const instant = now;

        // Act
        const result = sendAfterOf(instant, zone, window);

        // Assess
        expect(result).toBe(sendAfter);
      },
    );

    it('ends at the first 01:30 when clocks fall back over the end and it is before it', () => {
      // Prepare: 01:15 EDT, the first pass through 01:00–02:00
      const window = { start: '21:00', end: '01:30' };

      // Act
      const result = sendAfterOf('2026-11-01T05:15:00Z', 'America/New_York', window);

      // Assess: 01:30 EDT
      expect(result).toBe('2026-11-01T05:30:00.000Z');
    });

    it('ends at the second 01:30 when the wall clock is back before 01:30 after falling back', () => {
      // Prepare: 01:15 EST, the second pass
      const window = { start: '21:00', end: '01:30' };

      // Act
      const result = sendAfterOf('2026-11-01T06:15:00Z', 'America/New_York', window);

      // Assess: 01:30 EST
      expect(result).toBe('2026-11-01T06:30:00.000Z');
    });
  });

  describe('zones with odd offsets', () => {
    it('ends at 08:00 IST in Kolkata (+05:30)', () => {
      // Prepare: 22:30 IST
      const now = '2026-06-15T17:00:00Z';

      // Act
      const result = sendAfterOf(now, 'Asia/Kolkata');

      // Assess
      expect(result).toBe('2026-06-16T02:30:00.000Z');
    });

    it('is not quiet at 20:59 IST in Kolkata', () => {
      // Prepare
      const now = at('2026-06-15T15:29:00Z');

      // Act
      const decision = quietHoursDecision(now, 'Asia/Kolkata', DEFAULT_QUIET_HOURS);

      // Assess
      expect(decision).toEqual({ quiet: false });
    });

    it('ends at 08:00 on the Chatham Islands in summer (+13:45), a UTC day earlier', () => {
      // Prepare: 21:45 on 10 January local
      const now = '2026-01-10T08:00:00Z';

      // Act
      const result = sendAfterOf(now, 'Pacific/Chatham');

      // Assess: 08:00 on 11 January local
      expect(result).toBe('2026-01-10T18:15:00.000Z');
    });

    it('ends at 08:00 on the Chatham Islands in winter (+12:45)', () => {
      // Prepare: 21:45 on 1 July local
      const now = '2026-07-01T09:00:00Z';

      // Act
      const result = sendAfterOf(now, 'Pacific/Chatham');

      // Assess
      expect(result).toBe('2026-07-01T19:15:00.000Z');
    });
  });

  it('fails for a window that is not HH:MM', () => {
    // Prepare
    const window = { start: '9pm', end: '08:00' };

    // Act
    const act = () => quietHoursDecision(at('2026-06-10T12:00:00Z'), 'UTC', window);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('fails for an hour past 23', () => {
    // Prepare
    const window = { start: '21:00', end: '24:00' };

    // Act
    const act = () => quietHoursDecision(at('2026-06-10T12:00:00Z'), 'UTC', window);

    // Assess
    expect(act).toThrow(/HH:MM/);
  });

  it('fails for an unknown time zone', () => {
    // Prepare
    const zone = 'Mars/Olympus_Mons';

    // Act
    const act = () => quietHoursDecision(at('2026-06-10T12:00:00Z'), zone, DEFAULT_QUIET_HOURS);

    // Assess
    expect(act).toThrow(RangeError);
  });

  describe('properties', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Pacific/Chatham',
    ] as const;
    const anyInstant = fc.date({
      min: new Date('1975-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    // Random instants rarely fall on the nights that matter, so half of them are drawn near the
    // 2026 changes of the zones above.
    const transitions = [
      '2026-03-08T07:00:00Z',
      '2026-11-01T06:00:00Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T01:00:00Z',
      '2026-04-04T15:00:00Z',
      '2026-10-03T15:30:00Z',
      '2026-04-04T14:00:00Z',
      '2026-09-26T14:00:00Z',
    ].map((iso) => Date.parse(iso));
    const nearTransition = fc
      .tuple(fc.constantFrom(...transitions), fc.integer({ min: -36 * 3_600_000, max: 36 * 3_600_000 }))
      .map(([transition, shift]) => new Date(transition + shift));
    const instants = fc.oneof(anyInstant, nearTransition);
    const localTimes = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([hour, minute]) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
    const windows = fc.oneof(
      fc.constant(DEFAULT_QUIET_HOURS),
      fc.record({ start: localTimes, end: localTimes }).filter((window) => window.start !== window.end),
    );

    it('sends after an instant later than now that is not quiet itself', () => {
      // Prepare
      const cases = fc.tuple(instants, fc.constantFrom(...zones), windows);

      // Act & Assess
      fc.assert(
        fc.property(cases, ([now, zone, window]) => {
          const decision = quietHoursDecision(now, zone, window);
          if (!decision.quiet) return;
          expect(decision.sendAfter.getTime()).toBeGreaterThan(now.getTime());
          expect(quietHoursDecision(decision.sendAfter, zone, window)).toEqual({ quiet: false });
        }),
        { numRuns: 2000 },
      );
    });

    it('ends the default window no earlier than needed: quiet until the last millisecond', () => {
      // Prepare
      const cases = fc.tuple(instants, fc.constantFrom(...zones));

      // Act & Assess
      fc.assert(
        fc.property(cases, ([now, zone]) => {
          const decision = quietHoursDecision(now, zone, DEFAULT_QUIET_HOURS);
          if (!decision.quiet) return;
          const lastQuiet = new Date(decision.sendAfter.getTime() - 1);
          expect(quietHoursDecision(lastQuiet, zone, DEFAULT_QUIET_HOURS)).toEqual({
            quiet: true,
            sendAfter: decision.sendAfter,
          });
        }),
        { numRuns: 1000 },
      );
    });

    it('never keeps a default-window night quiet for more than 12 hours', () => {
      // Prepare: 11 h of night plus at most one DST shift of an hour
      const longestNight = 12 * 3_600_000;
      const cases = fc.tuple(instants, fc.constantFrom(...zones));

      // Act & Assess
      fc.assert(
        fc.property(cases, ([now, zone]) => {
          const decision = quietHoursDecision(now, zone, DEFAULT_QUIET_HOURS);
          if (!decision.quiet) return;
          expect(decision.sendAfter.getTime() - now.getTime()).toBeLessThanOrEqual(longestNight);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('Function: isLocalTime', () => {
  it('accepts 24-hour HH:MM times', () => {
    // Prepare
    const values = ['00:00', '08:00', '23:59'];

    // Act
    const results = values.map(isLocalTime);

    // Assess
    expect(results).toEqual([true, true, true]);
  });

  it('rejects anything else', () => {
    // Prepare
    const values = ['8:00', '24:00', '12:60', '08:00:00', '', ' 08:00'];

    // Act
    const results = values.map(isLocalTime);

    // Assess
    expect(results).toEqual([false, false, false, false, false, false]);
  });
});
