/**
 * Durations as marketers write them: `30m`, `2h`, `3d`, `2w`, or combined from largest to smallest
 * (`1d12h`). Pure: used by the schema, the condition language, the compiler and the step.
 */
import * as z from 'zod';

const UNIT_SECONDS = { w: 7 * 86_400, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const PATTERN = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** A Standard execution lives at most a year, so no wait may be longer. */
export const MAX_DURATION_SECONDS = 365 * 86_400;

export function durationSeconds(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (match === null || text.trim() === '') return undefined;
  const [, w, d, h, m, s] = match;
  return (
    Number(w ?? 0) * UNIT_SECONDS.w +
    Number(d ?? 0) * UNIT_SECONDS.d +
    Number(h ?? 0) * UNIT_SECONDS.h +
    Number(m ?? 0) * UNIT_SECONDS.m +
    Number(s ?? 0) * UNIT_SECONDS.s
  );
}

/** A duration such as `23h` or `2w`, at most a year. */
export const durationSchema = z.string().superRefine((text, ctx) => {
  const seconds = durationSeconds(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 30m, 23h, 3d or 2w` });
  } else if (seconds > MAX_DURATION_SECONDS) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is longer than a year, which no run outlives` });
  }
});

/** A signed offset from a date, such as `-3d` (three days before) or `2h`. */
export const offsetSchema = z.string().superRefine((text, ctx) => {
  const unsigned = text.replace(/^[+-]/, '');
  if (durationSeconds(unsigned) === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an offset such as -3d or 12h` });
  }
});

export function offsetSeconds(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  return sign * (durationSeconds(text.replace(/^[+-]/, '')) ?? 0);
}
