/** Time is injected so domain rules are testable and the local runtime can run faster than real time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: string | Date): Clock {
  const date = new Date(at);
  return { now: () => new Date(date) };
}
