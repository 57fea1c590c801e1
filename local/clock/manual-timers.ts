import type { ManualTime } from './manual-time.ts';
import type { TimerFunctions } from './scaled-timers.ts';

/** What a thread on manual time is waiting for; a simulation steps to `nextDeadline`. */
export interface TimerStatus {
  /** Timers already due that have not run yet. */
  due: number;
  /** Virtual epoch milliseconds of the earliest timer still in the future. */
  nextDeadline: number | undefined;
  /** Owners (see `createManualTimers`' `ownerOf`) with a timer still in the future. */
  waitingOwners: Set<string>;
}

interface Entry {
  deadline: number;
  sequence: number;
  fire: () => void;
  owner: string | undefined;
}

/** Timer handles look like Node's enough for code that refs, unrefs or refreshes them. */
class ManualTimeout {
  constructor(readonly entry: Entry) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return false;
  }
}

/**
 * `setTimeout` on manual time: a timer fires once time has been advanced to its deadline, timers that
 * come due together fire in deadline order (then in the order they were set), and a zero delay fires
 * on the next turn of the event loop. Intervals are only used for polling and stay on real time.
 */
export function createManualTimers(
  time: ManualTime,
  real: TimerFunctions,
  /** Who is setting a timer, e.g. the execution whose async context sets it. @default - nobody */
  ownerOf: () => string | undefined = () => undefined,
): TimerFunctions & { status(): TimerStatus } {
  const pending = new Set<Entry>();
  let sequence = 0;
  let dueRunScheduled = false;

  const fireDue = (): void => {
    dueRunScheduled = false;
    const now = time.now();
    const due = [...pending]
      .filter((entry) => entry.deadline <= now)
      .sort((a, b) => a.deadline - b.deadline || a.sequence - b.sequence);
    for (const entry of due) {
      // A callback may clear a timer that came due with it.
      if (!pending.delete(entry)) continue;
      entry.fire();
    }
  };
  const scheduleDueRun = (): void => {
    if (dueRunScheduled) return;
    dueRunScheduled = true;
    real.setTimeout(fireDue, 0);
  };
  time.onAdvance(scheduleDueRun);

  return {
    setTimeout(callback, delay, ...args) {
      const entry: Entry = {
        deadline: time.now() + Math.max(0, Number(delay) || 0),
        sequence: sequence++,
        fire: () => callback(...args),
        owner: ownerOf(),
      };
      pending.add(entry);
      if (entry.deadline <= time.now()) scheduleDueRun();
      return new ManualTimeout(entry);
    },
    clearTimeout(handle) {
      if (handle instanceof ManualTimeout) pending.delete(handle.entry);
    },
    setInterval(callback, delay, ...args) {
      return real.setInterval(callback, delay, ...args);
    },
    clearInterval(handle) {
      real.clearInterval(handle);
    },
    status() {
      const now = time.now();
      let due = 0;
      let nextDeadline: number | undefined;
      const waitingOwners = new Set<string>();
      for (const entry of pending) {
        if (entry.deadline <= now) {
          due += 1;
          continue;
        }
        if (nextDeadline === undefined || entry.deadline < nextDeadline) nextDeadline = entry.deadline;
        if (entry.owner !== undefined) waitingOwners.add(entry.owner);
      }
      return { due, nextDeadline, waitingOwners };
    },
  };
}
