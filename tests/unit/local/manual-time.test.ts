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
    await turn();
    time.advanceTo(START + 2000);
    await turn();
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
    await turn();

    // Assess
    expect(beforeAdvance).toEqual([]);
    expect(fired).toEqual(['one hour', 'two hours']);
    expect(timers.status()).toEqual({
      due: 0,
      nextDeadline: START + 24 * 3_600_000,
      waitingOwners: new Set(),
    });
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
    await turn();

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

    // Act
    timers.clearTimeout(handle);
    time.advanceTo(START + 5000);
    await turn();

    // Assess
    expect(fired).toBe(false);
    expect(timers.status()).toEqual({ due: 0, nextDeadline: undefined, waitingOwners: new Set() });
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
    expect(timers.status().waitingOwners).toEqual(new Set(['execution-a']));
  });
});
