import { MinHeap } from '../min-heap.ts';
import type { ManualTime } from './manual-time.ts';
import type { TimerFunctions } from './scaled-timers.ts';

/** What a thread on manual time is waiting for; a simulation steps to `nextDeadline`. */
export interface TimerStatus {
  /** Timers already due that have not run yet. */
  due: number;
  /** Virtual epoch milliseconds of the earliest timer still in the future. */
  nextDeadline: number | undefined;
  /** Whether this owner (see `createManualTimers`' `ownerOf`) has a timer still pending. */
  isWaiting(owner: string): boolean;
}

interface Entry {
  deadline: number;
  sequence: number;
  fire: () => void;
  owner: string | undefined;
  cleared: boolean;
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
  // A simulation asks for the status at every step with tens of thousands of Waits pending, so the
  // earliest deadline comes from a heap and the owners' timers are counted, not searched.
  const queue = new DeadlineHeap();
  const pendingByOwner = new Map<string, number>();
  let sequence = 0;
  let dueRunScheduled = false;

  /** The timer will not fire (any more): its owner waits on one timer less. */
  const release = (entry: Entry): void => {
    entry.cleared = true;
    if (entry.owner === undefined) return;
    const left = (pendingByOwner.get(entry.owner) ?? 1) - 1;
    if (left === 0) pendingByOwner.delete(entry.owner);
    else pendingByOwner.set(entry.owner, left);
  };
  const fireDue = (): void => {
    dueRunScheduled = false;
    const now = time.now();
    // A timer a callback sets with a zero delay sorts after every one due now; it waits for the next turn.
    const setBefore = sequence;
    for (let entry = queue.peek(); entry !== undefined && entry.deadline <= now; entry = queue.peek()) {
      if (entry.sequence >= setBefore) break;
      queue.pop();
      // A callback may clear a timer that came due with it.
      if (entry.cleared) continue;
      release(entry);
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
        cleared: false,
      };
      queue.push(entry);
      if (entry.owner !== undefined) {
        pendingByOwner.set(entry.owner, (pendingByOwner.get(entry.owner) ?? 0) + 1);
      }
      if (entry.deadline <= time.now()) scheduleDueRun();
      return new ManualTimeout(entry);
    },
    clearTimeout(handle) {
      if (!(handle instanceof ManualTimeout) || handle.entry.cleared) return;
      release(handle.entry);
      queue.noteCleared();
    },
    setInterval(callback, delay, ...args) {
      return real.setInterval(callback, delay, ...args);
    },
    clearInterval(handle) {
      real.clearInterval(handle);
    },
    status() {
      const now = time.now();
      queue.dropCleared();
      // Due timers run right after an advance, so counting them (a scan) is rare.
      const due = (queue.peek()?.deadline ?? Number.POSITIVE_INFINITY) <= now ? queue.countDue(now) : 0;
      return {
        due,
        nextDeadline: due === 0 ? queue.peek()?.deadline : queue.earliestAfter(now),
        isWaiting: (owner) => pendingByOwner.has(owner),
      };
    },
  };
}

/** Timers by deadline, then by the order they were set; cleared ones leave lazily. */
class DeadlineHeap {
  readonly #heap = new MinHeap<Entry>(before);
  /** Entries in the heap whose timer was cleared. */
  #cleared = 0;

  peek(): Entry | undefined {
    return this.#heap.peek();
  }

  push(entry: Entry): void {
    this.#heap.push(entry);
  }

  pop(): Entry | undefined {
    const top = this.#heap.pop();
    if (top?.cleared) this.#cleared -= 1;
    return top;
  }

  /** A cleared timer stays until it reaches the top; past half the heap, the heap is rebuilt. */
  noteCleared(): void {
    this.#cleared += 1;
    if (this.#cleared < 1024 || this.#cleared * 2 < this.#heap.size) return;
    this.#heap.retain((entry) => !entry.cleared);
    this.#cleared = 0;
  }

  /** The top must be a live timer for `peek` to mean anything. */
  dropCleared(): void {
    while (this.#heap.peek()?.cleared) this.pop();
  }

  countDue(now: number): number {
    return this.#heap.values().filter((entry) => !entry.cleared && entry.deadline <= now).length;
  }

  earliestAfter(now: number): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.#heap.values()) {
      if (entry.cleared || entry.deadline <= now) continue;
      if (earliest === undefined || entry.deadline < earliest) earliest = entry.deadline;
    }
    return earliest;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.sequence < b.sequence);
}
