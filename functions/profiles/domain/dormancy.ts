import type { Profile } from './profile.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The UTC day a customer falls dormant: `dormancyDays` after their last order. Stored on the profile
 * item as a sparse index key, so the daily win-back scan reads one day's partition instead of every profile.
 */
export function dormantOn(profile: Profile, dormancyDays: number): string | undefined {
  const lastOrderAt = profile.lifecycle.lastOrderAt;
  if (lastOrderAt === undefined || profile.mergedInto !== undefined) return undefined;
  return new Date(Date.parse(lastOrderAt) + dormancyDays * DAY_MS).toISOString().slice(0, 10);
}
