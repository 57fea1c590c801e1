import { createRequire } from 'node:module';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import {
  compileJourney,
  entryOf,
  JOURNEY_STEP_ARN_SUBSTITUTION,
  stateNameOf,
} from '#infra/journeys/compile.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { formatProblem, loadJourney } from '#journeys/definition/load.ts';
import { type Answer, answer } from '#tests/journeys/compiled-journeys.ts';

/** asl-validator v4 is CommonJS without type declarations; this is the part of its API we use. */
type AslValidator = (
  definition: unknown,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText(separator?: string): string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;
const STEP_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:journey-step';

const journeys = loadJourneys();
const journey = (id: string) => {
  const found = journeys.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no journey ${id}`);
  return found;
};
const SPLIT_REPLENISHMENT = `
id: split-replenishment
name: Time to reorder, split
description: Replenishment that asks the step whether anything runs out.
priority: 50
trigger: { event: order.placed }
subject: data.orderId
steps:
  - split:
      - when: { facts.reorderDueAt: { exists: false } }
        to: nothing-to-replenish
      - else: until-due
  - id: nothing-to-replenish
    exit: { as: nothing-to-replenish }
  - id: until-due
    wait: { until: { date: facts.reorderDueAt, offset: -3d } }
  - id: reorder-reminder
    send: { template: replenishment.reorder-reminder, data: [replenishable] }
`;
const withArn = (definition: unknown) =>
  JSON.parse(JSON.stringify(definition).replaceAll(JOURNEY_STEP_ARN_SUBSTITUTION, STEP_ARN));

/** Runs a compiled machine on aws-local-stepfunctions, the step answering by node kind; counts billed transitions. */
async function run(
  definition: unknown,
  answerFor: (node: { id: string; kind: string }) => Answer,
  input: Record<string, unknown> = { trigger: { id: 'evt-1' } },
) {
  const asl = withArn(definition) as StateMachineDefinition;
  const names = Object.entries(asl.States);
  const machine = new StateMachine(asl, { validationOptions: { checkArn: false } });
  const invoke = (parameters: { Payload: { node: { id: string; kind: string } } }) => ({
    Payload: answerFor(parameters.Payload.node),
  });
  const execution = machine.run(input as never, {
    context: {
      Execution: {
        Id: 'arn:aws:states:eu-west-1:123456789012:execution:journey:run-1',
        StartTime: '2026-06-01T10:00:00.000Z',
      },
    },
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        names.filter(([, state]) => state.Type === 'Task').map(([name]) => [name, invoke as never]),
      ),
      waitTimeOverrides: Object.fromEntries(
        names.filter(([, state]) => state.Type === 'Wait').map(([name]) => [name, 0]),
      ),
    },
  });
  await execution.result;
  const path: string[] = [];
  for await (const event of execution.eventLogs)
    if (event.type === 'StateEntered') path.push(event.state.name);
  return path;
}

describe('Compiler: journey definitions to ASL', () => {
  it.each(journeys.map((each) => [each.id, each] as const))(
    'compiles %s to a state machine that passes asl-validator',
    (_id, definition) => {
      // Act
      const compiled = compileJourney(definition);
      const result = aslValidator(withArn(compiled), { checkPaths: true, checkArn: true });

      // Assess
      expect(result.isValid, result.errorsText('\n')).toBe(true);
      expect(compiled.Comment).toContain('do not edit');
    },
  );

  it('writes the node and the journey it belongs to into each Task, so a running version keeps its definition', () => {
    // Act
    const compiled = compileJourney(journey('cart-abandonment'));

    // Assess
    expect(compiled.States.Reminder1).toMatchObject({
      Parameters: {
        Payload: {
          journey: { id: 'cart-abandonment', priority: 60, subject: 'cart', reentry: { supersede: true } },
          node: { id: 'reminder-1', kind: 'send', send: { template: 'cart-abandonment.reminder-1' } },
          'trigger.$': '$.trigger',
          'startedAt.$': '$$.Execution.StartTime',
        },
      },
    });
    expect(compiled.States.Wait1).toEqual({
      Type: 'Wait',
      TimestampPath: '$.last.resumeAt',
      Next: 'Reminder1',
    });
  });

  it('ends a wait before a marketing mail when the step leading into it says, and keeps the fixed duration of one other nodes lead to', () => {
    // Act
    const postPurchase = compileJourney(journey('post-purchase'));
    const payload = (state: string) =>
      (postPurchase.States[state] as { Parameters: { Payload: object } }).Parameters.Payload;

    // Assess: the 5-day wait follows a waitFor (resumed by an event, whose answer works out no end);
    // the 14-day one follows the review request, a send
    expect(postPurchase.States.Wait3).toEqual({ Type: 'Wait', Seconds: 5 * 86_400, Next: 'ReviewRequest' });
    expect(postPurchase.States.Wait5).toEqual({
      Type: 'Wait',
      TimestampPath: '$.last.resumeAt',
      Next: 'CrossSell',
    });
    expect(payload('ReviewRequest')).toMatchObject({
      nextWait: { node: 'wait-5', seconds: 14 * 86_400, beforeMarketing: true },
    });
    expect(payload('OrderConfirmation')).not.toHaveProperty('nextWait');
  });

  it('tells a Task which fixed wait its run goes on to, since a bare Wait calls no function to count it', () => {
    // Act
    const compiled = compileJourney(journey('cart-abandonment'));
    const payload = (state: string) =>
      (compiled.States[state] as { Parameters: { Payload: object } }).Parameters.Payload;

    // Assess: reminder-1 goes on to the 23-hour wait; the last chance to the end
    expect(payload('Reminder1')).toMatchObject({ nextWait: { node: 'wait-3', seconds: 23 * 3600 } });
    expect(payload('LastChance')).not.toHaveProperty('nextWait');
    expect(entryOf(journey('cart-abandonment'))).toMatchObject({
      nextWait: { node: 'wait-1', seconds: 3600 },
    });
  });

  it('costs a cart run with three reminders 10 transitions: entry is decided before the run starts', async () => {
    // Act
    const path = await run(compileJourney(journey('cart-abandonment')), (node) =>
      node.kind === 'enter' ? answer('continue') : answer('sent'),
    );

    // Assess: the hand-written machine cost 12
    expect(path).toEqual([
      'Wait1',
      'Reminder1',
      'Reminder1Outcome',
      'Wait3',
      'Reminder2',
      'Reminder2Outcome',
      'Wait5',
      'LastChance',
      'LastChanceOutcome',
      'Completed',
    ]);
  });

  it('costs a superseded cart run no more than its pinned 4 transitions', async () => {
    // Act
    const path = await run(compileJourney(journey('cart-abandonment')), (node) =>
      node.kind === 'enter' ? answer('continue') : answer('exited', { reason: 'superseded' }),
    );

    // Assess: the hand-written machine cost 6; the entry function took Enter and its Choice off.
    expect(path).toEqual(['Wait1', 'Reminder1', 'Reminder1Outcome', 'Exited']);
  });

  it('branches on the answer of a split and waits a timestamp the step computes', async () => {
    // Prepare: a store's replenishment that splits before it waits (the shipped one filters in its trigger).
    const loaded = loadJourney('split-replenishment.journey.yaml', SPLIT_REPLENISHMENT, {
      templates: ['replenishment.reorder-reminder'],
    });
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));

    // Act
    const path = await run(compileJourney(loaded.definition), (node) => {
      if (node.kind === 'split') return answer('continue', { branch: 'until-due' });
      if (node.kind === 'wait') return answer('continue', { sendAfter: '2026-06-20T10:00:00.000Z' });
      return node.kind === 'enter' ? answer('continue') : answer('sent');
    });

    // Assess
    expect(path).toEqual([
      'Split1',
      'Split1Outcome',
      'UntilDue',
      'UntilDueOutcome',
      'UntilDueUntil',
      'ReorderReminder',
      'ReorderReminderOutcome',
      'Completed',
    ]);
  });

  it('folds a leading wait for a date into entry: the shipped replenishment starts by waiting for the date entry worked out', async () => {
    // Prepare
    const entered = answer('continue', { sendAfter: '2026-06-20T10:00:00.000Z' });

    // Act
    const path = await run(compileJourney(journey('replenishment')), () => answer('sent'), {
      trigger: { id: 'evt-1' },
      last: entered,
    });

    // Assess
    expect(entryOf(journey('replenishment')).node).toEqual({
      id: 'enter',
      kind: 'enter',
      wait: { until: { date: 'facts.reorderDueAt', offset: '-3d' } },
    });
    expect(path).toEqual(['UntilDueUntil', 'ReorderReminder', 'ReorderReminderOutcome', 'Completed']);
  });

  it('keeps Enter in the machine when asked (a scheduled journey), folding the first wait into it', async () => {
    // Act
    const compiled = compileJourney(journey('replenishment'), { enterInMachine: true });
    const path = await run(compiled, (node) =>
      node.kind === 'enter' ? answer('continue', { sendAfter: '2026-06-20T10:00:00.000Z' }) : answer('sent'),
    );

    // Assess
    expect(compiled.States.Enter).toMatchObject({
      Parameters: { Payload: { node: { id: 'enter', kind: 'enter' }, 'runId.$': '$$.Execution.Id' } },
    });
    expect(path).toEqual([
      'Enter',
      'EnterOutcome',
      'UntilDueUntil',
      'ReorderReminder',
      'ReorderReminderOutcome',
      'Completed',
    ]);
  });

  it('waits for an event with a task token and a timeout instead of polling for it, and goes on without a Choice', () => {
    // Act
    const compiled = compileJourney(journey('post-purchase'));

    // Assess: resumed, it goes on; a run that ends there fails the task with an error caught to the
    // end, which no retry repeats
    expect(compiled.States.AwaitFulfilment).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 30 * 86_400,
      Parameters: { Payload: { 'taskToken.$': '$$.Task.Token', node: { kind: 'waitFor' } } },
      Next: 'Wait3',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Completed' },
        { ErrorEquals: ['JourneyExited'], Next: 'Exited' },
      ],
    });
    expect((compiled.States.AwaitFulfilment as { Retry: unknown[] }).Retry[0]).toEqual({
      ErrorEquals: ['JourneyExited'],
      MaxAttempts: 0,
    });
    expect(compiled.States).not.toHaveProperty('AwaitFulfilmentOutcome');
  });

  it("tells entry which journeys' one mail is skipped when capped, so entry can check the cap for it", () => {
    // Act
    const browse = entryOf(journey('browse-abandonment'));
    const cart = entryOf(journey('cart-abandonment'));

    // Assess: the cart run goes on to later reminders, whatever the first one does
    expect(browse.node).toMatchObject({ onlyMailSkippedWhenCapped: 'reminder' });
    expect(cart.node).not.toHaveProperty('onlyMailSkippedWhenCapped');
  });

  it('names states after their steps', () => {
    expect(['reminder-1', 'first-order-incentive', 'wait-3'].map(stateNameOf)).toEqual([
      'Reminder1',
      'FirstOrderIncentive',
      'Wait3',
    ]);
  });
});
