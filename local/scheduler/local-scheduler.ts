import type { ScheduleDefinition } from '../topology/read-topology.ts';

const MINUTE = 60_000;
const UNIT_MS = {
  minute: MINUTE,
  minutes: MINUTE,
  hour: 60 * MINUTE,
  hours: 60 * MINUTE,
  day: 1440 * MINUTE,
  days: 1440 * MINUTE,
};

/**
 * When a schedule fires next after `after` (epoch ms). Covers what this app declares: `rate(n unit)`
 * and daily/hourly `cron(m h * * ? *)` in UTC; anything else is refused loudly rather than guessed.
 */
export function nextFireTime(
  schedule: Pick<ScheduleDefinition, 'expression' | 'timeZone'>,
  after: number,
): number {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(schedule.expression);
  if (rate !== null) return after + Number(rate[1]) * UNIT_MS[rate[2] as keyof typeof UNIT_MS];
  const cron = /^cron\((\d+|\*) (\d+|\*) \* \* \? \*\)$/.exec(schedule.expression);
  if (cron === null || !['UTC', 'Etc/UTC'].includes(schedule.timeZone)) {
    throw new Error(`the local scheduler cannot run ${schedule.expression} in ${schedule.timeZone}`);
  }
  const [, minute, hour] = cron;
  for (let candidate = Math.floor(after / MINUTE) * MINUTE + MINUTE; ; candidate += MINUTE) {
    const at = new Date(candidate);
    if (
      (minute === '*' || at.getUTCMinutes() === Number(minute)) &&
      (hour === '*' || at.getUTCHours() === Number(hour))
    ) {
      return candidate;
    }
  }
}

/**
 * EventBridge Scheduler for the local runtime: fires each schedule on the runtime's (possibly sped-up)
 * clock by invoking its target function with the schedule's input.
 */
export function startLocalScheduler(options: {
  schedules: ScheduleDefinition[];
  now: () => number;
  invoke: (schedule: ScheduleDefinition) => Promise<void>;
  onError: (error: unknown) => void;
  /** Real milliseconds between checks. @default 250 */
  tickMs?: number;
}): LocalScheduler {
  const next = new Map(
    options.schedules.map((schedule) => [schedule, nextFireTime(schedule, options.now())]),
  );
  let invocations = 0;
  const check = () => {
    const now = options.now();
    for (const [schedule, at] of next) {
      if (at > now) continue;
      next.set(schedule, nextFireTime(schedule, now));
      invocations += 1;
      options.invoke(schedule).catch(options.onError);
    }
  };
  const timer = setInterval(check, options.tickMs ?? 250);
  timer.unref();
  return {
    check,
    nextFireAt: () => Math.min(...next.values()),
    get invocations() {
      return invocations;
    },
    close: () => clearInterval(timer),
  };
}

export interface LocalScheduler {
  /** Fires what is due now; also runs on its own every `tickMs`. */
  check(): void;
  /** When the next schedule fires (epoch ms on the runtime's clock); Infinity without schedules. */
  nextFireAt(): number;
  /** Target invocations so far (Scheduler bills per invocation). */
  readonly invocations: number;
  close(): void;
}
