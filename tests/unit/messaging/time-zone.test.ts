import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatLocalMinute,
  instantsAtLocalTime,
  isTimeZone,
  offsetAt,
} from '#messaging/domain/time-zone.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('Function: offsetAt', () => {
  it.each([
    { zone: 'Asia/Kolkata', iso: '2026-06-15T12:00:00Z', offset: 5.5 * HOUR },
    { zone: 'Pacific/Chatham', iso: '2026-01-10T12:00:00Z', offset: 13 * HOUR + 45 * MINUTE },
    { zone: 'Pacific/Chatham', iso: '2026-07-10T12:00:00Z', offset: 12 * HOUR + 45 * MINUTE },
    { zone: 'Australia/Lord_Howe', iso: '2026-01-10T12:00:00Z', offset: 11 * HOUR },
    { zone: 'Australia/Lord_Howe', iso: '2026-07-10T12:00:00Z', offset: 10.5 * HOUR },
    { zone: 'America/New_York', iso: '2026-01-10T12:00:00Z', offset: -5 * HOUR },
  ])('reads $zone at $iso', ({ zone, iso, offset }) => {
    // Prepare
    const instant = Date.parse(iso);

    // Act
    const result = offsetAt(instant, zone);

    // Assess
    expect(result).toBe(offset);
  });

  it('ignores the milliseconds of the instant', () => {
    // Prepare
    const instant = Date.parse('2026-06-15T12:00:00.999Z');

    // Act
    const result = offsetAt(instant, 'Europe/Berlin');

    // Assess
    expect(result).toBe(2 * HOUR);
  });
});

describe('Function: instantsAtLocalTime', () => {
  it('finds the one instant of an ordinary local time', () => {
    // Prepare
    const date = { year: 2026, month: 3, day: 10 };

    // Act
    const instants = instantsAtLocalTime(date, 8 * 60, 'Europe/Berlin');

    // Assess
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual(['2026-03-10T07:00:00.000Z']);
  });

  it('finds both instants of a local time that happens twice when clocks fall back', () => {
    // Prepare
    const date = { year: 2026, month: 10, day: 25 };

    // Act
    const instants = instantsAtLocalTime(date, 2 * 60 + 30, 'Europe/Berlin');

    // Assess
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('gives the end of the gap for a local time that never happens', () => {
    // Prepare
    const date = { year: 2026, month: 3, day: 29 };

    // Act
    const instants = instantsAtLocalTime(date, 2 * 60 + 30, 'Europe/Berlin');

    // Assess: 03:00 CEST
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual(['2026-03-29T01:00:00.000Z']);
  });
});

describe('Function: addDays', () => {
  it('rolls over months and years', () => {
    // Prepare
    const newYearsEve = { year: 2026, month: 12, day: 31 };

    // Act
    const next = addDays(newYearsEve, 1);

    // Assess
    expect(next).toEqual({ year: 2027, month: 1, day: 1 });
  });

  it('knows leap days', () => {
    // Prepare
    const date = { year: 2028, month: 2, day: 28 };

    // Act
    const next = addDays(date, 1);

    // Assess
    expect(next).toEqual({ year: 2028, month: 2, day: 29 });
  });
});

describe('Function: isTimeZone', () => {
  it('accepts IANA zones and rejects the rest', () => {
    // Prepare
    const values = ['Europe/Berlin', 'UTC', 'Pacific/Chatham', '', 'Europe/Atlantis', 'GMT+25'];

    // Act
    const results = values.map(isTimeZone);

    // Assess
    expect(results).toEqual([true, true, true, false, false, false]);
  });
});

describe('Function: formatLocalMinute', () => {
  it('shows the wall time in the zone, zero-padded', () => {
    // Prepare
    const instant = Date.parse('2026-01-04T18:20:00Z');

    // Act
    const text = formatLocalMinute(instant, 'Pacific/Chatham');

    // Assess: +13:45 crosses into the next day
    expect(text).toBe('2026-01-05 08:05');
  });

  it('shows midnight as 00, not 24', () => {
    // Prepare
    const instant = Date.parse('2026-01-04T00:00:00Z');

    // Act
    const text = formatLocalMinute(instant, 'UTC');

    // Assess
    expect(text).toBe('2026-01-04 00:00');
  });
});
