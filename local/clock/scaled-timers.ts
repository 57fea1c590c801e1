/**
 * `setTimeout`/`setInterval` whose delays are virtual milliseconds: a 3600 s wait at speed 3600 fires
 * after one real second. A timeout fires only once the virtual clock has reached its deadline (the
 * clock's reading when it was set, plus its delay): Node's timers count whole milliseconds on their
 * own monotonic clock, so a real timer may fire up to a millisecond before that many milliseconds
 * have passed on the wall clock the virtual clock follows, and at speed 36,000 one real millisecond
 * is 36 virtual seconds. A timer that fires early is re-armed for what is left. Delays beyond Node's
 * 32-bit timer limit are chained the same way instead of firing at once (Node would clamp them to
 * 1 ms with a TimeoutOverflowWarning), so a 30-day Wait at real speed still waits 30 days.
 */

/** The subset of Node's timer functions the shim replaces. */
export interface TimerFunctions {
  setTimeout(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]): unknown;
  clearInterval(handle: unknown): void;
}

/** The time the scaled timers measure their deadlines on (a `VirtualClock` is one). */
export interface ScaledTime {
  /** Virtual milliseconds per real millisecond. */
  readonly speed: number;
  /** Virtual epoch milliseconds. */
  now(): number;
}

/** Largest delay Node's timers accept (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

interface RealTimer {
  ref?(): unknown;
  unref?(): unknown;
  hasRef?(): boolean;
}

/**
 * A timeout due at a virtual deadline: it arms real timers for the real time left until the virtual
 * clock reads the deadline, and fires only when it does. Its handle looks like Node's enough for code
 * that refs, unrefs or refreshes it.
 */
class VirtualTimeout {
  #timer: unknown;
  #deadline = 0;
  #referenced = true;

  constructor(
    private readonly time: ScaledTime,
    private readonly real: TimerFunctions,
    private readonly fire: () => void,
    private readonly delay: number,
  ) {
    this.refresh();
  }

  cancel(): void {
    if (this.#timer !== undefined) this.real.clearTimeout(this.#timer);
  }

  /** Starts the delay again from now, as Node's `timeout.refresh()` does. */
  refresh(): this {
    this.cancel();
    this.#deadline = this.time.now() + this.delay;
    this.#arm();
    return this;
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
    const left = this.#deadline - this.time.now();
    const step = Math.min(Math.max(0, left) / this.time.speed, MAX_TIMER_DELAY_MS);
    this.#timer = this.real.setTimeout(() => {
      if (this.time.now() >= this.#deadline) this.fire();
      else this.#arm();
    }, step);
    if (!this.#referenced) (this.#timer as RealTimer).unref?.();
  }
}

export function createScaledTimers(time: ScaledTime, real: TimerFunctions): TimerFunctions {
  const { speed } = time;
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RangeError(`timer speed must be a positive number, got ${speed}`);
  }
  const realDelay = (delay: number | undefined) => {
    const virtual = Number(delay);
    return virtual > 0 ? virtual / speed : 0;
  };
  return {
    setTimeout(callback, delay, ...args) {
      const virtual = Number(delay);
      return new VirtualTimeout(time, real, () => callback(...args), virtual > 0 ? virtual : 0);
    },
    clearTimeout(handle) {
      if (handle instanceof VirtualTimeout) handle.cancel();
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
