/**
 * What every Task of a compiled journey sends the journey-step function, and what it answers. The
 * compiler writes the node and its journey into the Task, so the step knows node kinds, never
 * journeys; every answer key is always present (a Choice on a missing key fails the run).
 */
import * as z from 'zod';
import { canonicalEventSchema } from '#events/schemas.ts';
import { conditionSchema } from '#journeys/definition/conditions.ts';
import { journeyDefinitionSchema, nodeSchema } from '#journeys/definition/schema.ts';

const journeyMetaSchema = journeyDefinitionSchema
  .pick({ id: true, priority: true, holdoutPercent: true, subject: true, reentry: true, exitWhen: true })
  .extend({
    triggerWhere: conditionSchema.optional(),
    triggerProfile: conditionSchema.optional(),
    scheduled: z.boolean().optional(),
  });
export type JourneyMeta = z.infer<typeof journeyMetaSchema>;

/** Enter; with `wait` when the journey starts by waiting for a date or local time (Enter works it out). */
const enterNode = z.strictObject({
  id: z.literal('enter'),
  kind: z.literal('enter'),
  wait: z.unknown().optional(),
  /** The run's one mail, after a fixed wait, skipped when capped: entry checks the cap for it. */
  onlyMailSkippedWhenCapped: z.string().optional(),
});
const runNodeSchema = z.union([
  enterNode,
  z.intersection(z.object({ id: z.string().min(1), kind: z.string().min(1) }), nodeSchema),
]);
export type RunNode = z.infer<typeof runNodeSchema>;

export const nodeInputSchema = z.object({
  journey: journeyMetaSchema,
  node: runNodeSchema,
  trigger: canonicalEventSchema,
  /**
   * The run that enters (`$$.Execution.Id` in an Enter Task, the execution name the entry function
   * starts): entry claims name it, so the run's own retry is no duplicate.
   */
  runId: z.string().min(1).optional(),
  /** `$$.Execution.StartTime`: waits for the profile are measured from it. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
  /** `$$.Task.Token` of a `waitFor` node: the task waits until the awaited event resumes it. */
  taskToken: z.string().min(1).optional(),
  /**
   * The fixed wait this node goes on to (a bare Wait state, which calls no function): the flow view
   * counts the runs waiting there from here.
   */
  nextWait: z
    .object({
      node: z.string().min(1),
      seconds: z.number().int().nonnegative(),
      /** A marketing mail follows the wait: it ends out of the customer's quiet hours (see `resumeAt`). */
      beforeMarketing: z.boolean().optional(),
    })
    .optional(),
});
export type NodeInput = z.infer<typeof nodeInputSchema>;

/**
 * The error a `waitFor` task is failed with when its run ends there (SendTaskFailure): the state
 * catches it and goes to the end, so its resumed answer needs no Choice (it can only go on).
 */
export const RUN_EXITED_ERROR = 'JourneyExited';

/** An `exited` reason: the run's end was already counted (a goal's event stopped it while a step answered). */
export const ENDED_ELSEWHERE = 'ended-elsewhere';

export type NodeOutcome = 'continue' | 'sent' | 'skipped' | 'deferred' | 'exited';

export interface NodeOutput {
  outcome: NodeOutcome;
  reason: string;
  sendAfter: string | null;
  waitSeconds: number | null;
  /**
   * When the fixed wait this node goes on to ends (`nextWait`): its duration from now, moved to the
   * end of the customer's quiet hours when a marketing mail follows. Null when no such wait follows.
   */
  resumeAt: string | null;
  /** The step id a split goes to; '' otherwise. */
  branch: string;
  /** The variant an experiment node's answer was for; '' for other nodes. */
  variant: string;
}

const output = (outcome: NodeOutcome, reason: string, extra: Partial<NodeOutput> = {}): NodeOutput => ({
  outcome,
  reason,
  sendAfter: null,
  waitSeconds: null,
  resumeAt: null,
  branch: '',
  variant: '',
  ...extra,
});

export const nodeAnswer = {
  continue: (reason: string, extra: Partial<NodeOutput> = {}) => output('continue', reason, extra),
  branch: (branch: string) => output('continue', 'branch', { branch }),
  until: (at: Date, reason: string) => output('continue', reason, { sendAfter: at.toISOString() }),
  sent: (messageId: string) => output('sent', messageId),
  skipped: (reason: string) => output('skipped', reason),
  deferred: (until: Date, reason: string) => output('deferred', reason, { sendAfter: until.toISOString() }),
  exited: (reason: string) => output('exited', reason),
};

/** Whether the run goes on past this answer to the node after it (and so into a fixed wait there). */
export function goesOnToNext(output: NodeOutput): boolean {
  return (
    output.outcome === 'sent' ||
    output.outcome === 'skipped' ||
    (output.outcome === 'continue' &&
      output.sendAfter === null &&
      output.waitSeconds === null &&
      output.branch === '')
  );
}
