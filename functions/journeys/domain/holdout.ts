import { createHash } from 'node:crypto';

/**
 * Whether a customer is in a journey's holdout group: stable for the same (journey, customer), so a
 * customer never flips between groups, and close to `percent` across customers.
 */
export function isHeldOut(journey: string, customerKey: string, percent: number): boolean {
  if (percent <= 0) return false;
  const bucket = createHash('sha256').update(`${journey}:${customerKey}`).digest().readUInt32BE(0) % 10_000;
  return bucket < percent * 100;
}
