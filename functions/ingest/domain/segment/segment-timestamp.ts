/**
 * Segment timestamps are meant to be ISO-8601, but Segment's own HTTP API batch example sends
 * "2015-2-02T00:30:08.276Z" (one-digit month). Accepting "whatever `Date` parses" is no answer:
 * V8's `Date` rejects exactly that string, yet accepts "March 7" (as 2001-03-07) and rolls
 * "2015-02-30" over into March. So this reads the ISO-8601 shape strictly but tolerantly: one- or
 * two-digit month, day and hour, `T` or a space, optional seconds and fraction, and an offset.
 * The calendar date must exist. Without an offset the time is taken as UTC rather than the host's
 * zone, so the same message always yields the same instant. Fractions beyond milliseconds are cut.
 */

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:\s?(Z|[+-]\d{2}(?::?\d{2})?))?$/i;

/** Returns the instant as `YYYY-MM-DDTHH:mm:ss.sssZ`, or undefined when the text is not such a date. */
export function normaliseSegmentTimestamp(text: string): string | undefined {
  const match = ISO_LIKE.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;

  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years below 100 into the 1900s.
  instant.setUTCFullYear(y, mo - 1, d);
  instant.setUTCHours(h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  instant.setTime(instant.getTime() - offsetMinutes * 60_000);
  return instant.toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
