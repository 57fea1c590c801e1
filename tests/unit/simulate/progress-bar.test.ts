import { describe, expect, it } from 'vitest';
import { createProgressWriter, type ProgressStream, renderProgress } from '#local/simulate/progress-bar.ts';

/** A stream that keeps what was written. */
function recordingStream(tty: { isTTY: boolean; columns?: number }): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return {
    ...tty,
    written,
    write(text: string) {
      written.push(text);
      return true;
    },
  };
}

describe('Function: renderProgress', () => {
  it('shows the bar, the share done, the counts, the time spent and the time left', () => {
    // Prepare
    const progress = { done: 5_000, total: 10_000, label: 'simulating', elapsedMs: 12_000 };

    // Act
    const line = renderProgress(progress);

    // Assess
    expect(line).toBe(
      'simulating [###############---------------]  50% 5,000/10,000  0:12 elapsed, ~0:12 left',
    );
  });

  it('leaves out the time left before anything is done and once everything is', () => {
    // Prepare
    const start = { done: 0, total: 10, label: 'simulating', elapsedMs: 0 };
    const end = { done: 10, total: 10, label: 'simulating', elapsedMs: 3_723_000 };

    // Act
    const lines = [renderProgress(start, 10), renderProgress(end, 10)];

    // Assess
    expect(lines).toEqual([
      'simulating [----------]   0% 0/10  0:00 elapsed',
      'simulating [##########] 100% 10/10  1:02:03 elapsed',
    ]);
  });

  it('clamps a count beyond the total and treats an empty total as finished', () => {
    // Prepare
    const over = { done: 12, total: 10, label: 'x', elapsedMs: 0 };
    const empty = { done: 0, total: 0, label: 'x', elapsedMs: 0 };

    // Act
    const lines = [renderProgress(over, 4), renderProgress(empty, 4)];

    // Assess
    expect(lines).toEqual(['x [####] 100% 10/10  0:00 elapsed', 'x [####] 100% 0/0  0:00 elapsed']);
  });
});

describe('Function: createProgressWriter', () => {
  it('prints one line every 10 % when the stream is not a terminal', () => {
    // Prepare
    const stream = recordingStream({ isTTY: false });
    const writer = createProgressWriter(stream, { label: 'simulating', now: () => 0 });

    // Act
    for (let done = 0; done <= 100; done += 1) writer.update(done, 100);
    writer.finish();

    // Assess
    expect(stream.written).toHaveLength(10);
    expect(stream.written.every((text) => text.endsWith('\n') && !text.includes('\r'))).toBe(true);
    expect(stream.written[0]).toContain(' 10% 10/100');
    expect(stream.written[9]).toContain('100% 100/100');
  });

  it('prints the last state when finished between two tenths', () => {
    // Prepare
    const stream = recordingStream({ isTTY: false });
    const writer = createProgressWriter(stream, { label: 'simulating', now: () => 0 });

    // Act
    writer.update(10, 100);
    writer.update(15, 100);
    writer.finish();

    // Assess
    expect(stream.written).toHaveLength(2);
    expect(stream.written[1]).toContain(' 15% 15/100');
  });

  it('redraws in place on a terminal, only when the line changes, and ends with a newline', () => {
    // Prepare
    const stream = recordingStream({ isTTY: true });
    const writer = createProgressWriter(stream, { label: 'simulating', now: () => 0 });

    // Act
    writer.update(1, 1_000);
    writer.update(1, 1_000);
    writer.update(2, 1_000);
    writer.finish();

    // Assess
    expect(stream.written).toHaveLength(3);
    expect(stream.written.slice(0, 2).every((text) => text.startsWith('\r') && !text.includes('\n'))).toBe(
      true,
    );
    expect(stream.written[2]).toBe('\n');
  });

  it('blanks what is left of a longer previous line', () => {
    // Prepare
    const stream = recordingStream({ isTTY: true });
    let now = 0;
    const writer = createProgressWriter(stream, { label: 'simulating', now: () => now });

    // Act
    now = 1_000;
    writer.update(500, 1_000);
    writer.update(1_000, 1_000);

    // Assess
    const [first = '', second = ''] = stream.written;
    expect(first).toContain('~0:01 left');
    expect(second.length).toBe(first.length);
    expect(second.trimEnd()).toBe(`\rsimulating [${'#'.repeat(30)}] 100% 1,000/1,000  0:01 elapsed`);
  });

  it('cuts lines to one column less than the terminal width', () => {
    // Prepare
    const stream = recordingStream({ isTTY: true, columns: 40 });
    const writer = createProgressWriter(stream, { label: 'simulating', now: () => 0 });

    // Act
    writer.update(500, 1_000);

    // Assess
    expect(stream.written[0]).toMatch(/^\r.{39}$/);
  });
});
