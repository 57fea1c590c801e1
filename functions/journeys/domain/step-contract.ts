import { z } from 'zod';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';
import { DEFER_REASONS, type DeferReason, SKIP_REASONS } from '#messaging/domain/send-decision.ts';
import { JOURNEY_IDS, type JourneyId } from '../config/journey-schema.ts';
import { EXIT_CONDITION_REASONS, type ExitConditionReason } from './exit-conditions.ts';

/** What every Task of a journey state machine sends the journey-step Lambda. */
export const stepInputSchema = z.object({
  journey: z.enum(JOURNEY_IDS),
  step: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  trigger: canonicalEventSchema,
  /** When the run began (`$$.Execution.StartTime`): waits for the profile are measured from here. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
});
export interface StepInput {
  journey: JourneyId;
  step: string;
  config: Record<string, unknown>;
  trigger: CanonicalEvent;
  startedAt?: string | undefined;
}

export type StepOutcome = 'continue' | 'sent' | 'skipped' | 'deferred' | 'exited';

/**
 * Exits at `enter` that only de-duplicate triggers (a repeated event, a second browse run on one day):
 * no run of the subject starts, so they are not recorded as the end of one.
 */
export const DEDUPLICATION_EXIT_REASONS = ['duplicate-trigger', 'browse-run-already-started'] as const;

/** Exit reasons any journey can give besides its own exit condition's. */
const COMMON_EXIT_REASONS = [...DEDUPLICATION_EXIT_REASONS, 'nothing-to-replenish', 'unsubscribed'] as const;

/**
 * Every reason a step exits for: de-duplication, a replenishment order with nothing that runs out,
 * withdrawn marketing consent, and the journeys' own exit conditions. A metric dimension and stored
 * on exits, so a small fixed set (never an id) whose values are never renamed.
 */
export type ExitReason = (typeof COMMON_EXIT_REASONS)[number] | ExitConditionReason;

/** The exit reasons a journey can give: the common ones, then its own exit condition's. */
export function exitReasonsOf(journey: JourneyId): readonly ExitReason[] {
  return [...COMMON_EXIT_REASONS, ...EXIT_CONDITION_REASONS[journey]];
}

/** Skips of the step itself, before the send path decides; with its `SkipReason`s, a metric dimension. */
export const STEP_SKIP_REASONS = [...SKIP_REASONS, 'step-disabled', 'browse-mail-recently-sent'] as const;
export type StepSkipReason = (typeof STEP_SKIP_REASONS)[number];

/**
 * Deferrals that wait for something other than a mail's send time (the profile to catch up with the
 * trigger, an order to ship): the step is asked again later, no mail was held back.
 */
export const STEP_WAIT_REASONS = ['waiting-for-profile', 'not-fulfilled-yet'] as const;
export type StepDeferReason = DeferReason | (typeof STEP_WAIT_REASONS)[number];

/** Whether a deferral held a mail back (quiet hours, caps) rather than waited for the step's facts. */
export function isMailDeferral(reason: StepDeferReason): reason is DeferReason {
  return (DEFER_REASONS as readonly string[]).includes(reason);
}

interface Answer<Outcome extends StepOutcome, Reason extends string> {
  outcome: Outcome;
  reason: Reason;
  sendAfter: string | null;
  waitSeconds: number | null;
}

/**
 * The answer the ASL Choice states read; every key is always present (JSONPath fails on missing keys).
 * `reason` is the holdout group on entry (`entered:treated`…), the SES message id when sent, else why.
 */
export type StepOutput =
  | Answer<'continue', string>
  | Answer<'sent', string>
  | Answer<'skipped', StepSkipReason>
  | Answer<'deferred', StepDeferReason>
  | Answer<'exited', ExitReason>;

export const answer = {
  continue: (reason: string, waitSeconds: number | null = null): StepOutput => ({
    outcome: 'continue',
    reason,
    sendAfter: null,
    waitSeconds,
  }),
  exited: (reason: ExitReason): StepOutput => ({
    outcome: 'exited',
    reason,
    sendAfter: null,
    waitSeconds: null,
  }),
  skipped: (reason: StepSkipReason): StepOutput => ({
    outcome: 'skipped',
    reason,
    sendAfter: null,
    waitSeconds: null,
  }),
  sent: (messageId: string): StepOutput => ({
    outcome: 'sent',
    reason: messageId,
    sendAfter: null,
    waitSeconds: null,
  }),
  deferred: (until: Date, reason: StepDeferReason): StepOutput => ({
    outcome: 'deferred',
    reason,
    sendAfter: until.toISOString(),
    waitSeconds: null,
  }),
};
