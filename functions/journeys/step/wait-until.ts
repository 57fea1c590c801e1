/**
 * When a `wait` node that is not a plain duration ends. `untilLocal`: the next time of day on the
 * customer's wall clock (their zone, else the store's), on an allowed weekday; a time that a DST
 * change skips that day is taken at the first instant after the gap. `until`: a date read from the
 * run's context (profile, trigger or facts), moved by an offset, and never before now.
 */
import { type ConditionContext, resolvePath } from '#journeys/definition/conditions.ts';
import { offsetSeconds } from '#journeys/definition/duration.ts';
import { addDays, instantsAtLocalTime, localDateTime } from '#messaging/domain/time-zone.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function nextLocalTime(now: Date, timeZone: string, time: string, days?: readonly Weekday[]): Date {
  const [hours, minutes] = time.split(':').map(Number);
  const minuteOfDay = (hours ?? 0) * 60 + (minutes ?? 0);
  const today = localDateTime(now.getTime(), timeZone);
  for (let ahead = 0; ahead <= 8; ahead += 1) {
    const date = addDays(today, ahead);
    const weekday = WEEKDAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
    if (days !== undefined && days.length > 0 && !days.includes(weekday as Weekday)) continue;
    const instant = instantsAtLocalTime(date, minuteOfDay, timeZone).find(
      (candidate) => candidate > now.getTime(),
    );
    if (instant !== undefined) return new Date(instant);
  }
  throw new RangeError(`no ${time} on ${days?.join(', ') ?? 'any day'} in ${timeZone} within a week`);
}

/** The date at `path` moved by `offset`; undefined when the context has no such date. */
export function dateFromContext(
  path: string,
  offset: string | undefined,
  context: ConditionContext,
): Date | undefined {
  const [value] = resolvePath(path, context);
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return undefined;
  const moved = Date.parse(value) + (offset === undefined ? 0 : offsetSeconds(offset) * 1000);
  return new Date(Math.max(moved, context.now.getTime()));
}
