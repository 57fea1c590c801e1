import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualTimeBuffer, ManualTime } from '#local/clock/manual-time.ts';
import { createManualTimers } from '#local/clock/manual-timers.ts';
import type { TimerFunctions } from '#local/clock/scaled-timers.ts';
import { createVirtualClock, virtualClockFromParameters } from '#local/clock/virtual-clock.ts';

const START = Date.UTC(2026, 2, 2, 9);

const realTimers: TimerFunctions = {
  setTimeout: (callback, delay, ...args) => setTimeout(callback, delay, ...args),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback, delay, ...args) => setInterval(callback, delay, ...args),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Lets the listener of an advance and the timers' due run happen. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Waits (up to two seconds of real time) until `done` holds. An advance reaches its listeners through
 * `Atomics.waitAsync`, whose first wake-up in a process can take longer than a few milliseconds.
 */
async function until(done: () => boolean): Promise<void> {
  for (const started = Date.now(); !done() && Date.now() - started < 2000; ) await turn();
}

describe('Class: ManualTime', () => {
  it('stands still until advanced, then reads the new time', () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));

    // Act
    const before = time.now();
    time.advanceTo(START + 60_000);

    // Assess
    expect(before).toBe(START);
    expect(time.now()).toBe(START + 60_000);
  });

  it('fails to go back in time', () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));

    // Act & Assess
    expect(() => time.advanceTo(START - 1)).toThrow(/cannot go back/);
  });

  it('tells listeners of each advance', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const seen: number[] = [];
    const stop = time.onAdvance(() => seen.push(time.now()));

    // Act
    time.advanceTo(START + 1000);
    await until(() => seen.length === 1);
    time.advanceTo(START + 2000);
    await until(() => seen.length === 2);
    stop();

    // Assess
    expect(seen).toEqual([START + 1000, START + 2000]);
  });

  it('shares its time with a clock rebuilt from the parameters, as a worker thread would', () => {
    // Prepare
    const clock = createVirtualClock({ manual: true, start: START });
    const rebuilt = virtualClockFromParameters(clock.parameters());

    // Act
    clock.manual?.advanceTo(START + 3_600_000);

    // Assess
    expect(rebuilt.now()).toBe(START + 3_600_000);
    expect(rebuilt.manual).toBeDefined();
  });
});

describe('Function: createManualTimers', () => {
  it('fires timers only once time reaches them, earliest deadline first', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers);
    const fired: string[] = [];
    timers.setTimeout(() => fired.push('two hours'), 2 * 3_600_000);
    timers.setTimeout(() => fired.push('one hour'), 3_600_000);
    timers.setTimeout(() => fired.push('a day'), 24 * 3_600_000);

    // Act
    await turn();
    const beforeAdvance = [...fired];
    time.advanceTo(START + 3 * 3_600_000);
    await until(() => fired.length >= 2);
    await turn();

    // Assess
    expect(beforeAdvance).toEqual([]);
    expect(fired).toEqual(['one hour', 'two hours']);
    expect(timers.status()).toMatchObject({ due: 0, nextDeadline: START + 24 * 3_600_000 });
  });

  it('fires a zero delay without an advance', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers);
    let fired = false;

    // Act
    timers.setTimeout(() => {
      fired = true;
    }, 0);
    const dueBefore = timers.status().due;
    await until(() => fired);

    // Assess
    expect(dueBefore).toBe(1);
    expect(fired).toBe(true);
  });

  it('does not fire a cleared timer', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers);
    let fired = false;
    const handle = timers.setTimeout(() => {
      fired = true;
    }, 1000);

    // Act: a later timer fires once the advance has been seen
    let later = false;
    timers.setTimeout(() => {
      later = true;
    }, 2000);
    timers.clearTimeout(handle);
    time.advanceTo(START + 5000);
    await until(() => later);

    // Assess
    expect(fired).toBe(false);
    expect(timers.status()).toMatchObject({ due: 0, nextDeadline: undefined });
  });
});

describe('Function: createManualTimers at scale', () => {
  it('fires any mix of timers, cleared ones left out, by deadline and then in the order they were set', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 50 }), clear: fc.boolean() }), {
          maxLength: 3000,
        }),
        async (planned) => {
          // Prepare: few distinct deadlines, so many timers share one; enough clears to rebuild the heap
          const time = new ManualTime(createManualTimeBuffer(START));
          const timers = createManualTimers(time, realTimers);
          const fired: number[] = [];
          const handles = planned.map(({ delay }, index) =>
            timers.setTimeout(() => fired.push(index), delay * 1000),
          );
          planned.forEach(({ clear }, index) => {
            if (clear) timers.clearTimeout(handles[index]);
          });
          const expected = planned
            .map(({ delay, clear }, index) => ({ delay, clear, index }))
            .filter(({ clear }) => !clear)
            .sort((a, b) => a.delay - b.delay || a.index - b.index)
            .map(({ index }) => index);

          // Act
          time.advanceTo(START + 50_000);
          await until(() => fired.length >= expected.length);
          await turn();

          // Assess
          expect(fired).toEqual(expected);
          expect(timers.status()).toMatchObject({ due: 0, nextDeadline: undefined });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('runs a zero delay set by a firing timer on a later turn, after the promises it started', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers);
    const fired: string[] = [];
    timers.setTimeout(() => {
      fired.push('first');
      timers.setTimeout(() => fired.push('set by first'), 0);
      queueMicrotask(() => fired.push("first one's promise"));
    }, 1000);
    timers.setTimeout(() => fired.push('second'), 1000);

    // Act
    time.advanceTo(START + 1000);
    await until(() => fired.length === 4);

    // Assess
    expect(fired).toEqual(['first', 'second', "first one's promise", 'set by first']);
  });

  it('tells the earliest future deadline while timers due now have not run yet', () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers);
    timers.setTimeout(() => undefined, 1000);
    timers.setTimeout(() => undefined, 5000);
    timers.setTimeout(() => undefined, 3000);

    // Act: the due run is scheduled for the next turn, so the 1-second timer is still pending
    time.advanceTo(START + 2000);
    const status = timers.status();

    // Assess
    expect(status).toMatchObject({ due: 1, nextDeadline: START + 3000 });
  });
});

describe('Function: createManualTimers with owners', () => {
  it('names who waits on a future timer, as the Step Functions engine asks per execution', () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    let owner: string | undefined = 'execution-a';
    const timers = createManualTimers(time, realTimers, () => owner);

    // Act
    timers.setTimeout(() => undefined, 60_000);
    owner = 'execution-b';
    const handle = timers.setTimeout(() => undefined, 120_000);
    timers.clearTimeout(handle);

    // Assess
    expect(timers.status().isWaiting('execution-a')).toBe(true);
    expect(timers.status().isWaiting('execution-b')).toBe(false);
  });

  it('stops naming an owner once its timer has fired', async () => {
    // Prepare
    const time = new ManualTime(createManualTimeBuffer(START));
    const timers = createManualTimers(time, realTimers, () => 'execution-a');
    let fired = false;
    timers.setTimeout(() => {
      fired = true;
    }, 60_000);

    // Act
    time.advanceTo(START + 60_000);
    await until(() => fired);

    // Assess
    expect(timers.status().isWaiting('execution-a')).toBe(false);
  });
});
