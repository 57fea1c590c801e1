import { z } from 'zod';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';
import { JOURNEY_IDS, type JourneyId } from '../config/journey-schema.ts';

/** What every Task of a journey state machine sends the journey-step Lambda. */
export const stepInputSchema = z.object({
  journey: z.enum(JOURNEY_IDS),
  step: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  trigger: canonicalEventSchema,
});
export interface StepInput {
  journey: JourneyId;
  step: string;
  config: Record<string, unknown>;
  trigger: CanonicalEvent;
}

export type StepOutcome = 'continue' | 'sent' | 'skipped' | 'deferred' | 'exited';

/** The answer the ASL Choice states read; every key is always present (JSONPath fails on missing keys). */
export interface StepOutput {
  outcome: StepOutcome;
  reason: string;
  sendAfter: string | null;
  waitSeconds: number | null;
}

export const answer = {
  continue: (reason: string, waitSeconds: number | null = null): StepOutput => ({
    outcome: 'continue',
    reason,
    sendAfter: null,
    waitSeconds,
  }),
  exited: (reason: string): StepOutput => ({ outcome: 'exited', reason, sendAfter: null, waitSeconds: null }),
  skipped: (reason: string): StepOutput => ({
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
  deferred: (until: Date, reason: string): StepOutput => ({
    outcome: 'deferred',
    reason,
    sendAfter: until.toISOString(),
    waitSeconds: null,
  }),
};
