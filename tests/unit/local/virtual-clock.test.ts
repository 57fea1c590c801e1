import { describe, expect, it } from 'vitest';
import { createScaledTimers, MAX_TIMER_DELAY_MS, type TimerFunctions } from '#local/clock/scaled-timers.ts';
import { createVirtualClock, virtualClockFromParameters } from '#local/clock/virtual-clock.ts';
import { createVirtualDate } from '#local/clock/virtual-date.ts';

const VIRTUAL_START = Date.UTC(2030, 0, 1);

/** A real time source the test moves by hand. */
function manualRealTime(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (milliseconds: number) => {
      now += milliseconds;
    },
  };
}

/** Timer functions that only record what they were asked to schedule; `fire` runs the next one. */
function recordingTimers() {
  const scheduled: Array<{ id: number; delay: number; callback: () => void; cleared: boolean }> = [];
  const timers: TimerFunctions = {
    setTimeout: (callback, delay = 0, ...args) => {
      const timer = { id: scheduled.length + 1, delay, callback: () => callback(...args), cleared: false };
      scheduled.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
    setInterval: (callback, delay = 0, ...args) => timers.setTimeout(callback, delay, ...args),
    clearInterval: (handle) => timers.clearTimeout(handle),
  };
  const fire = () => {
    const next = scheduled.find((timer) => !timer.cleared);
    if (next === undefined) throw new Error('nothing is scheduled');
    next.cleared = true;
    next.callback();
  };
  return { timers, scheduled, fire };
}

describe('Function: createVirtualClock', () => {
  it('runs the given number of times faster than real time from its start', () => {
    // Prepare
    const real = manualRealTime();
    const clock = createVirtualClock({ speed: 3600, start: VIRTUAL_START, realNow: real.now });

    // Act
    real.advance(1000);

    // Assess
    expect(clock.now()).toBe(VIRTUAL_START + 3_600_000);
    expect(clock.realDelay(3_600_000)).toBe(1000);
  });

  it('starts at the real time and runs at real speed by default', () => {
    // Prepare
    const real = manualRealTime(5_000);
    const clock = createVirtualClock({ realNow: real.now });

    // Act
    real.advance(250);

    // Assess
    expect(clock.now()).toBe(5_250);
    expect(clock.speed).toBe(1);
    expect(clock.epoch).toEqual({ real: 5_000, virtual: 5_000 });
  });

  it('rebuilds the same timeline from its parameters, as a worker does', () => {
    // Prepare
    const real = manualRealTime();
    const clock = createVirtualClock({ speed: 60, start: '2030-01-01T00:00:00Z', realNow: real.now });
    const rebuilt = virtualClockFromParameters(structuredClone(clock.parameters()), real.now);

    // Act
    real.advance(10_000);

    // Assess
    expect(rebuilt.now()).toBe(clock.now());
    expect(rebuilt.now()).toBe(VIRTUAL_START + 600_000);
  });

  it('fails for a speed that is not a positive number', () => {
    // Prepare
    const speeds = [0, -1, Number.NaN, Number.POSITIVE_INFINITY];

    // Act
    const failures = speeds.map((speed) => {
      try {
        createVirtualClock({ speed });
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    for (const failure of failures) expect(failure).toBeInstanceOf(RangeError);
  });

  it('fails for a start that is not a date', () => {
    // Prepare
    const start = 'not a date';

    // Act
    const create = () => createVirtualClock({ start });

    // Assess
    expect(create).toThrow(RangeError);
  });
});

describe('Function: createVirtualDate', () => {
  const VirtualDate = createVirtualDate(() => VIRTUAL_START);

  it('gives virtual time for new Date() and Date.now()', () => {
    // Prepare
    const expected = '2030-01-01T00:00:00.000Z';

    // Act
    const created = new VirtualDate();
    const now = VirtualDate.now();

    // Assess
    expect(created.toISOString()).toBe(expected);
    expect(now).toBe(VIRTUAL_START);
  });

  it('leaves dates built from a value unchanged', () => {
    // Prepare
    const iso = '2024-02-29T12:30:00.000Z';

    // Act
    const fromString = new VirtualDate(iso);
    const fromNumber = new VirtualDate(0);
    const fromParts = new VirtualDate(2024, 1, 29);

    // Assess
    expect(fromString.toISOString()).toBe(iso);
    expect(fromNumber.getTime()).toBe(0);
    expect(fromParts.getTime()).toBe(new Date(2024, 1, 29).getTime());
  });

  it('keeps Date.UTC and Date.parse', () => {
    // Prepare
    const iso = '2025-06-01T08:00:00Z';

    // Act
    const utc = VirtualDate.UTC(2025, 5, 1, 8);
    const parsed = VirtualDate.parse(iso);

    // Assess
    expect(utc).toBe(Date.UTC(2025, 5, 1, 8));
    expect(parsed).toBe(Date.parse(iso));
  });

  it('makes real Date instances, so instanceof works both ways', () => {
    // Prepare
    const created = new VirtualDate();

    // Act
    const isVirtual = created instanceof VirtualDate;
    const isReal = created instanceof Date;
    const realIsVirtual = new Date() instanceof VirtualDate;

    // Assess
    expect(isVirtual).toBe(true);
    expect(isReal).toBe(true);
    expect(realIsVirtual).toBe(true);
    expect(Object.prototype.toString.call(created)).toBe('[object Date]');
    expect(structuredClone(created).getTime()).toBe(VIRTUAL_START);
  });

  it('returns the virtual time as a string when called without new', () => {
    // Prepare
    const call = VirtualDate as unknown as () => string;

    // Act
    const text = call();

    // Assess
    expect(text).toBe(new Date(VIRTUAL_START).toString());
  });

  it('supports subclasses', () => {
    // Prepare
    class Stamp extends VirtualDate {}

    // Act
    const stamp = new Stamp();

    // Assess
    expect(stamp).toBeInstanceOf(Stamp);
    expect(stamp.getTime()).toBe(VIRTUAL_START);
  });
});

describe('Function: createScaledTimers', () => {
  /** A virtual clock at `speed` on a real time the test moves by hand. */
  function clockAt(speed: number) {
    const real = manualRealTime();
    return { real, clock: createVirtualClock({ speed, start: VIRTUAL_START, realNow: real.now }) };
  }

  it('divides timeout delays by the speed', () => {
    // Prepare
    const { timers, scheduled } = recordingTimers();
    const scaled = createScaledTimers(clockAt(3600).clock, timers);

    // Act
    scaled.setTimeout(() => undefined, 3_600_000);
    scaled.setInterval(() => undefined, 7_200_000);

    // Assess
    expect(scheduled.map((timer) => timer.delay)).toEqual([1000, 2000]);
  });

  it('passes extra arguments to the callback', () => {
    // Prepare
    const { real, clock } = clockAt(10);
    const { timers, fire } = recordingTimers();
    const scaled = createScaledTimers(clock, timers);
    const received: unknown[] = [];

    // Act
    scaled.setTimeout((...args) => received.push(...args), 100, 'a', 2);
    real.advance(10);
    fire();

    // Assess
    expect(received).toEqual(['a', 2]);
  });

  it('treats negative and missing delays as zero', () => {
    // Prepare
    const { timers, scheduled } = recordingTimers();
    const scaled = createScaledTimers(clockAt(2).clock, timers);

    // Act
    scaled.setTimeout(() => undefined, -500);
    scaled.setTimeout(() => undefined);

    // Assess
    expect(scheduled.map((timer) => timer.delay)).toEqual([0, 0]);
  });

  it('does not fire before the virtual clock reaches its deadline when the real timer fires early', () => {
    // Prepare: Node's timers count whole milliseconds on their own clock, so a 200 ms timer may run
    // when the wall clock the virtual clock follows has moved only 199 ms: 36 virtual seconds here.
    const { real, clock } = clockAt(36_000);
    const { timers, scheduled, fire } = recordingTimers();
    const scaled = createScaledTimers(clock, timers);
    const deadline = clock.now() + 2 * 3_600_000;
    const firedAt: number[] = [];
    scaled.setTimeout(() => firedAt.push(clock.now()), 2 * 3_600_000);

    // Act
    real.advance(199);
    fire();
    const firedEarly = firedAt.length;
    real.advance(1);
    fire();

    // Assess
    expect(firedEarly).toBe(0);
    expect(firedAt).toEqual([deadline]);
    expect(scheduled.map((timer) => timer.delay)).toEqual([200, 1]);
  });

  it('ends a wait until a virtual timestamp no earlier than the timestamp', () => {
    // Prepare: as a TimestampPath Wait does, the delay is the timestamp minus a virtual Date.now()
    // read a little before the timer is set.
    const { real, clock } = clockAt(36_000);
    const VirtualDate = createVirtualDate(clock.now);
    const { timers, scheduled, fire } = recordingTimers();
    const scaled = createScaledTimers(clock, timers);
    const until = VirtualDate.now() + 2 * 3_600_000 + 500;
    let exitedAt: number | undefined;

    // Act
    const delay = until - VirtualDate.now();
    real.advance(0.4);
    scaled.setTimeout(() => {
      exitedAt = VirtualDate.now();
    }, delay);
    while (exitedAt === undefined) {
      // Each real timer runs after the least real time Node allows: its delay less one millisecond.
      const next = scheduled.find((timer) => !timer.cleared)!;
      real.advance(Math.max(next.delay - 1, 0.25));
      fire();
    }

    // Assess
    expect(exitedAt).toBeGreaterThanOrEqual(until);
  });

  it('chains a delay longer than a Node timer holds instead of firing early', () => {
    // Prepare
    const { real, clock } = clockAt(1);
    const { timers, scheduled, fire } = recordingTimers();
    const scaled = createScaledTimers(clock, timers);
    const thirtyDays = 30 * 24 * 3_600_000;
    let fired = 0;

    // Act
    scaled.setTimeout(() => {
      fired += 1;
    }, thirtyDays);
    real.advance(MAX_TIMER_DELAY_MS);
    fire();
    const firedAfterFirstStep = fired;
    real.advance(thirtyDays - MAX_TIMER_DELAY_MS);
    fire();

    // Assess
    expect(firedAfterFirstStep).toBe(0);
    expect(fired).toBe(1);
    expect(scheduled.map((timer) => timer.delay)).toEqual([
      MAX_TIMER_DELAY_MS,
      thirtyDays - MAX_TIMER_DELAY_MS,
    ]);
  });

  it('cancels a timeout with clearTimeout, also after it was re-armed', () => {
    // Prepare
    const { real, clock } = clockAt(1);
    const { timers, scheduled, fire } = recordingTimers();
    const scaled = createScaledTimers(clock, timers);
    let fired = 0;
    const handle = scaled.setTimeout(() => {
      fired += 1;
    }, MAX_TIMER_DELAY_MS * 2);
    real.advance(MAX_TIMER_DELAY_MS);
    fire();

    // Act
    scaled.clearTimeout(handle);

    // Assess
    expect(scheduled).toHaveLength(2);
    expect(scheduled.every((timer) => timer.cleared)).toBe(true);
    expect(fired).toBe(0);
  });

  it('fails for a speed that is not positive', () => {
    // Prepare
    const { timers } = recordingTimers();

    // Act
    const create = () => createScaledTimers({ speed: 0, now: () => VIRTUAL_START }, timers);

    // Assess
    expect(create).toThrow(RangeError);
  });
});
