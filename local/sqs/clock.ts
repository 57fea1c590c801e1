/** Milliseconds since the epoch; injected so tests and a sped-up runtime decide when visibility timeouts end. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `speed` times faster than wall time from the moment it is created, so a 30 s
 * visibility timeout passes in 30 / speed real seconds while timestamps stay plausible.
 */
export function createScaledClock(speed: number, base: Clock = systemClock): Clock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  const start = base.now();
  return { now: () => Math.floor(start + (base.now() - start) * speed) };
}

/** A clock that only moves when told to; lets tests cross visibility timeouts without sleeping. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
