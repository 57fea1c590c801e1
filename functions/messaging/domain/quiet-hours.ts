/**
 * Quiet hours: marketing mail that would land in the customer's night waits for their morning.
 * Everything is judged on the customer's wall clock, so a night that is an hour shorter or longer
 * because of a DST change still ends at the local `end` time.
 */
import { addDays, instantsAtLocalTime, localDateTime } from './time-zone.ts';

/** Local wall times as `HH:MM` (24-hour). `start` is inside the window, `end` is the first minute after it. */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '08:00' };

export type QuietHoursDecision = { quiet: false } | { quiet: true; sendAfter: Date };

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** For config validation at the edge, e.g. as a zod `refine`. */
export function isLocalTime(value: string): boolean {
  return LOCAL_TIME.test(value);
}

/**
 * Whether `now` falls in the window on the wall clock of `timeZone`, and if so the instant the
 * window next ends there. A window whose start is after its end crosses midnight (21:00–08:00);
 * one whose start equals its end is empty, so nothing is ever quiet.
 *
 * `sendAfter` is always after `now` and never itself quiet. If the local end time does not exist
 * that day (clocks spring forward over it), it is the first instant after the gap; if it occurs
 * twice (clocks fall back over it), the first occurrence after `now`.
 *
 * Throws RangeError for a malformed window or an unknown time zone: both are configuration bugs.
 */
export function quietHoursDecision(
  now: Date,
  timeZone: string,
  window: QuietHours = DEFAULT_QUIET_HOURS,
): QuietHoursDecision {
  const start = minuteOfDay(window.start);
  const end = minuteOfDay(window.end);
  const instant = now.getTime();
  if (!isQuietAt(instant, timeZone, start, end)) return { quiet: false };

  const today = localDateTime(instant, timeZone);
  // The end is today or tomorrow; a further day only matters when the end falls into a DST gap
  // that lands inside the window again (start and end both in the gap), or a zone skipped a day.
  for (let days = 0; days <= 3; days += 1) {
    for (const candidate of instantsAtLocalTime(addDays(today, days), end, timeZone)) {
      if (candidate > instant && !isQuietAt(candidate, timeZone, start, end)) {
        return { quiet: true, sendAfter: new Date(candidate) };
      }
    }
  }
  throw new Error(
    `Quiet hours ${window.start}–${window.end} in ${timeZone} do not end after ${now.toISOString()}`,
  );
}

function isQuietAt(instant: number, timeZone: string, start: number, end: number): boolean {
  const local = localDateTime(instant, timeZone);
  const minute = local.hour * 60 + local.minute;
  if (start < end) return minute >= start && minute < end;
  if (start > end) return minute >= start || minute < end;
  return false;
}

function minuteOfDay(value: string): number {
  const match = LOCAL_TIME.exec(value);
  if (match === null) throw new RangeError(`Quiet hours must be HH:MM (24-hour), got "${value}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}
