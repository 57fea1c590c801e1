/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl.DateTimeFormat`: the runtime's
 * tz database is the only source of offsets, so no rules are copied here and none go stale.
 * Instants are epoch milliseconds; a "local" value is what a wall clock in the zone shows.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface LocalDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

// Building a formatter costs far more than using one; zones are few, so one per zone is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      // h23, not hour12: false, which some ICU versions render as "24" at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the zone, e.g. `Europe/Berlin`; false for typos and empty strings. */
export function isTimeZone(value: string): boolean {
  if (value === '') return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/** What a wall clock in `timeZone` shows at `instant`. Throws RangeError for an unknown zone. */
export function localDateTime(instant: number, timeZone: string): LocalDateTime {
  const local: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        local[part.type] = Number(part.value);
        break;
      default:
        break;
    }
  }
  return local;
}

/** The zone's UTC offset at `instant` in milliseconds (local minus UTC; +05:30 is 19 800 000). */
export function offsetAt(instant: number, timeZone: string): number {
  const local = localDateTime(instant, timeZone);
  // The formatter has no milliseconds, so compare against the instant's whole second.
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return wallAsUtc(local) - wholeSecond;
}

/** The calendar date `days` after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * Every instant at which the wall clock in `timeZone` shows `minuteOfDay` on `date`, earliest
 * first: one normally, two when clocks fall back over that time. When clocks spring forward over
 * it, the time never shows; then the answer is the first instant after the gap (the transition),
 * which is when a "do it at 02:30" intention can first be honoured.
 *
 * Assumes at most one offset change within a day of the wanted time, which holds for every zone
 * in the tz database since 1970 apart from the odd calendar-day skip (handled as a gap).
 */
export function instantsAtLocalTime(date: LocalDate, minuteOfDay: number, timeZone: string): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  // A day either side of the wall time read as UTC brackets the true instant in every zone (±14 h).
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((instant) => offsetAt(instant, timeZone) === wall - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates;
  if (after <= before) {
    throw new Error(`No instant shows ${minuteOfDay} minutes past midnight in ${timeZone}`);
  }
  return [transitionBetween(wall - after, wall - before, before, timeZone)];
}

/** The first instant in (from, to] whose offset is no longer `offsetBefore`; `from` still has it. */
function transitionBetween(from: number, to: number, offsetBefore: number, timeZone: string): number {
  let low = from;
  let high = to;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle, timeZone) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}

/** `2026-03-02 08:00`, the local wall time at `instant`, for sentences people read. */
export function formatLocalMinute(instant: number, timeZone: string): string {
  const local = localDateTime(instant, timeZone);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${String(local.year).padStart(4, '0')}-${two(local.month)}-${two(local.day)} ${two(local.hour)}:${two(local.minute)}`;
}

function wallAsUtc(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}
