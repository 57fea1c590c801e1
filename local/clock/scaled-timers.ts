/**
 * `setTimeout`/`setInterval` whose delays are virtual milliseconds: a 3600 s wait at speed 3600 fires
 * after one real second. Delays beyond Node's 32-bit timer limit are chained instead of firing at
 * once (Node would clamp them to 1 ms with a TimeoutOverflowWarning), so a 30-day Wait at real
 * speed still waits 30 days.
 */

/** The subset of Node's timer functions the shim replaces. */
export interface TimerFunctions {
  setTimeout(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): unknown;
  clearInterval(handle: unknown): void;
}

/** Largest delay Node's timers accept (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

interface RealTimer {
  ref?(): unknown;
  unref?(): unknown;
  hasRef?(): boolean;
}

/** A timeout longer than one Node timer can hold, re-armed in steps until its full delay has passed. */
class ChainedTimeout {
  #timer: unknown;
  #remaining: number;
  #referenced = true;

  constructor(
    private readonly real: TimerFunctions,
    private readonly fire: () => void,
    realDelay: number,
  ) {
    this.#remaining = realDelay;
    this.#arm();
  }

  cancel(): void {
    this.real.clearTimeout(this.#timer);
  }

  ref(): this {
    this.#referenced = true;
    (this.#timer as RealTimer).ref?.();
    return this;
  }

  unref(): this {
    this.#referenced = false;
    (this.#timer as RealTimer).unref?.();
    return this;
  }

  hasRef(): boolean {
    return this.#referenced;
  }

  #arm(): void {
    const step = Math.min(this.#remaining, MAX_TIMER_DELAY_MS);
    this.#timer = this.real.setTimeout(() => {
      this.#remaining -= step;
      if (this.#remaining > 0) this.#arm();
      else this.fire();
    }, step);
    if (!this.#referenced) (this.#timer as RealTimer).unref?.();
  }
}

export function createScaledTimers(speed: number, real: TimerFunctions): TimerFunctions {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RangeError(`timer speed must be a positive number, got ${speed}`);
  }
  const realDelay = (delay: number | undefined) => {
    const virtual = Number(delay);
    return virtual > 0 ? virtual / speed : 0;
  };
  return {
    setTimeout(callback, delay, ...args) {
      const scaled = realDelay(delay);
      if (scaled <= MAX_TIMER_DELAY_MS) return real.setTimeout(callback, scaled, ...args);
      return new ChainedTimeout(real, () => callback(...args), scaled);
    },
    clearTimeout(handle) {
      if (handle instanceof ChainedTimeout) handle.cancel();
      else real.clearTimeout(handle);
    },
    // Intervals are only used for polling, never for waits measured in weeks; clamping is enough.
    setInterval(callback, delay, ...args) {
      return real.setInterval(callback, Math.min(realDelay(delay), MAX_TIMER_DELAY_MS), ...args);
    },
    clearInterval(handle) {
      real.clearInterval(handle);
    },
  };
}
