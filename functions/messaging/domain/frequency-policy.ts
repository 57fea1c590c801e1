/**
 * The cross-journey frequency policy: however many journeys a customer is in, they get at most
 * `max` marketing mails in any sliding window of `hours`. Every marketing send counts, whichever
 * journey sent it and whether or not it bypassed the caps itself.
 *
 * A send at `t` counts in a window of length L at instant `x` while `x - L < t`; at `t + L`
 * exactly it has aged out. Sends recorded after `x` (clock skew between writers) count too.
 */

const HOUR = 3_600_000;

export interface FrequencyWindow {
  readonly hours: number;
  readonly max: number;
}

export interface FrequencyPolicy {
  readonly windows: readonly FrequencyWindow[];
  /**
   * Priority rule, kept deliberately simple: a message whose priority is at least this is never
   * capped (order confirmations sent as marketing, a price-drop the customer asked for); every
   * other message is capped equally, whatever its priority. Priorities do not reserve room or
   * pre-empt each other, so a cap decision never depends on messages that have not been sent.
   * @default - no message bypasses the caps
   */
  readonly bypassPriority?: number;
}

/** At most 1 marketing mail per 16 hours and 3 per 7 days. */
export const DEFAULT_FREQUENCY_POLICY: FrequencyPolicy = {
  windows: [
    { hours: 16, max: 1 },
    { hours: 168, max: 3 },
  ],
};

export type FrequencyDecision =
  | { allowed: true }
  | { allowed: false; opensAt: Date; window: FrequencyWindow };

/** Whether a message of `priority` ignores the caps under `policy` (see `bypassPriority`). */
export function bypassesCaps(priority: number, policy: FrequencyPolicy): boolean {
  return policy.bypassPriority !== undefined && priority >= policy.bypassPriority;
}

/**
 * Whether one more marketing send fits every window at `now`; if not, the earliest instant at
 * which it fits all of them, and the window that holds it back longest.
 *
 * A window of `max` admits a send at `x` when its max-th most recent send has aged out, i.e. from
 * that send + L on. That instant only depends on the history, and a window that is open stays open
 * as time passes (sends only age out), so opening one window can never close another: the latest
 * of the per-window opening instants is the answer, with no need to re-check.
 */
export function frequencyDecision(
  sentAt: readonly Date[],
  now: Date,
  policy: FrequencyPolicy = DEFAULT_FREQUENCY_POLICY,
): FrequencyDecision {
  assertFrequencyPolicy(policy);
  const newestFirst = newestFirstTimes(sentAt);
  const at = now.getTime();
  let blocking: { opensAt: number; window: FrequencyWindow } | undefined;
  for (const window of policy.windows) {
    const oldestThatFills = newestFirst[window.max - 1];
    if (oldestThatFills === undefined) continue;
    const opensAt = oldestThatFills + lengthOf(window);
    if (opensAt > at && (blocking === undefined || opensAt > blocking.opensAt)) {
      blocking = { opensAt, window };
    }
  }
  return blocking === undefined
    ? { allowed: true }
    : { allowed: false, opensAt: new Date(blocking.opensAt), window: blocking.window };
}

/**
 * The part of the history any decision at or after `now` still needs, oldest first: for each
 * window, its `max` most recent sends that are still inside it. Everything else can be dropped,
 * so the stored history never holds more than the largest `max` entries.
 */
export function pruneHistory(
  sentAt: readonly Date[],
  now: Date,
  policy: FrequencyPolicy = DEFAULT_FREQUENCY_POLICY,
): Date[] {
  assertFrequencyPolicy(policy);
  const at = now.getTime();
  return newestFirstTimes(sentAt)
    .filter((sent, rank) =>
      policy.windows.some((window) => rank < window.max && sent > at - lengthOf(window)),
    )
    .reverse()
    .map((sent) => new Date(sent));
}

/**
 * Throws RangeError unless every window has a positive, finite length and admits at least one
 * send (a window of 0 would block all marketing forever, which is what consent is for).
 */
export function assertFrequencyPolicy(policy: FrequencyPolicy): void {
  for (const window of policy.windows) {
    if (!(Number.isFinite(window.hours) && window.hours > 0)) {
      throw new RangeError(`A frequency window needs positive hours, got ${window.hours}`);
    }
    if (!(Number.isSafeInteger(window.max) && window.max >= 1)) {
      throw new RangeError(`A frequency window needs a whole max of at least 1, got ${window.max}`);
    }
  }
}

function lengthOf(window: FrequencyWindow): number {
  return Math.round(window.hours * HOUR);
}

function newestFirstTimes(sentAt: readonly Date[]): number[] {
  const times = sentAt.map((sent) => sent.getTime());
  // An unreadable timestamp cannot be placed in any window; ignoring it could let mail through
  // that the cap exists to stop, so it is a bug to surface, not a send to forget.
  if (times.some((time) => Number.isNaN(time))) throw new RangeError('A send time in the history is invalid');
  return times.sort((a, b) => b - a);
}
