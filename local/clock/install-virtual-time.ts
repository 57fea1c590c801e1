import { createScaledTimers, type TimerFunctions } from './scaled-timers.ts';
import {
  type VirtualClock,
  type VirtualClockParameters,
  virtualClockFromParameters,
} from './virtual-clock.ts';
import { createVirtualDate } from './virtual-date.ts';

/**
 * Puts the current thread on virtual time. Call it in a worker thread before importing the code that
 * should see it: `Date` (and with `scaleTimers`, `setTimeout`/`setInterval`) are replaced for the
 * whole thread, never for the main thread, whose servers and pollers must stay on real time.
 */
export function installVirtualTime(
  parameters: VirtualClockParameters,
  options: {
    /** Divide timer delays by the speed. Only for code whose timers are waits, not network timeouts. */
    scaleTimers: boolean;
  },
): VirtualClock {
  const RealDate = globalThis.Date;
  const clock = virtualClockFromParameters(parameters, RealDate.now);
  globalThis.Date = createVirtualDate(clock.now, RealDate);
  if (options.scaleTimers) {
    const real: TimerFunctions = {
      setTimeout: globalThis.setTimeout as TimerFunctions['setTimeout'],
      clearTimeout: globalThis.clearTimeout as TimerFunctions['clearTimeout'],
      setInterval: globalThis.setInterval as TimerFunctions['setInterval'],
      clearInterval: globalThis.clearInterval as TimerFunctions['clearInterval'],
    };
    const scaled = createScaledTimers(clock.speed, {
      setTimeout: real.setTimeout.bind(globalThis),
      clearTimeout: real.clearTimeout.bind(globalThis),
      setInterval: real.setInterval.bind(globalThis),
      clearInterval: real.clearInterval.bind(globalThis),
    });
    globalThis.setTimeout = scaled.setTimeout as typeof globalThis.setTimeout;
    globalThis.clearTimeout = scaled.clearTimeout as typeof globalThis.clearTimeout;
    globalThis.setInterval = scaled.setInterval as typeof globalThis.setInterval;
    globalThis.clearInterval = scaled.clearInterval as typeof globalThis.clearInterval;
  }
  return clock;
}
