/**
 * Compact per-customer event counts for conditions such as "viewed a product in category tea at
 * least twice in 30 days": per event type and property value (a category, a product), a count per
 * UTC day. Bounded: days older than the longest window a segment asks for are dropped, and each
 * (type, value) keeps at most MAX_DAYS days; at most MAX_KEYS keys per customer, the least recently
 * counted dropped first. `countWithin` gives a window's total for a condition to compare.
 */

/** One customer's counts: key `<type>|<property>:<value>` → day → count. */
export type EventCounts = Record<string, Record<string, number>>;

export const MAX_DAYS = 180;
export const MAX_KEYS = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

export function countKey(type: string, property: string, value: string): string {
  return `${type}|${property}:${value.toLowerCase()}`;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** The counts after one more event on `at`, with what falls out of the bounds dropped. */
export function withEvent(counts: EventCounts, key: string, at: Date, keepDays = MAX_DAYS): EventCounts {
  const day = dayOf(at);
  const oldest = dayOf(new Date(at.getTime() - (keepDays - 1) * DAY_MS));
  const next: EventCounts = {};
  for (const [existing, days] of Object.entries(counts)) {
    const kept = Object.fromEntries(Object.entries(days).filter(([counted]) => counted >= oldest));
    if (Object.keys(kept).length > 0) next[existing] = kept;
  }
  const days = next[key] ?? {};
  next[key] = { ...days, [day]: (days[day] ?? 0) + 1 };
  const keys = Object.keys(next);
  if (keys.length <= MAX_KEYS) return next;
  // Too many keys: the ones counted least recently go.
  const latest = (name: string) =>
    Object.keys(next[name] ?? {})
      .sort()
      .at(-1) ?? '';
  const dropped = keys
    .filter((name) => name !== key)
    .sort((a, b) => latest(a).localeCompare(latest(b)) || a.localeCompare(b))
    .slice(0, keys.length - MAX_KEYS);
  for (const name of dropped) delete next[name];
  return next;
}

/** Events of a key in the `days` days up to and including the day of `now`. */
export function countWithin(counts: EventCounts, key: string, days: number, now: Date): number {
  const oldest = dayOf(new Date(now.getTime() - (days - 1) * DAY_MS));
  const today = dayOf(now);
  let total = 0;
  for (const [day, count] of Object.entries(counts[key] ?? {})) {
    if (day >= oldest && day <= today) total += count;
  }
  return total;
}
