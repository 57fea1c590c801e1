/**
 * The compiled journeys run on aws-local-stepfunctions with a scripted journey-step function: each
 * node answers what a scenario says (by default: enter continues, sends send, waits work out a time,
 * a waitFor's event comes), and the event log gives the path and the billed transitions.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  compileJourney,
  entersInMachine,
  entryOf,
  JOURNEY_STEP_ARN_SUBSTITUTION,
} from '#infra/journeys/compile.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { RUN_EXITED_ERROR } from '#journeys/step/contract.ts';

const STEP_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:journey-step';

export interface Answer {
  outcome: 'continue' | 'sent' | 'skipped' | 'deferred' | 'exited';
  reason: string;
  sendAfter: string | null;
  waitSeconds: null;
  /** The step works the end of the fixed wait it goes on to out; any instant will do here. */
  resumeAt: string | null;
  branch: string;
  variant: string;
}

export const answer = (outcome: Answer['outcome'], extra: Partial<Answer> = {}): Answer => ({
  outcome,
  reason: '',
  sendAfter: null,
  waitSeconds: null,
  resumeAt: '2026-06-02T10:00:00.000Z',
  branch: '',
  variant: '',
  ...extra,
});

/** What a node answers, call after call: the script's answers in order, then the default. */
export type Script = Record<string, Array<Answer | 'timeout'>>;

export interface Scenario {
  journey: string;
  script?: Script;
}

export interface JourneyRun {
  status: 'succeeded' | 'failed';
  path: string[];
  transitions: number;
  /** The nodes the step function was called for, in order. */
  calls: string[];
  sent: string[];
}

const journeys = new Map(loadJourneys().map((journey) => [journey.id, journey]));
const compiled = new Map([...journeys.values()].map((journey) => [journey.id, compileJourney(journey)]));

export function compiledJourney(id: string): StateMachineDefinition {
  const definition = compiled.get(id);
  if (definition === undefined) throw new Error(`no journey ${id}`);
  return JSON.parse(JSON.stringify(definition).replaceAll(JOURNEY_STEP_ARN_SUBSTITUTION, STEP_ARN));
}

export async function runScenario(scenario: Scenario): Promise<JourneyRun> {
  const definition = compiledJourney(scenario.journey);
  const script = structuredClone(scenario.script ?? {});
  const calls: string[] = [];
  const sent: string[] = [];
  const invoke = async (parameters: {
    Payload: { node: { id: string; kind: string; send?: { template: string } } };
  }) => {
    const { node } = parameters.Payload;
    calls.push(node.id);
    const scripted = script[node.id]?.shift();
    // The awaited event never comes: the task's own timeout (shortened below) ends it.
    if (scripted === 'timeout') return new Promise<never>(() => {});
    const reply = scripted ?? defaultAnswer(node);
    if (reply.outcome === 'sent' && node.send) sent.push(node.send.template);
    // A run that ends at a waitFor fails its task (SendTaskFailure) with the error its state catches.
    if (node.kind === 'waitFor' && reply.outcome === 'exited') {
      throw Object.assign(new Error(reply.reason), { name: RUN_EXITED_ERROR });
    }
    // A task that waits for its token returns what SendTaskSuccess sent; a plain Lambda task, its Payload.
    return node.kind === 'waitFor' ? reply : { Payload: reply };
  };
  for (const [nodeId, replies] of Object.entries(script)) {
    const state = Object.values(definition.States).find(
      (candidate) =>
        (candidate as { Parameters?: { Payload?: { node?: { id?: string } } } }).Parameters?.Payload?.node
          ?.id === nodeId,
    ) as { TimeoutSeconds?: number } | undefined;
    if (state !== undefined && replies.includes('timeout')) state.TimeoutSeconds = 1;
  }
  // Node's timers hold at most 2^31 - 1 ms (about 24.8 days): a longer task timeout (a 30-day waitFor)
  // would fire at once. The scripted step answers at once, so an hour is as good as a month here.
  for (const state of Object.values(definition.States) as Array<{ TimeoutSeconds?: number }>) {
    if (state.TimeoutSeconds !== undefined && state.TimeoutSeconds > 3600) state.TimeoutSeconds = 3600;
  }
  const states = Object.entries(definition.States);
  const journey = journeys.get(scenario.journey);
  let input: Record<string, unknown> = { trigger: { id: 'evt-1' } };
  if (journey !== undefined && !entersInMachine(journey)) {
    // The entry function decides first, with the enter node the trigger rule gives it; a run starts
    // only for an entry, with the entry's answer as `last`.
    const entered = (await invoke({ Payload: entryOf(journey) as never })) as { Payload: Answer };
    if (entered.Payload.outcome !== 'continue') {
      return { status: 'succeeded', path: [], transitions: 0, calls, sent };
    }
    input = { ...input, last: entered.Payload };
  }
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    context: {
      Execution: {
        Id: 'arn:aws:states:eu-west-1:123456789012:execution:journey:run-1',
        StartTime: '2026-06-01T10:00:00.000Z',
      },
      Task: { Token: 'task-token' },
    },
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        states.filter(([, state]) => state.Type === 'Task').map(([name]) => [name, invoke as never]),
      ),
      waitTimeOverrides: Object.fromEntries(
        states.filter(([, state]) => state.Type === 'Wait').map(([name]) => [name, 0]),
      ),
      retryIntervalOverrides: Object.fromEntries(
        states.filter(([, state]) => state.Type === 'Task').map(([name]) => [name, 0]),
      ),
    },
  });
  let status: JourneyRun['status'] = 'succeeded';
  try {
    await execution.result;
  } catch {
    status = 'failed';
  }
  const path: string[] = [];
  let transitions = 0;
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateRetried') transitions += 1;
    if (event.type !== 'StateEntered') continue;
    transitions += 1;
    path.push(event.state.name);
  }
  return { status, path, transitions, calls, sent };
}

function defaultAnswer(node: { kind: string }): Answer {
  switch (node.kind) {
    case 'send':
    case 'experiment':
      return answer('sent');
    case 'wait':
      return answer('continue', { sendAfter: '2026-06-20T10:00:00.000Z' });
    case 'enter':
      return answer('continue', { reason: 'entered:treated', sendAfter: '2026-06-20T10:00:00.000Z' });
    default:
      return answer('continue', { reason: 'event' });
  }
}
