/** A one-line progress bar: redrawn in place on a terminal, a line every 10 % anywhere else (CI logs, pipes). */

export interface Progress {
  done: number;
  total: number;
  label: string;
  /** Wall-clock time since the start, for the elapsed time and the estimate of what is left. */
  elapsedMs: number;
}

const BAR_WIDTH = 30;

/**
 * `simulating [###############---------------]  50% 5,000/10,000  0:12 elapsed, ~0:12 left` (ASCII only,
 * so its length is its width). `done` is clamped to `[0, total]`; a total of 0 counts as finished.
 */
export function renderProgress({ done, total, label, elapsedMs }: Progress, barWidth = BAR_WIDTH): string {
  const clamped = Math.min(Math.max(done, 0), Math.max(total, 0));
  const fraction = total > 0 ? clamped / total : 1;
  const filled = Math.floor(fraction * barWidth);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${count.format(clamped)}/${count.format(Math.max(total, 0))}`;
  const left =
    fraction > 0 && fraction < 1 ? `, ~${formatDuration((elapsedMs * (1 - fraction)) / fraction)} left` : '';
  return `${label} [${bar}] ${percent} ${counts}  ${formatDuration(elapsedMs)} elapsed${left}`;
}

/** The part of a stream the writer uses; `process.stderr` fits. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width; lines are cut to it so a redraw never wraps. */
  columns?: number;
}

export interface ProgressWriter {
  update(done: number, total: number): void;
  /** Ends the bar: the last state on its own line. */
  finish(): void;
}

export interface ProgressWriterOptions {
  label: string;
  /** Milliseconds from a monotonic clock; defaults to `performance.now`, which virtual time never replaces. */
  now?: () => number;
}

export function createProgressWriter(stream: ProgressStream, options: ProgressWriterOptions): ProgressWriter {
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  let last: { done: number; total: number } = { done: 0, total: 0 };
  let finished = false;
  const render = (): string =>
    renderProgress({ ...last, label: options.label, elapsedMs: Math.max(0, now() - startedAt) });

  if (stream.isTTY === true) {
    let drawn = '';
    const draw = (): void => {
      const line = fitTo(render(), stream.columns);
      if (line === drawn) return;
      // Spaces rather than an erase-line escape: plain text is all this writes.
      stream.write(`\r${line}${' '.repeat(Math.max(0, drawn.length - line.length))}`);
      drawn = line;
    };
    return {
      update(done, total) {
        if (finished) return;
        last = { done, total };
        draw();
      },
      finish() {
        if (finished) return;
        finished = true;
        draw();
        stream.write('\n');
      },
    };
  }

  let printedTenth = -1;
  let printed: { done: number; total: number } | undefined;
  const tenthOf = ({ done, total }: { done: number; total: number }): number =>
    total > 0 ? Math.floor((Math.min(Math.max(done, 0), total) / total) * 10) : 10;
  const print = (): void => {
    printed = last;
    stream.write(`${render()}\n`);
  };
  return {
    update(done, total) {
      if (finished) return;
      last = { done, total };
      const tenth = tenthOf(last);
      if (tenth <= printedTenth || tenth === 0) return;
      printedTenth = tenth;
      print();
    },
    finish() {
      if (finished) return;
      finished = true;
      if (printed?.done !== last.done || printed.total !== last.total) print();
    },
  };
}

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `0:07`, `12:34`, `1:02:03`. */
function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** One column short of the width, so the cursor never wraps to a new line. */
function fitTo(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1) return line;
  return line.length < columns ? line : line.slice(0, columns - 1);
}
