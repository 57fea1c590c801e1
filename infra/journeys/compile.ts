/**
 * Journey definition → Step Functions state machine (ASL, JSONPath so the local engine runs the very
 * same file). The machine only waits and branches; every decision is the one generic journey-step
 * function's, called with the node it is at (its spec is written into the Task, so a running
 * execution keeps the definition of the version it started on). Transitions are billed one by one,
 * so each node costs as few states as it can:
 *
 * | node | states | transitions when it simply goes on |
 * | --- | --- | --- |
 * | wait `for` | Wait (until the `resumeAt` the step before it answered, before a marketing mail) | 1 |
 * | wait `untilLocal` / `until` | Task → Choice → Wait | 3 |
 * | send, experiment | Task → Choice (→ Defer Wait → Task … when held back) | 2 |
 * | split, randomSplit | Task → Choice | 2 |
 * | waitFor | Task with a task token (resumed by the event, timed out, or failed to end the run) | 1 |
 * | exit | Task → Succeed | 2 |
 *
 * The step answers `{ outcome, reason, sendAfter, waitSeconds, resumeAt, branch, variant }`, every key
 * always present (a Choice on a missing key fails the run); the Tasks keep all but `variant`.
 */
import { durationSeconds } from '#journeys/definition/duration.ts';
import type { ResolvedJourney } from '#journeys/definition/load.ts';
import { kindOf } from '#journeys/definition/schema.ts';
import { RUN_EXITED_ERROR } from '#journeys/step/contract.ts';

/** The CDK DefinitionSubstitution the compiled ASL carries in place of the function's ARN. */
export const JOURNEY_STEP_ARN_SUBSTITUTION = ['$', '{JourneyStepFunctionArn}'].join('');

export const END_STATES = {
  completed: 'Completed',
  exited: 'Exited',
  unexpected: 'UnexpectedAnswer',
} as const;

export interface CompileOptions {
  /**
   * Start with an `Enter` Task that claims the trigger and records the entry (2 transitions). Off
   * when the entry function decides entry before the run starts.
   * @default - on for journeys started by a scheduled scan, off for event-triggered ones
   */
  enterInMachine?: boolean;
}

/**
 * Whether a journey decides entry in its machine: a scheduled scan already starts one run per
 * customer and day under a deterministic name, so its runs enter in the machine; event-triggered
 * journeys are entered by the entry function, and a duplicate or ineligible event starts no run.
 */
export function entersInMachine(journey: ResolvedJourney): boolean {
  return 'schedule' in journey.trigger;
}

/**
 * What the entry function is given for a journey (besides the trigger): the journey's meta and the
 * enter node, with the journey's first wait when it starts by waiting for a date or local time.
 */
export function entryOf(journey: ResolvedJourney) {
  const wait = foldedFirstWait(journey);
  const nextWait = wait === undefined ? waitAfter(journey, -1) : undefined;
  const onlyMail = onlyMailSkippedWhenCapped(journey);
  return {
    journey: journeyMeta(journey),
    node: {
      id: 'enter',
      kind: 'enter',
      ...(wait !== undefined && { wait: wait.wait }),
      ...(onlyMail !== undefined && { onlyMailSkippedWhenCapped: onlyMail }),
    },
    ...(nextWait !== undefined && { nextWait }),
  };
}

/**
 * The journey's one mail, when a run only waits a fixed time for it and it is skipped when capped
 * (browse abandonment): entry checks the cap for when the mail would go, and a run that could only
 * skip it does not start (it would cost a Wait, a Task, a Choice and an end for nothing).
 */
function onlyMailSkippedWhenCapped(journey: ResolvedJourney): string | undefined {
  const [wait, mail, ...rest] = journey.steps;
  if (rest.length > 0 || wait === undefined || mail === undefined) return undefined;
  if (!('wait' in wait) || !('for' in wait.wait) || ('next' in wait && wait.next !== undefined))
    return undefined;
  if (!('send' in mail) || mail.send.kind !== 'marketing' || mail.send.whenCapped !== 'skip')
    return undefined;
  return 'next' in mail && mail.next !== undefined && mail.next !== 'end' ? undefined : mail.id;
}

/**
 * The fixed-duration wait a step goes on to, if any. A `for` wait is a bare Wait state that calls no
 * function, so the step before it counts the runs that will wait there (the flow view's "waiting now").
 */
