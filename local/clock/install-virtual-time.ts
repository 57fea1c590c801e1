import { createManualTimers, type TimerStatus } from './manual-timers.ts';
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
    /** On manual time: who sets a timer, so `timerStatus` can say who is waiting. */
    timerOwner?: () => string | undefined;
  },
): { clock: VirtualClock; timerStatus: (() => TimerStatus) | undefined } {
  const RealDate = globalThis.Date;
  const clock = virtualClockFromParameters(parameters, RealDate.now);
  globalThis.Date = createVirtualDate(clock.now, RealDate);
  if (!options.scaleTimers) return { clock, timerStatus: undefined };
  const real: TimerFunctions = {
    setTimeout: (globalThis.setTimeout as TimerFunctions['setTimeout']).bind(globalThis),
    clearTimeout: (globalThis.clearTimeout as TimerFunctions['clearTimeout']).bind(globalThis),
    setInterval: (globalThis.setInterval as TimerFunctions['setInterval']).bind(globalThis),
    clearInterval: (globalThis.clearInterval as TimerFunctions['clearInterval']).bind(globalThis),
  };
  const manualTimers =
    clock.manual === undefined ? undefined : createManualTimers(clock.manual, real, options.timerOwner);
  const timers = manualTimers ?? createScaledTimers(clock, real);
  globalThis.setTimeout = timers.setTimeout as typeof globalThis.setTimeout;
  globalThis.clearTimeout = timers.clearTimeout as typeof globalThis.clearTimeout;
  globalThis.setInterval = timers.setInterval as typeof globalThis.setInterval;
  globalThis.clearInterval = timers.clearInterval as typeof globalThis.clearInterval;
  return { clock, timerStatus: manualTimers?.status };
}
