/**
 * Virtual time that moves only when told to: a simulation advances it step by step, after the runtime
 * has finished reacting to the previous step, so the same inputs give the same run however fast the
 * machine is. The value lives in shared memory, so every thread (functions, the Step Functions engine)
 * reads the same "now" and learns of each advance.
 */

// Layout: [0..8) virtual epoch milliseconds (BigInt64), [8..12) advance counter (Int32).
const BYTES = 16;
const NOW_INDEX = 0;
const VERSION_INDEX = 2;

export function createManualTimeBuffer(start: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(BYTES);
  Atomics.store(new BigInt64Array(buffer), NOW_INDEX, BigInt(Math.floor(start)));
  return buffer;
}

export class ManualTime {
  readonly #now: BigInt64Array;
  readonly #version: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#now = new BigInt64Array(buffer, 0, 1);
    this.#version = new Int32Array(buffer, 0, BYTES / 4);
  }

  now(): number {
    return Number(Atomics.load(this.#now, NOW_INDEX));
  }

  /** Moves time forward (never back) and wakes every thread that listens with `onAdvance`. */
  advanceTo(virtualMs: number): void {
    const target = Math.floor(virtualMs);
    if (target < this.now()) {
      throw new RangeError(`manual time cannot go back from ${this.now()} to ${target}`);
    }
    Atomics.store(this.#now, NOW_INDEX, BigInt(target));
    Atomics.add(this.#version, VERSION_INDEX, 1);
    Atomics.notify(this.#version, VERSION_INDEX);
  }

  /**
   * Calls `listener` in this thread after each advance. The wait does not keep the thread alive on
   * its own; worker threads stay up through their message ports.
   */
  onAdvance(listener: () => void): () => void {
    let stopped = false;
    const loop = (seen: number): void => {
      const wait = Atomics.waitAsync(this.#version, VERSION_INDEX, seen);
      const next = () => {
        if (stopped) return;
        const version = Atomics.load(this.#version, VERSION_INDEX);
        if (version !== seen) listener();
        loop(version);
      };
      if (wait.async) void wait.value.then(next);
      else queueMicrotask(next);
    };
    loop(Atomics.load(this.#version, VERSION_INDEX));
    return () => {
      stopped = true;
    };
  }
}
