/**
 * Virtual time for the local runtime: `virtual = virtualStart + (realNow - realStart) × speed`, so at
 * speed 3600 an hour of journey waits passes in a real second while timestamps stay plausible.
 */

import { createManualTimeBuffer, ManualTime } from './manual-time.ts';

/** What a worker thread needs to rebuild the same clock; plain data so it survives `workerData`. */
export interface VirtualClockParameters {
  /** Real epoch milliseconds when virtual time started. */
  readonly realStart: number;
  /** Virtual epoch milliseconds at `realStart`. */
  readonly virtualStart: number;
  /** Virtual milliseconds per real millisecond; 1 is real time. */
  readonly speed: number;
  /** Present on manual time (simulations): "now" lives in this buffer and moves only by `advanceTo`. */
  readonly manual?: SharedArrayBuffer;
}

export interface VirtualClock {
  readonly speed: number;
  /** The moment both timelines were aligned (epoch milliseconds on each). */
  readonly epoch: { readonly real: number; readonly virtual: number };
  /** Virtual epoch milliseconds; also satisfies the SQS `Clock`, so queues can share this time. */
  now(): number;
  /** Real milliseconds that `virtualMilliseconds` of virtual time take. */
  realDelay(virtualMilliseconds: number): number;
  /** Plain parameters for `workerData`, rebuilt with `virtualClockFromParameters`. */
  parameters(): VirtualClockParameters;
  /** Set when time moves only when advanced (`VirtualClockOptions.manual`). */
  readonly manual: ManualTime | undefined;
}

export interface VirtualClockOptions {
  /** @default 1 (real time) */
  speed?: number;
  /** Virtual time at creation. @default - the real time at creation */
  start?: Date | number | string;
  /** Real time source; captured before any Date shim is installed. @default Date.now */
  realNow?: () => number;
  /**
   * Time stands still until `manual.advanceTo` moves it: for simulations that step the runtime and
   * wait for it to settle between steps. `speed` is then 1, so a Task timeout means its own seconds.
   */
  manual?: boolean;
}

// Captured at module evaluation so a clock built after `Date` was replaced still reads real time.
const realDateNow = Date.now;

export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const realNow = options.realNow ?? realDateNow;
  const realStart = realNow();
  const virtualStart = options.start === undefined ? realStart : new Date(options.start).getTime();
  if (Number.isNaN(virtualStart))
    throw new RangeError(`invalid virtual clock start: ${String(options.start)}`);
  if (options.manual === true) {
    return virtualClockFromParameters(
      { realStart, virtualStart, speed: 1, manual: createManualTimeBuffer(virtualStart) },
      realNow,
    );
  }
  return virtualClockFromParameters({ realStart, virtualStart, speed: options.speed ?? 1 }, realNow);
}

export function virtualClockFromParameters(
  parameters: VirtualClockParameters,
  realNow: () => number = realDateNow,
): VirtualClock {
  const { realStart, virtualStart, speed } = parameters;
  if (parameters.manual !== undefined) {
    const manual = new ManualTime(parameters.manual);
    return {
      speed: 1,
      epoch: { real: realStart, virtual: virtualStart },
      now: () => manual.now(),
      realDelay: (virtualMilliseconds) => Math.max(0, virtualMilliseconds),
      parameters: () => parameters,
      manual,
    };
  }
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RangeError(`clock speed must be a positive number, got ${speed}`);
  }
  return {
    speed,
    epoch: { real: realStart, virtual: virtualStart },
    now: () => Math.floor(virtualStart + (realNow() - realStart) * speed),
    realDelay: (virtualMilliseconds) => Math.max(0, virtualMilliseconds) / speed,
    parameters: () => ({ realStart, virtualStart, speed }),
    manual: undefined,
  };
}
