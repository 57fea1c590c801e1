/** The simulation's time grid: every event lies on start + k · tick, within [start, end). */
import { BEHAVIOUR } from './behaviour.ts';
import type { Random, Seed } from './random.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface World {
  seed: Seed;
  /** Short tag of the seed in every id, so runs with different seeds never share an event or order id. */
  tag: string;
  start: number;
  /** Exclusive: nothing is planned at or after it. */
  end: number;
  tickMs: number;
}

/** The first tick at or after `at`. */
export function tickAtOrAfter(world: World, at: number): number {
  return world.start + Math.max(0, Math.ceil((at - world.start) / world.tickMs)) * world.tickMs;
}

/** A delay of at least one tick, so two events it separates never share a tick. */
export function atLeastOneTick(world: World, delayMs: number): number {
  return Math.max(world.tickMs, delayMs);
}

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/**
 * A moment of local daytime on the local day that contains `around` (an hour drawn from the visit
 * curve), moved a day later when that lands before `notBefore`.
 */
export function localDaytime(
  random: Random,
  offsetMinutes: number,
  around: number,
  notBefore: number,
): number {
  const offsetMs = offsetMinutes * MINUTE_MS;
  const localMidnight = Math.floor((around + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  const hour = random.weighted(HOURS, BEHAVIOUR.localHourWeights);
  const at = localMidnight + hour * HOUR_MS + random.int(0, 59) * MINUTE_MS + random.int(0, 59) * 1000;
  return at >= notBefore ? at : at + DAY_MS * Math.ceil((notBefore - at) / DAY_MS);
}
