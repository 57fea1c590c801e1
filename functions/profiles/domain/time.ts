/** Event times arrive with any UTC offset; profiles store them as UTC ISO strings so they compare as text. */
export function toUtc(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function isAfter(a: string, b: string | undefined): boolean {
  return b === undefined || a > b;
}

export function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
