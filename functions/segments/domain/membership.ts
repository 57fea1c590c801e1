/**
 * Segment membership, kept live: a customer is a member while the segment's condition holds for
 * their profile, and the change of membership (entered, exited) is what goes on the bus. A
 * condition that reads time (`within`, `notWithin`) can flip with no event at all — "no order in
 * 60 days" becomes true 60 days after the last order — so each evaluation also says when the
 * answer may next change by time alone. The segment function files the customer under that day
 * (a sparse index, as the dormancy index does) and evaluates again then, instead of scanning every
 * profile on a timer. Pure: the condition language is the journeys' one.
 */
import {
  type Condition,
  type ConditionContext,
  evaluate,
  resolvePath,
  type Tests,
} from '#journeys/definition/conditions.ts';
import { durationSeconds } from '#journeys/definition/duration.ts';

export type MembershipChange = 'entered' | 'exited';

export interface Membership {
  member: boolean;
  /** When the answer may change by time alone (ISO), or undefined when only an event can change it. */
  reviewAt?: string;
}

export function membershipOf(condition: Condition, context: ConditionContext): Membership {
  const member = evaluate(condition, context);
  const flip = nextTimeFlip(condition, context);
  return { member, ...(flip !== undefined && { reviewAt: new Date(flip).toISOString() }) };
}

/** The change between two answers, if any. */
export function membershipChange(before: boolean, after: boolean): MembershipChange | undefined {
  if (before === after) return undefined;
  return after ? 'entered' : 'exited';
}

/**
 * The earliest instant after `now` at which a `within`/`notWithin` test of the condition changes its
 * answer with the same data: the date it reads plus the duration (a date within 60 days of now
 * stops being so 60 days after it). Conservative: it names every such instant, even where another
 * part of the condition would keep the overall answer; a review that changes nothing costs one read.
 */
export function nextTimeFlip(condition: Condition, context: ConditionContext): number | undefined {
  const now = context.now.getTime();
  let earliest: number | undefined;
  const consider = (instant: number) => {
    if (instant > now && (earliest === undefined || instant < earliest)) earliest = instant;
  };
  visitTests(condition, (path, tests) => {
    for (const duration of [tests.within, tests.notWithin]) {
      if (duration === undefined) continue;
      const seconds = durationSeconds(duration);
      if (seconds === undefined) continue;
      for (const value of resolvePath(path, context)) {
        const instant = typeof value === 'string' ? Date.parse(value) : Number.NaN;
        if (Number.isNaN(instant)) continue;
        // A future date enters the window when it comes; a date leaves it just after the duration
        // (`within` includes its last millisecond).
        consider(instant);
        consider(instant + seconds * 1000 + 1);
      }
    }
  });
  return earliest;
}

function visitTests(condition: Condition, visit: (path: string, tests: Tests) => void): void {
  if ('all' in condition && Array.isArray(condition.all)) {
    for (const inner of condition.all as Condition[]) visitTests(inner, visit);
    return;
  }
  if ('any' in condition && Array.isArray(condition.any)) {
    for (const inner of condition.any as Condition[]) visitTests(inner, visit);
    return;
  }
  if ('not' in condition && typeof condition.not === 'object' && condition.not !== null) {
    visitTests(condition.not as Condition, visit);
    return;
  }
  for (const [path, tests] of Object.entries(condition as Record<string, Tests>)) visit(path, tests);
}

/** The UTC day a review falls on: the sparse index's key. */
export function reviewDayOf(reviewAt: string): string {
  return reviewAt.slice(0, 10);
}
