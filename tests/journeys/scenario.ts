/**
 * A named journey scenario: the trigger, what happens in the world while the journey waits, and the run
 * config. Scenarios are data so the journey tests assert on them and the transition table counts them.
 */
import type {
  JourneyId,
  JourneyRunConfigOf,
  JourneyStepId,
  StepKey,
} from '#journeys/config/journey-schema.ts';
import { journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { JourneyWorld } from './journey-world.ts';
import { type JourneyRun, runJourney } from './run-journey.ts';

export interface Scenario<Id extends JourneyId = JourneyId> {
  journey: Id;
  trigger: { id: string };
  // Method syntax, so a welcome scenario is still a Scenario of any journey (the table test lists them all).
  script?(world: JourneyWorld<Id>): JourneyWorld<Id>;
  /** The run config when it is not the journey's own, e.g. with a step disabled. */
  config?: JourneyRunConfigOf<Id>;
}

export type Scenarios<Id extends JourneyId> = Record<string, Scenario<Id>>;

export interface ScenarioResult<Id extends JourneyId> extends JourneyRun {
  world: JourneyWorld<Id>;
}

export async function runScenario<Id extends JourneyId>(scenario: Scenario<Id>): Promise<ScenarioResult<Id>> {
  const world = scenario.script?.(new JourneyWorld(scenario.journey)) ?? new JourneyWorld(scenario.journey);
  const run = await runJourney(
    {
      journey: scenario.journey,
      config: scenario.config ?? journeyRunConfig(scenario.journey),
      trigger: scenario.trigger,
    },
    world,
  );
  return { ...run, world };
}

/** The journey's run config with one step switched off. */
export function withStepDisabled<Id extends JourneyId>(
  journey: Id,
  step: StepKey<JourneyStepId<Id>>,
): JourneyRunConfigOf<Id> {
  const config = structuredClone(journeyRunConfig(journey));
  const steps = (config as { steps: Record<string, { enabled: boolean }> }).steps;
  const stepConfig = steps[step];
  if (stepConfig === undefined) throw new Error(`No sending step ${step} in ${journey}`);
  stepConfig.enabled = false;
  return config;
}
