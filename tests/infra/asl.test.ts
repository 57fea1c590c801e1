import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { JOURNEY_IDS, JOURNEY_STEP_IDS, type JourneyId } from '#journeys/config/journey-schema.ts';
import { journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { JOURNEY_STEP_SUBSTITUTION, readPath } from '#tests/journeys/run-journey.ts';

/** asl-validator v4 is CommonJS without type declarations; this is the part of its API we use. */
type AslValidator = (
  definition: unknown,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText(separator?: string): string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  ResultSelector?: unknown;
  ResultPath?: string;
  Retry?: unknown;
  SecondsPath?: string;
  TimestampPath?: string;
  Seconds?: number;
  Timestamp?: string;
}

interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

const STEPFUNCTIONS = new URL('../../stepfunctions/', import.meta.url);

function readDefinition(journey: JourneyId): AslDefinition {
  return JSON.parse(readFileSync(new URL(`${journey}.asl.json`, STEPFUNCTIONS), 'utf8')) as AslDefinition;
}

function statesOfType(definition: AslDefinition, type: string): [string, AslState][] {
  return Object.entries(definition.States).filter(([, state]) => state.Type === type);
}

function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
}

const JOURNEY_STEP_TASK = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  ResultSelector: {
    'outcome.$': '$.Payload.outcome',
    'reason.$': '$.Payload.reason',
    'sendAfter.$': '$.Payload.sendAfter',
    'waitSeconds.$': '$.Payload.waitSeconds',
  },
  ResultPath: '$.last',
  Retry: [
    {
      ErrorEquals: [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ],
      IntervalSeconds: 2,
      MaxAttempts: 6,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
    // Mistakes in the input, the configuration or a template fail at once…
    {
      ErrorEquals: ['ZodError', 'ConfigError', 'MessageRenderError', 'SenderNotConfiguredError'],
      MaxAttempts: 0,
    },
    // …anything else (DynamoDB or SES unreachable) is retried for about a quarter of an hour.
    {
      ErrorEquals: ['States.TaskFailed'],
      IntervalSeconds: 5,
      MaxAttempts: 8,
      BackoffRate: 2,
      MaxDelaySeconds: 300,
      JitterStrategy: 'FULL',
    },
  ],
};

describe('State machines: stepfunctions/*.asl.json', () => {
  it('has one definition per journey', () => {
    // Prepare
    const expected = JOURNEY_IDS.map((journey) => `${journey}.asl.json`).sort();

    // Act
    const files = readdirSync(STEPFUNCTIONS).filter((file) => file.endsWith('.asl.json'));

    // Assess
    expect(files.sort()).toEqual(expected);
  });

  it.each(JOURNEY_IDS)('passes asl-validator for %s, ARNs and paths checked', (journey) => {
    // Prepare
    const definition = readDefinition(journey);

    // Act
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });

    // Assess
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('fails a definition whose state points at a missing state', () => {
    // Prepare
    const definition = readDefinition('welcome');
    const enter = definition.States.Enter;
    if (enter === undefined) throw new Error('welcome has no Enter state');
    enter.Next = 'Nowhere';

    // Act
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });

    // Assess
    expect(result.isValid).toBe(false);
    expect(result.errorsText()).toMatch(/Nowhere/);
  });

  it.each(JOURNEY_IDS)('uses the JSONPath query language only in %s', (journey) => {
    // Prepare
    const definition = readDefinition(journey);

    // Act
    const keys = new Set(keysDeep(definition));

    // Assess
    for (const jsonataOrVariables of ['QueryLanguage', 'Assign', 'Arguments', 'Output', 'Variables']) {
      expect(keys).not.toContain(jsonataOrVariables);
    }
  });

  it.each(JOURNEY_IDS)('starts %s at Enter, which calls the enter step', (journey) => {
    // Prepare
    const definition = readDefinition(journey);

    // Act
    const first = definition.States[definition.StartAt];

    // Assess
    expect(definition.StartAt).toBe('Enter');
    expect(first?.Parameters?.Payload?.step).toBe('enter');
  });

  it.each(JOURNEY_IDS)('calls the journey-step Lambda the same way from every Task of %s', (journey) => {
    // Prepare
    const tasks = statesOfType(readDefinition(journey), 'Task');

    // Act
    const shapes = tasks.map(([, task]) => task);

    // Assess
    expect(shapes.length).toBeGreaterThan(0);
    for (const task of shapes) {
      expect(task).toMatchObject(JOURNEY_STEP_TASK);
      expect(task.Parameters).toEqual({
        FunctionName: JOURNEY_STEP_SUBSTITUTION,
        Payload: {
          journey,
          step: expect.any(String),
          'config.$': '$.config',
          'trigger.$': '$.trigger',
          'startedAt.$': '$$.Execution.StartTime',
        },
      });
    }
  });

  it.each(JOURNEY_IDS)('calls every step of %s from exactly one Task', (journey) => {
    // Prepare
    const expected = [...JOURNEY_STEP_IDS[journey]].sort();

    // Act
    const steps = statesOfType(readDefinition(journey), 'Task').map(
      ([, task]) => task.Parameters?.Payload?.step,
    );

    // Assess
    expect(steps.sort()).toEqual(expected);
  });

  it.each(JOURNEY_IDS)('takes every wait of %s from the run config or the last answer', (journey) => {
    // Prepare
    const input = { config: journeyRunConfig(journey) };
    const waits = statesOfType(readDefinition(journey), 'Wait');

    // Act
    const sources = waits.map(([, wait]) => wait.SecondsPath ?? wait.TimestampPath);

    // Assess
    for (const [name, wait] of waits) {
      expect(wait.Seconds, name).toBeUndefined();
      expect(wait.Timestamp, name).toBeUndefined();
    }
    for (const source of sources) {
      if (source?.startsWith('$.config.'))
        expect(Number.isInteger(readPath(source, input)), source).toBe(true);
      else expect(['$.last.waitSeconds', '$.last.sendAfter']).toContain(source);
    }
  });

  it.each(JOURNEY_IDS)(
    'reaches every state of %s from Enter and ends every Choice in a Default',
    (journey) => {
      // Prepare
      const definition = readDefinition(journey);
      const reached = new Set<string>();
      const queue = [definition.StartAt];

      // Act
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (reached.has(name)) continue;
        reached.add(name);
        const state = definition.States[name];
        queue.push(
          ...[state?.Next, state?.Default, ...(state?.Choices ?? []).map((choice) => choice.Next)].filter(
            (next): next is string => next !== undefined,
          ),
        );
      }

      // Assess
      expect([...reached].sort()).toEqual(Object.keys(definition.States).sort());
      for (const [name, choice] of statesOfType(definition, 'Choice'))
        expect(choice.Default, name).toBeDefined();
    },
  );
});
