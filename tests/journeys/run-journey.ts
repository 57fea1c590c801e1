/**
 * Runs a journey's ASL file on aws-local-stepfunctions with a scripted journey-step Lambda, and reads the
 * event log back as the path taken, the billed transitions and what each Wait would have waited.
 */
import { readFileSync } from 'node:fs';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { JourneyId } from '#journeys/config/journey-schema.ts';
import type { JourneyWorld } from './journey-world.ts';

export const JOURNEY_STEP_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:journey-step';
/** The CDK DefinitionSubstitution the ASL files carry in place of the function ARN. */
export const JOURNEY_STEP_SUBSTITUTION = ['$', '{JourneyStepFunctionArn}'].join('');

type StateDefinition = StateMachineDefinition['States'][string];

export function readJourneyDefinition(journey: JourneyId): StateMachineDefinition {
  const text = readFileSync(new URL(`../../stepfunctions/${journey}.asl.json`, import.meta.url), 'utf8');
  return JSON.parse(text.replaceAll(JOURNEY_STEP_SUBSTITUTION, JOURNEY_STEP_ARN)) as StateMachineDefinition;
}

export type WaitTaken = { state: string; seconds: number } | { state: string; until: string };

export interface JourneyRun {
  status: 'succeeded' | 'failed';
  /** The error name of a failed execution. */
  error?: string;
  /** Every state entered, in order. */
  path: string[];
  /** What Standard workflows bill: every state entered, and every retry. */
  transitions: number;
  /** What each Wait would have waited (the run itself skips the waits). */
  waits: WaitTaken[];
  /** The last journey-step answer, as the ASL kept it. */
  last: unknown;
}

export interface JourneyInput {
  journey: JourneyId;
  config: unknown;
  trigger: unknown;
}

// Building a StateMachine validates the definition (and compiles the validator's schemas): once per journey.
const machines = new Map<JourneyId, { definition: StateMachineDefinition; stateMachine: StateMachine }>();

function machineFor(journey: JourneyId): { definition: StateMachineDefinition; stateMachine: StateMachine } {
  let machine = machines.get(journey);
  if (machine === undefined) {
    const definition = readJourneyDefinition(journey);
    machine = {
      definition,
      stateMachine: new StateMachine(definition, { validationOptions: { checkArn: false } }),
    };
    machines.set(journey, machine);
  }
  return machine;
}

export async function runJourney(input: JourneyInput, world: JourneyWorld): Promise<JourneyRun> {
  const { definition, stateMachine } = machineFor(input.journey);
  const execution = stateMachine.run(
    structuredClone(input) as unknown as Parameters<StateMachine['run']>[0],
    {
      overrides: overridesFor(definition, world),
      // What Step Functions puts in the context object and the journeys read (`$$.Execution.StartTime`).
      context: { Execution: { StartTime: new Date().toISOString() } },
    },
  );

  let output: unknown;
  try {
    output = await execution.result;
  } catch {
    // A failed execution is an outcome here; the event log below says which error ended it.
  }

  const path: string[] = [];
  const waits: WaitTaken[] = [];
  let transitions = 0;
  let error: string | undefined;
  for await (const event of execution.eventLogs) {
    if (event.type === 'ExecutionFailed') error = event.Error;
    if (event.type === 'StateRetried') transitions += 1;
    if (event.type !== 'StateEntered') continue;
    transitions += 1;
    path.push(event.state.name);
    const state = definition.States[event.state.name];
    if (state?.Type === 'Wait') waits.push(waitTaken(event.state.name, state, event.state.input));
  }

  return {
    status: error === undefined ? 'succeeded' : 'failed',
    ...(error !== undefined && { error }),
    path,
    transitions,
    waits,
    last: (output as { last?: unknown } | undefined)?.last,
  };
}

function overridesFor(definition: StateMachineDefinition, world: JourneyWorld): RunOptions['overrides'] {
  const states = Object.entries(definition.States);
  const names = (type: StateDefinition['Type']) =>
    states.filter(([, state]) => state.Type === type).map(([name]) => name);
  return {
    taskResourceLocalHandlers: Object.fromEntries(names('Task').map((name) => [name, world.invoke])),
    waitTimeOverrides: Object.fromEntries(names('Wait').map((name) => [name, 0])),
    // The ASL's full jitter would otherwise sleep up to the real retry interval.
    retryIntervalOverrides: Object.fromEntries(names('Task').map((name) => [name, 0])),
  };
}

function waitTaken(name: string, state: StateDefinition, input: unknown): WaitTaken {
  if (state.Type !== 'Wait') throw new Error(`${name} is not a Wait state`);
  if (state.SecondsPath !== undefined) {
    const seconds = readPath(state.SecondsPath, input);
    if (typeof seconds !== 'number') throw new Error(`${name}: ${state.SecondsPath} is not a number`);
    return { state: name, seconds };
  }
  if (state.TimestampPath !== undefined) {
    const until = readPath(state.TimestampPath, input);
    if (typeof until !== 'string') throw new Error(`${name}: ${state.TimestampPath} is not a timestamp`);
    return { state: name, until };
  }
  throw new Error(`${name} waits a literal time; journeys take every wait from their input`);
}

/** The reference paths the journeys use are plain `$.a.b.c`; anything else should not get past review. */
export function readPath(path: string, json: unknown): unknown {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) throw new Error(`Unsupported reference path ${path}`);
  let value = json;
  for (const key of path.split('.').slice(1)) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
      throw new Error(`${path} does not resolve`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