function waitAfter(
  journey: ResolvedJourney,
  index: number,
): { node: string; seconds: number; beforeMarketing?: true } | undefined {
  const node = journey.steps[index];
  const explicit = node !== undefined && 'next' in node ? node.next : undefined;
  const nextIndex =
    explicit === undefined ? index + 1 : journey.steps.findIndex((candidate) => candidate.id === explicit);
  const next = journey.steps[nextIndex];
  if (next === undefined || !('wait' in next) || !('for' in next.wait)) return undefined;
  return {
    node: next.id,
    seconds: durationSeconds(next.wait.for) ?? 0,
    ...(marketingAfter(journey, nextIndex) && { beforeMarketing: true as const }),
  };
}

/** Whether the node the wait at `index` goes on to sends marketing mail (quiet hours apply to it). */
function marketingAfter(journey: ResolvedJourney, index: number): boolean {
  const wait = journey.steps[index];
  const explicit = wait !== undefined && 'next' in wait ? wait.next : undefined;
  const after =
    explicit === undefined
      ? journey.steps[index + 1]
      : journey.steps.find((candidate) => candidate.id === explicit);
  if (after === undefined) return false;
  if ('send' in after) return after.send.kind === 'marketing';
  if ('experiment' in after)
    return after.experiment.variants.some((variant) => variant.send.kind === 'marketing');
  return false;
}

/**
 * The fixed waits that end at the `resumeAt` their one way in answers (a Wait on a timestamp, not a
 * number of seconds): a wait before a marketing mail, reached only from the run's start or from the
 * send or experiment right before it, so the step that leads into it always worked its end out.
 * Its end then skips the customer's quiet hours, and the mail after it goes out instead of being
 * deferred (three transitions). A wait other nodes lead to by id keeps its fixed duration.
 */
function timedWaits(journey: ResolvedJourney): Set<string> {
  const named = new Set(
    journey.steps.flatMap((node) => {
      const targets: string[] = 'next' in node && node.next !== undefined ? [node.next] : [];
      if ('split' in node)
        targets.push(...node.split.map((branch) => ('when' in branch ? branch.to : branch.else)));
      if ('randomSplit' in node) targets.push(...node.randomSplit.map((branch) => branch.to));
      if ('waitFor' in node) {
        targets.push(node.waitFor.onTimeout);
        if (node.waitFor.onEvent !== undefined) targets.push(node.waitFor.onEvent);
      }
      return targets;
    }),
  );
  const timed = new Set<string>();
  journey.steps.forEach((node, index) => {
    if (!('wait' in node) || !('for' in node.wait) || named.has(node.id)) return;
    if (!marketingAfter(journey, index)) return;
    const before = journey.steps[index - 1];
    // The run's start: the entry function's answer in the input, or the Enter Task's, is `$.last`.
    const fromStart = index === 0;
    const fromSend =
      before !== undefined &&
      ('send' in before || 'experiment' in before) &&
      !('next' in before && before.next !== undefined);
    if (fromStart || fromSend) timed.add(node.id);
  });
  return timed;
}

/** A first node that waits for a date or a local time: Enter works the time out. */
function foldedFirstWait(journey: ResolvedJourney) {
  const [firstNode] = journey.steps;
  return firstNode !== undefined && 'wait' in firstNode && !('for' in firstNode.wait) ? firstNode : undefined;
}

type State = Record<string, unknown>;
export interface CompiledJourney {
  Comment: string;
  StartAt: string;
  States: Record<string, State>;
}

