export { installVirtualTime } from './install-virtual-time.ts';
export {
  createScaledTimers,
  MAX_TIMER_DELAY_MS,
  type ScaledTime,
  type TimerFunctions,
} from './scaled-timers.ts';
export {
  createVirtualClock,
  type VirtualClock,
  type VirtualClockOptions,
  type VirtualClockParameters,
  virtualClockFromParameters,
} from './virtual-clock.ts';
export { createVirtualDate } from './virtual-date.ts';
