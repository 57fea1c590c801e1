/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

/** `measured / reference`, rounded to `digits` decimals; a zero reference has no ratio. */
export function ratio(measured: number, reference: number, digits = 3): number {
  if (reference === 0) throw new Error('ratio against a zero reference');
  return Number((measured / reference).toFixed(digits));
}

/** Operations per second, rounded to a whole number. */
export function perSecond(count: number, milliseconds: number): number {
  if (milliseconds <= 0) throw new Error('a rate needs a positive duration');
  return Math.round(count / (milliseconds / 1000));
}