const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** Mistakes a retry cannot fix: bad input, config or templates fail the run at once. */
const PERMANENT_ERRORS = ['ZodError', 'ConfigError', 'MessageRenderError', 'SenderNotConfiguredError'];
const RETRY = [
  { ErrorEquals: LAMBDA_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
  { ErrorEquals: PERMANENT_ERRORS, MaxAttempts: 0 },
  // A DynamoDB or SES outage: about a quarter of an hour of retries before the run fails.
  {
    ErrorEquals: ['States.TaskFailed'],
    IntervalSeconds: 5,
    MaxAttempts: 8,
    BackoffRate: 2,
    MaxDelaySeconds: 300,
    JitterStrategy: 'FULL',
  },
];
const RESULT = {
  'outcome.$': '$.Payload.outcome',
  'reason.$': '$.Payload.reason',
  'sendAfter.$': '$.Payload.sendAfter',
  'waitSeconds.$': '$.Payload.waitSeconds',
  'resumeAt.$': '$.Payload.resumeAt',
  'branch.$': '$.Payload.branch',
};

/** `reminder-1` → `Reminder1`: state names readable in the console and the execution history. */
export function stateNameOf(stepId: string): string {
  return stepId
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export function compileJourney(journey: ResolvedJourney, options: CompileOptions = {}): CompiledJourney {
  const enter = options.enterInMachine ?? entersInMachine(journey);
  const states: Record<string, State> = {};
  const names = new Map(journey.steps.map((node) => [node.id, stateNameOf(node.id)]));
  const reserved = new Set(['Enter', 'EnterOutcome', ...Object.values(END_STATES)]);
  for (const name of names.values()) {
    if (reserved.has(name))
      throw new Error(`${journey.id}: a step id turns into the reserved state name ${name}`);
  }
  const target = (id: string | undefined) =>
    id === undefined || id === 'end' ? END_STATES.completed : (names.get(id) ?? END_STATES.unexpected);
  const nextOf = (index: number) => {
    const node = journey.steps[index];
    const explicit = node !== undefined && 'next' in node ? node.next : undefined;
    return target(explicit ?? journey.steps[index + 1]?.id ?? 'end');
  };
  const meta = journeyMeta(journey);
  const task = (nodeId: string, node: object, next: string, extra: State = {}): State => {
    const index = journey.steps.findIndex((step) => step.id === nodeId);
    const nextWait = waitAfter(journey, index);
    return {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: JOURNEY_STEP_ARN_SUBSTITUTION,
        Payload: {
          journey: meta,
          node: { id: nodeId, ...node },
          'trigger.$': '$.trigger',
          'startedAt.$': '$$.Execution.StartTime',
          // Names the run: entry claims and the claim on its one end (a step's exit or a goal's stop).
          'runId.$': '$$.Execution.Id',
          ...(nextWait !== undefined && { nextWait }),
        },
      },
      ResultSelector: RESULT,
      ResultPath: '$.last',
      Retry: RETRY,
      Next: next,
      ...extra,
    };
  };
  const outcomeChoice = (choices: State[], fallback: string = END_STATES.unexpected): State => ({
    Type: 'Choice',
    Choices: [...choices, { Variable: '$.last.outcome', StringEquals: 'exited', Next: END_STATES.exited }],
    Default: fallback,
  });
  const deferred = (then: string) => ({
    And: [
      { Variable: '$.last.outcome', StringEquals: 'deferred' },
      { Variable: '$.last.sendAfter', IsTimestamp: true },
    ],
    Next: then,
  });

  const first = target(journey.steps[0]?.id);
  const timed = timedWaits(journey);
  // A journey that starts by waiting for a date or a local time has entry work the time out: its
  // answer (`$.last`, in the run's input when the entry function started it) goes straight into the
  // Wait, two transitions fewer than a Task and Choice of its own.
  const foldedWait = foldedFirstWait(journey);
  if (foldedWait !== undefined) {
    states[`${first}Until`] = { Type: 'Wait', TimestampPath: '$.last.sendAfter', Next: nextOf(0) };
  }
  if (enter) {
    const { node } = entryOf(journey);
    states.Enter = task('enter', node, 'EnterOutcome');
    states.EnterOutcome = outcomeChoice([
      foldedWait === undefined
        ? { Variable: '$.last.outcome', StringEquals: 'continue', Next: first }
        : {
            And: [
              { Variable: '$.last.outcome', StringEquals: 'continue' },
              { Variable: '$.last.sendAfter', IsTimestamp: true },
            ],
            Next: `${first}Until`,
          },
    ]);
  }

  journey.steps.forEach((node, index) => {
    if (node === foldedWait) return;
    const name = names.get(node.id) as string;
    const next = nextOf(index);
    const outcome = `${name}Outcome`;
    const { id: _id, next: _next, ...spec } = node as typeof node & { next?: string };
    const kind = kindOf(node);
    switch (kind) {
      case 'wait': {
        const wait = (node as { wait: Record<string, unknown> }).wait;
        if ('for' in wait) {
          states[name] = timed.has(node.id)
            ? { Type: 'Wait', TimestampPath: '$.last.resumeAt', Next: next }
            : { Type: 'Wait', Seconds: durationSeconds(wait.for as string), Next: next };
          break;
        }
        states[name] = task(node.id, { kind, ...spec }, outcome);
        states[outcome] = outcomeChoice([
          {
            And: [
              { Variable: '$.last.outcome', StringEquals: 'continue' },
              { Variable: '$.last.sendAfter', IsTimestamp: true },
            ],
            Next: `${name}Until`,
          },
        ]);
        states[`${name}Until`] = { Type: 'Wait', TimestampPath: '$.last.sendAfter', Next: next };
        break;
      }
      case 'send':
      case 'experiment':
        states[name] = task(node.id, { kind, ...spec }, outcome);
        states[outcome] = outcomeChoice([
          {
            Or: [
              { Variable: '$.last.outcome', StringEquals: 'sent' },
              { Variable: '$.last.outcome', StringEquals: 'skipped' },
            ],
            Next: next,
          },
          deferred(`Defer${name}`),
        ]);
        states[`Defer${name}`] = { Type: 'Wait', TimestampPath: '$.last.sendAfter', Next: name };
        break;
      case 'split':
      case 'randomSplit': {
        const branches =
          'split' in node
            ? node.split.map((branch) => ('when' in branch ? branch.to : branch.else))
            : 'randomSplit' in node
              ? node.randomSplit.map((branch) => branch.to)
              : [];
        states[name] = task(node.id, { kind, ...spec }, outcome);
        states[outcome] = outcomeChoice(
          [...new Set(branches)].map((branch) => ({
            And: [
              { Variable: '$.last.outcome', StringEquals: 'continue' },
              { Variable: '$.last.branch', StringEquals: branch },
            ],
            Next: target(branch),
          })),
          // A split without `else` goes on to the next step when no condition holds.
          'split' in node && !node.split.some((branch) => 'else' in branch) ? next : END_STATES.unexpected,
        );
        break;
      }
      case 'waitFor': {
        const waitFor = (node as { waitFor: { timeout: string; onEvent?: string; onTimeout: string } })
          .waitFor;
        // Resumed by its event (SendTaskSuccess) it goes on; a run that ends here fails the task with
        // RUN_EXITED_ERROR (SendTaskFailure), caught to the end: no Choice on the answer.
        const { ResultSelector: _selector, ...registered } = task(
          node.id,
          { kind, ...spec },
          waitFor.onEvent === undefined ? next : target(waitFor.onEvent),
          {
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            TimeoutSeconds: durationSeconds(waitFor.timeout),
            Retry: [{ ErrorEquals: [RUN_EXITED_ERROR], MaxAttempts: 0 }, ...RETRY],
            Catch: [
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: target(waitFor.onTimeout) },
              { ErrorEquals: [RUN_EXITED_ERROR], ResultPath: '$.exit', Next: END_STATES.exited },
            ],
          },
        );
        const parameters = registered.Parameters as { Payload: Record<string, unknown> };
        parameters.Payload['taskToken.$'] = '$$.Task.Token';
        states[name] = registered;
        break;
      }
      case 'exit':
        states[name] = task(node.id, { kind, ...spec }, END_STATES.exited);
        break;
    }
  });

  states[END_STATES.completed] = { Type: 'Succeed' };
  states[END_STATES.exited] = { Type: 'Succeed' };
  states[END_STATES.unexpected] = {
    Type: 'Fail',
    Error: 'UnexpectedStepAnswer',
    Cause: 'The journey-step function answered something this state machine has no branch for',
  };
  return {
    Comment: `${journey.name}${journey.description ? `: ${journey.description}` : ''} (generated from journeys/${journey.id}.journey.yaml; do not edit)`,
    StartAt: enter ? 'Enter' : foldedWait === undefined ? first : `${first}Until`,
    States: states,
  };
}

/** What every step needs to know of its journey, written into each Task. */
function journeyMeta(journey: ResolvedJourney) {
  const { trigger } = journey;
  return {
    id: journey.id,
    priority: journey.priority,
    holdoutPercent: journey.holdoutPercent,
    subject: journey.subject,
    reentry: journey.reentry,
    exitWhen: journey.exitWhen,
    // Entry re-checks the trigger's filters (the rule's pattern holds only what EventBridge can express).
    ...('event' in trigger && trigger.where !== undefined && { triggerWhere: trigger.where }),
    ...('event' in trigger && trigger.profile !== undefined && { triggerProfile: trigger.profile }),
    // A scheduled scan starts runs from the profile itself: there is no event for the profile to catch up with.
    ...('schedule' in trigger && { scheduled: true }),
  };
}
