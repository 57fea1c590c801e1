/**
 * What the dashboards, the simulation report and the CLI need to know of the deployed journeys, read
 * from their definitions: their ids, the steps that send and their content variants, every step a
 * metric may name, and every reason a run can exit for or a mail can be skipped for (small fixed
 * sets, so CloudWatch widgets can sum over them).
 */

import type { ResolvedJourney } from '#journeys/definition/load.ts';
import { kindOf } from '#journeys/definition/schema.ts';
import { GOAL_NODE } from '#journeys/step/run-goals.ts';
import { SKIP_REASONS } from '#messaging/domain/send-decision.ts';
import { loadJourneys } from './definitions.ts';

let cached: readonly ResolvedJourney[] | undefined;

/** The journeys in `journeys/`, read once per process. */
export function deployedJourneys(): readonly ResolvedJourney[] {
  cached ??= loadJourneys();
  return cached;
}

export function journeyIds(): string[] {
  return deployedJourneys().map((journey) => journey.id);
}

export function journeyOf(id: string): ResolvedJourney {
  const journey = deployedJourneys().find((candidate) => candidate.id === id);
  if (journey === undefined)
    throw new Error(`Unknown journey "${id}"; expected one of ${journeyIds().join(', ')}`);
  return journey;
}

/** Exits the interpreter itself gives, before any goal: a repeated trigger, a re-entry, a filter, a newer run. */
export const ENTRY_EXIT_REASONS = [
  'duplicate-trigger',
  'already-entered',
  'not-eligible',
  'superseded',
  'capped',
  'erased',
] as const;

/** Every reason a run of the journey can exit for: the interpreter's, its goals', its exit nodes'. */
export function exitReasonsOf(id: string): string[] {
  const journey = journeyOf(id);
  const reasons = [
    ...ENTRY_EXIT_REASONS,
    ...journey.exitWhen.map((goal) => goal.as),
    ...journey.steps.flatMap((node) => ('exit' in node ? [node.exit.as] : [])),
  ];
  return [...new Set(reasons)];
}

/** Why a send node skips its mail besides the send path's guardrails. */
export const STEP_SKIP_REASONS = [...SKIP_REASONS, 'step-disabled', 'skip-when'] as const;

export interface SendingStep {
  step: string;
  /** Values of the `variant` dimension: the template, or an experiment's `<step>:<variant>` ids. */
  variants: string[];
}

export function sendingStepsOf(id: string): SendingStep[] {
  return journeyOf(id).steps.flatMap((node): SendingStep[] => {
    if ('send' in node) return [{ step: node.id, variants: [node.send.template] }];
    if ('experiment' in node)
      return [
        { step: node.id, variants: node.experiment.variants.map((variant) => `${node.id}:${variant.id}`) },
      ];
    return [];
  });
}

/** Every step a metric can name: `enter`, then each node the step function is called for. */
export function stepIdsOf(id: string): string[] {
  const steps = journeyOf(id).steps.filter(
    (node) => !(kindOf(node) === 'wait' && 'wait' in node && 'for' in node.wait),
  );
  // A goal on an event, or a newer trigger of a superseding journey, stops the run between steps;
  // its exit is counted at the `goal` step.
  const journey = journeyOf(id);
  const stopsBetweenSteps = journey.exitWhen.some((goal) => 'event' in goal) || journey.reentry.supersede;
  return ['enter', ...steps.map((node) => node.id), ...(stopsBetweenSteps ? [GOAL_NODE] : [])];
}
