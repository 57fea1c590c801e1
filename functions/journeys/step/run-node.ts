/**
 * The one interpreter of journey nodes: called by every Task of every compiled journey with the node
 * it is at, it answers continue / sent / skipped / deferred / exited (and the branch of a split).
 * It knows node kinds, never journeys. Every answer is safe to repeat: entries are claimed, sends go
 * through the guarded send path's slots, waits and branches are worked out from the same facts.
 *
 * Before any node but `enter`: wait for the profile to catch up with the trigger; end a run that a
 * newer trigger of its subject superseded; end a run whose journey goal (`exitWhen`) was reached.
 */
import type { CanonicalEvent } from '#events/schemas.ts';
import { type ConditionContext, evaluate, pathsOf } from '#journeys/definition/conditions.ts';
import { durationSeconds } from '#journeys/definition/duration.ts';
import { assignVariant } from '#journeys/definition/experiments.ts';
import type { JourneyNode, SendSpec } from '#journeys/definition/schema.ts';
import {
  bypassesCaps,
  DEFAULT_FREQUENCY_POLICY,
  frequencyDecision,
} from '#messaging/domain/frequency-policy.ts';
import type { CustomerRef, EmailSender, JourneyEntry, MessagingStore } from '#messaging/domain/ports.ts';
import { DEFAULT_QUIET_HOURS } from '#messaging/domain/quiet-hours.ts';
import { quietHoursRelease, quietHoursTimeZone } from '#messaging/domain/send-decision.ts';
import { type RenderedMessage, sendGuarded } from '#messaging/domain/send-guarded.ts';
import { MessageRenderError, SenderNotConfiguredError } from '#messaging/errors.ts';
import type { RenderResult } from '#messaging/rendering/render.ts';
import type { TemplateId } from '#messaging/rendering/template-catalog.ts';
import type { TemplateData } from '#messaging/rendering/template-data.ts';
import { erasedSince } from '#profiles/domain/erasure.ts';
import { identityKeys } from '#profiles/domain/identity.ts';
import type { ErasureLog, ProfileStore } from '#profiles/domain/ports.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import type { Clock } from '#shared/clock.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { CatalogConfig } from '../config/catalog-config.ts';
import { isHeldOut } from '../domain/holdout.ts';
import { chooseRandomSplit, chooseSplit } from './branches.ts';
import type { NodeInput, NodeOutput } from './contract.ts';
import { ENDED_ELSEWHERE, goesOnToNext, nodeAnswer } from './contract.ts';
import { type ExitGoal, exitGoalReached } from './exit-goals.ts';
import type { ExperimentJudge } from './experiment-judge.ts';
import { factsOf, messageHistory } from './facts.ts';
import type { LatestTrigger, RunStore, TaskResumer } from './ports.ts';
import { SUPERSEDED } from './run-goals.ts';
import { subjectOf } from './subject.ts';
import { sendTemplateData } from './template-data.ts';
import { dateFromContext, nextLocalTime, type Weekday } from './wait-until.ts';

/** The exit of a trigger about a customer erased after it happened. */
export const ERASED = 'erased';

const DAY_MS = 86_400_000;
/**
 * How long a step waits for the profile to catch up with its trigger, measured from the run's start:
 * after 30 s, then twice as long each time up to an hour (about thirty calls in a day).
 */
const PROFILE_CATCH_UP_MS = DAY_MS;
const PROFILE_RETRY_MIN_MS = 30_000;
const PROFILE_RETRY_MAX_MS = 3_600_000;

export const ENTERED_TREATED = 'entered:treated';
export const ENTERED_HELD_OUT = 'entered:heldout';

export interface RunNodeDependencies {
  profiles: ProfileStore;
  messaging: MessagingStore;
  runs: RunStore;
  resumer: TaskResumer;
  mailer: EmailSender;
  findStore(storeId: string): Promise<StoreRecord | undefined>;
  render(templateId: TemplateId, data: TemplateData): RenderResult;
  clock: Clock;
  catalog: CatalogConfig;
  publicApiUrl: string;
  /** An experiment's declared winner, which every customer gets once there is one. */
  experiments: Pick<ExperimentJudge, 'winnerOf'>;
  /** Erasures of customers: a trigger from before one (a replay) starts nothing. */
  erasures: ErasureLog;
}

/** What deciding an entry needs: no mail is sent at entry. */
export type EntryDependencies = Pick<
  RunNodeDependencies,
  'profiles' | 'messaging' | 'runs' | 'findStore' | 'clock' | 'catalog' | 'erasures'
>;

interface Run {
  input: NodeInput;
  profile: Profile | undefined;
  now: Date;
  subjectKey: string;
  customerKey: string;
  context: ConditionContext;
}

export async function runNode(deps: RunNodeDependencies, input: NodeInput): Promise<NodeOutput> {
  const { run, hasTrigger, now } = await begin(deps, input);
  const answer =
    input.node.kind === 'enter'
      ? (await enter(deps, run, hasTrigger)).answer
      : await answerNode(deps, run, hasTrigger, now);
  return withResumeAt(deps, run, answer);
}

/**
 * When the fixed wait after this node ends: its duration from now, or, before a marketing mail, the
 * end of the customer's quiet hours it would fall in. The mail then goes out as the wait ends rather
 * than being deferred by its step (a deferral costs a Wait, a Task and a Choice more). The send still
 * checks quiet hours itself: the customer may have moved in the meantime.
 */
async function withResumeAt(
  deps: EntryDependencies,
  run: Run,
  answer: NodeOutput,
  zone: QuietHoursZone = 'customer',
): Promise<NodeOutput> {
  if (!goesOnToNext(answer)) return answer;
  const resumeAt = await waitEndOf(deps, run, zone);
  return resumeAt === undefined ? answer : { ...answer, resumeAt: resumeAt.toISOString() };
}

/**
 * Whose quiet hours a wait's end is moved out of: the customer's (their profile's time zone), or the
 * store's. The entry function decides before the profile function has necessarily applied the
 * events before the trigger (the bus feeds both in parallel), so a time zone a sign-up just set may
 * or may not be on the profile it reads; entry uses the store's zone, and the step, which waits for
 * the profile, defers by the customer's own if they differ. The same events then give the same runs
 * whatever order the two consumers got them in.
 */
type QuietHoursZone = 'customer' | 'store';

/** When the fixed wait this node goes on to ends (see `withResumeAt`); undefined when none follows. */
async function waitEndOf(deps: EntryDependencies, run: Run, zone: QuietHoursZone): Promise<Date | undefined> {
  const { nextWait, journey, trigger } = run.input;
  if (nextWait === undefined) return undefined;
  const ends = new Date(run.now.getTime() + nextWait.seconds * 1000);
  if (nextWait.beforeMarketing !== true) return ends;
  const store = await deps.findStore(trigger.storeId);
  const timeZone = quietHoursTimeZone(
    {
      ...(zone === 'customer' &&
        run.profile?.attributes.timeZone && { timeZone: run.profile.attributes.timeZone }),
    },
    store?.timeZone ?? 'UTC',
  );
  return quietHoursRelease(ends, timeZone, DEFAULT_QUIET_HOURS, journey.priority, run.customerKey);
}

/**
 * How far past the wait's end a run's only mail is still judged capped at entry: its step runs as
 * the wait ends, later only when Lambda or DynamoDB had to be retried. Capped then means capped at
 * any moment up to it (a send in a window counts until it ages out; sends only add).
 */
const ONLY_MAIL_CAP_MARGIN_MS = 60 * 60_000;

/** Whether the run's only mail, skipped when capped, would surely be capped when it goes. */
async function onlyMailCapped(deps: EntryDependencies, run: Run, customer: CustomerRef): Promise<boolean> {
  const node = run.input.node as { onlyMailSkippedWhenCapped?: string };
  if (node.onlyMailSkippedWhenCapped === undefined) return false;
  if (bypassesCaps(run.input.journey.priority, DEFAULT_FREQUENCY_POLICY)) return false;
  // Judged at entry only, before the profile has necessarily caught up (see QuietHoursZone).
  const goes = await waitEndOf(deps, run, 'store');
  if (goes === undefined) return false;
  const { sentAt } = await deps.messaging.loadFrequency(customer);
  const at = new Date(goes.getTime() + ONLY_MAIL_CAP_MARGIN_MS);
  return !frequencyDecision(sentAt, at, DEFAULT_FREQUENCY_POLICY).allowed;
}

async function answerNode(
  deps: RunNodeDependencies,
  run: Run,
  hasTrigger: boolean,
  now: Date,
): Promise<NodeOutput> {
  const { input } = run;
  // A waitFor waits for an event, not for the profile: it registers at once (its task token cannot
  // be deferred, and the event may come before the profile has the trigger).
  if (!hasTrigger && !('waitFor' in input.node)) {
    const waited = now.getTime() - runBeganAt(input);
    if (waited < PROFILE_CATCH_UP_MS) {
      const retryIn = Math.min(PROFILE_RETRY_MAX_MS, Math.max(PROFILE_RETRY_MIN_MS, waited));
      return nodeAnswer.deferred(new Date(now.getTime() + retryIn), 'waiting-for-profile');
    }
  }
  if (await superseded(deps, run)) return endSuperseded(deps, run);
  const goal = exitGoalReached(input.journey.exitWhen as ExitGoal[], input.trigger, run.profile, run.context);
  if (goal !== undefined) return exitRun(deps, run, goal);

  const { node } = input;
  if ('send' in node) return send(deps, run, node.id, node.send, node.id);
  if ('experiment' in node) {
    const winner = await deps.experiments.winnerOf(
      input.trigger.storeId,
      input.journey.id,
      node.id,
      node.experiment,
      run.now,
    );
    const chosen =
      winner ?? assignVariant(`${input.journey.id}/${node.id}`, run.customerKey, node.experiment.variants);
    const variant = node.experiment.variants.find((candidate) => candidate.id === chosen);
    if (variant === undefined) throw new Error(`experiment ${node.id} has no variant ${chosen}`);
    return {
      ...(await send(deps, run, node.id, variant.send, `${node.id}:${variant.id}`)),
      variant: variant.id,
    };
  }
  if ('wait' in node && node.kind === 'wait') return waitUntil(deps, run, node.wait as WaitSpec);
  if ('split' in node) return nodeAnswer.branch(chooseSplit(node.split, run.context) ?? '');
  if ('randomSplit' in node) {
    return nodeAnswer.branch(
      chooseRandomSplit(node.randomSplit, `${input.journey.id}:${node.id}:${run.customerKey}`),
    );
  }
  if ('waitFor' in node) return registerWait(deps, run, node.waitFor);
  if ('exit' in node) return exitRun(deps, run, node.exit.as);
  throw new Error(`node ${input.node.id} is of no kind this step knows`);
}

/** The answer to a trigger, and the entry it recorded if it entered. */
export interface EntryDecision {
  answer: NodeOutput;
  entered?: { customer: CustomerRef; entry: JourneyEntry };
  /** The older trigger of the same subject whose run this entry supersedes (`supersede`), to stop at once. */
  supersedes?: LatestTrigger;
  /**
   * A newer trigger of the subject entered first (events arrive in any order): this run is stopped as
   * soon as it starts, exactly as the newer one's entry would have stopped it had they come in order,
   * so entries, exits and transitions are the same whichever came first.
   */
  supersededOnArrival?: true;
}

/**
 * Decides whether a trigger enters its journey, before any run exists (the entry function): the
 * same decision as an `enter` node's, so a run starts only for an entry.
 */
export async function decideEntry(deps: EntryDependencies, input: NodeInput): Promise<EntryDecision> {
  if (input.node.kind !== 'enter')
    throw new Error(`entry is decided for an enter node, not ${input.node.kind}`);
  const { run, hasTrigger } = await begin(deps, input);
  const decision = await enter(deps, run, hasTrigger, true);
  return { ...decision, answer: await withResumeAt(deps, run, decision.answer, 'store') };
}

/** The profile has not caught up with a trigger whose journey filters on the profile: try again later. */
export class ProfileBehindError extends Error {
  override readonly name = 'ProfileBehindError';
  constructor() {
    super('the profile has not caught up with the trigger yet');
  }
}

async function begin(deps: EntryDependencies, input: NodeInput) {
  const now = deps.clock.now();
  const profile = await loadProfile(deps.profiles, input.trigger);
  const hasTrigger = input.journey.scheduled === true || profileHasTrigger(input.trigger, profile);
  const run = await runOf(deps, input, profile, now);
  return { run, hasTrigger, now };
}

async function runOf(
  deps: EntryDependencies,
  input: NodeInput,
  profile: Profile | undefined,
  now: Date,
): Promise<Run> {
  const { journey, trigger } = input;
  const subjectKey = subjectOf(journey.subject, trigger, profile);
  const customerKey = profile?.key ?? identityKeys(trigger.identity)[0] ?? 'unknown';
  const facts = factsOf(trigger, profile, deps.catalog);
  const context: ConditionContext = { now, event: trigger, profile, subject: subjectKey, facts };
  if (readsMessages(input)) {
    const decisions = await deps.messaging.listDecisions({ storeId: trigger.storeId, customerKey }, 50);
    context.messages = messageHistory(decisions);
  }
  return { input, profile, now, subjectKey, customerKey, context };
}

/** Mail history costs a query: read only for nodes, goals and trigger filters whose conditions ask for it. */
function readsMessages(input: NodeInput): boolean {
  const { journey } = input;
  const conditions = [
    ...(journey.exitWhen as ExitGoal[]).flatMap((goal) => ('when' in goal ? [goal.when] : [])),
    ...(input.node.kind === 'enter' ? [journey.triggerWhere, journey.triggerProfile] : []).filter(
      (condition) => condition !== undefined,
    ),
    ...('send' in input.node && input.node.send.skipWhen ? [input.node.send.skipWhen] : []),
    ...('split' in input.node
      ? input.node.split.flatMap((branch) => ('when' in branch ? [branch.when] : []))
      : []),
  ];
  return conditions.some((condition) => pathsOf(condition).some((path) => path.startsWith('messages.')));
}

async function enter(
  deps: EntryDependencies,
  run: Run,
  hasTrigger: boolean,
  decidedBeforeRun = false,
): Promise<EntryDecision> {
  const { journey, trigger, runId } = run.input;
  // Claims name the run that enters, so its own retry goes on and any other run is a duplicate.
  if (runId === undefined) throw new Error('entering a journey needs the id of the run that enters');
  const noEntry = async (answer: NodeOutput | Promise<NodeOutput>) => ({ answer: await answer });
  const claim = (key: string) =>
    deps.messaging.claimTrigger(trigger.storeId, journey.id, key, run.now.toISOString(), runId);
  if (await erasedSince(deps.erasures, trigger, run.profile)) return noEntry(nodeAnswer.exited(ERASED));
  if ((await claim(trigger.id)) === 'exists') return noEntry(nodeAnswer.exited('duplicate-trigger'));
  if (journey.triggerWhere !== undefined && !evaluate(journey.triggerWhere, run.context)) {
    return noEntry(nodeAnswer.exited('not-eligible'));
  }
  const { reentry } = journey;
  let supersedes: LatestTrigger | undefined;
  let supersededOnArrival = false;
  if (reentry.supersede) {
    const { latest, replaced } = await deps.runs.recordLatestTrigger(
      trigger.storeId,
      journey.id,
      run.subjectKey,
      {
        id: trigger.id,
        occurredAt: new Date(trigger.occurredAt).toISOString(),
      },
    );
    supersededOnArrival = latest.id !== trigger.id;
    supersedes = supersededOnArrival ? undefined : replaced;
  } else {
    const who = reentry.per === 'customer' ? `customer:${run.customerKey}` : `subject:${run.subjectKey}`;
    const window =
      reentry.everyDays === undefined
        ? ''
        : `:${Math.floor(run.now.getTime() / (reentry.everyDays * DAY_MS))}`;
    if ((await claim(`${who}${window}`)) === 'exists') return noEntry(nodeAnswer.exited('already-entered'));
  }
  if (decidedBeforeRun) {
    // What the profile says of goals is the first step's to check (it waits for the profile): the
    // bus feeds the profiles and the entry function in parallel, and entry must not depend on which
    // of the two came first. A filter on the profile cannot wait for a step: its entry is retried.
    if (journey.triggerProfile !== undefined) {
      if (!hasTrigger) throw new ProfileBehindError();
      if (!evaluate(journey.triggerProfile, run.context)) return noEntry(exitRun(deps, run, 'not-eligible'));
    }
  } else if (hasTrigger) {
    if (journey.triggerProfile !== undefined && !evaluate(journey.triggerProfile, run.context)) {
      return noEntry(exitRun(deps, run, 'not-eligible'));
    }
    const goal = exitGoalReached(journey.exitWhen as ExitGoal[], trigger, run.profile, run.context);
    if (goal !== undefined) return noEntry(exitRun(deps, run, goal));
  }
  const heldOut = isHeldOut(journey.id, run.customerKey, journey.holdoutPercent);
  const customer = { storeId: trigger.storeId, customerKey: run.customerKey };
  if (decidedBeforeRun && (await onlyMailCapped(deps, run, customer))) {
    return noEntry(nodeAnswer.exited('capped'));
  }
  // Entered when the customer did what triggered it, not when a consumer got to it: conversions
  // compare this with the order's time, and must not depend on how fast either was processed.
  const entry = {
    journey: journey.id,
    subjectKey: run.subjectKey,
    at: new Date(trigger.occurredAt).toISOString(),
    heldOut,
  };
  await deps.messaging.recordEntry(customer, entry);
  await deps.runs.recordRun(customer, journey.id, runId, run.now.toISOString());
  const entered = { customer, entry };
  const decided = (answer: NodeOutput): EntryDecision => ({
    answer,
    entered,
    ...(supersedes !== undefined && { supersedes }),
    ...(supersededOnArrival && { supersededOnArrival: true as const }),
  });
  // The holdout group rides on the reason so the handler can count entrants per group (lift).
  const reason = heldOut ? ENTERED_HELD_OUT : ENTERED_TREATED;
  const node = run.input.node as { wait?: unknown };
  if (node.wait === undefined) return decided(nodeAnswer.continue(reason));
  // The journey starts by waiting for a date or a local time: Enter works it out.
  const until = await waitUntil(deps, run, node.wait as WaitSpec);
  return decided(nodeAnswer.continue(reason, { sendAfter: until.sendAfter ?? run.now.toISOString() }));
}

/** A newer trigger of the same subject took over (a newer change of the same cart). */
async function superseded(deps: RunNodeDependencies, run: Run): Promise<boolean> {
  const { journey, trigger } = run.input;
  if (!journey.reentry.supersede) return false;
  const latest = await deps.runs.findLatestTrigger(trigger.storeId, journey.id, run.subjectKey);
  if (latest === undefined || latest.id === trigger.id) return false;
  const mine = new Date(trigger.occurredAt).toISOString();
  return latest.occurredAt > mine || (latest.occurredAt === mine && latest.id > trigger.id);
}

/**
 * Ends a superseded run, once: the newer run's entry may be stopping it at this moment. It is no end
 * of its subject's journey (the newer run goes on), so not in the customer's story.
 */
async function endSuperseded(deps: RunNodeDependencies, run: Run): Promise<NodeOutput> {
  const { journey, trigger, runId } = run.input;
  if (runId !== undefined) {
    const customer = { storeId: trigger.storeId, customerKey: run.customerKey };
    const claimed = await deps.runs.claimRunEnd(customer, journey.id, runId, run.now.toISOString());
    if (claimed === 'taken') return nodeAnswer.exited(ENDED_ELSEWHERE);
  }
  return nodeAnswer.exited(SUPERSEDED);
}

/**
 * Ends the run and records why, for the customer's story.
 */
async function exitRun(deps: EntryDependencies, run: Run, reason: string): Promise<NodeOutput> {
  const { journey, node, trigger, runId } = run.input;
  const customer = { storeId: trigger.storeId, customerKey: run.customerKey };
  // A goal's event may have stopped the run while this step was answering: its end counts once.
  if (runId !== undefined) {
    const claimed = await deps.runs.claimRunEnd(customer, journey.id, runId, run.now.toISOString());
    if (claimed === 'taken') return nodeAnswer.exited(ENDED_ELSEWHERE);
  }
  await deps.messaging.recordExit(customer, {
    journey: journey.id,
    subjectKey: run.subjectKey,
    step: node.id,
    reason,
    at: run.now.toISOString(),
  });
  return nodeAnswer.exited(reason);
}

type WaitSpec = Extract<JourneyNode, { wait: unknown }>['wait'];

async function waitUntil(deps: EntryDependencies, run: Run, wait: WaitSpec): Promise<NodeOutput> {
  if ('untilLocal' in wait) {
    const store = await deps.findStore(run.input.trigger.storeId);
    const zone = run.profile?.attributes.timeZone ?? store?.timeZone ?? 'UTC';
    const at = nextLocalTime(
      run.now,
      zone,
      wait.untilLocal.time,
      wait.untilLocal.days as Weekday[] | undefined,
    );
    return nodeAnswer.until(at, 'local-time');
  }
  if ('until' in wait) {
    const at = dateFromContext(wait.until.date, wait.until.offset, run.context);
    // No such date: nothing to wait for, so the run goes on at once.
    return nodeAnswer.until(at ?? run.now, at === undefined ? 'no-date' : 'date');
  }
  // A plain duration is a Wait state of its own and never reaches the step.
  throw new Error(`wait node ${run.input.node.id} has nothing for the step to work out`);
}

/**
 * Registers the run as waiting for its event, then looks whether the event already came (since the
 * run began): the event router writes the event before it looks for waiters, and this writes the
 * waiter before it looks for events, so one of the two always sees the other.
 */
async function registerWait(
  deps: RunNodeDependencies,
  run: Run,
  waitFor: Extract<NodeInput['node'], { waitFor: unknown }>['waitFor'],
): Promise<NodeOutput> {
  const { journey, trigger, taskToken } = run.input;
  if (taskToken === undefined) throw new Error('a waitFor node needs the task token');
  const customer = { storeId: trigger.storeId, customerKey: run.customerKey };
  const since = new Date(runBeganAt(run.input)).toISOString();
  const timeoutMs = (durationSeconds(waitFor.timeout) ?? 0) * 1000;
  const expiresAt = new Date(run.now.getTime() + timeoutMs).toISOString();
  await deps.runs.saveWaiter(customer, {
    eventType: waitFor.event,
    journey: journey.id,
    node: run.input.node.id,
    ...(run.input.nextWait !== undefined && { nextWait: run.input.nextWait }),
    subjectKey: run.subjectKey,
    subject: run.subjectKey,
    ...(waitFor.where !== undefined && { where: waitFor.where }),
    since,
    taskToken,
    expiresAt,
  });
  const seen = await deps.runs.listSeenEvents(customer, waitFor.event, since);
  const match = seen.find(
    (event) =>
      waitFor.where === undefined ||
      evaluate(waitFor.where, { ...run.context, event: { type: event.type, data: event.data } }),
  );
  if (match !== undefined) {
    await deps.resumer.resume(taskToken, nodeAnswer.continue('event'));
    await deps.runs.deleteWaiter(customer, {
      eventType: waitFor.event,
      journey: journey.id,
      subjectKey: run.subjectKey,
    });
  }
  // Step Functions ignores this answer (the task waits for its token); the flow view counts the wait.
  return match === undefined
    ? nodeAnswer.until(new Date(expiresAt), 'waiting')
    : nodeAnswer.continue('event');
}

async function send(
  deps: RunNodeDependencies,
  run: Run,
  step: string,
  spec: SendSpec,
  variant: string,
): Promise<NodeOutput> {
  const { journey, trigger } = run.input;
  if (!spec.enabled) return nodeAnswer.skipped('step-disabled');
  if (spec.skipWhen !== undefined && evaluate(spec.skipWhen, run.context))
    return nodeAnswer.skipped('skip-when');
  const store = await deps.findStore(trigger.storeId);
  if (store?.senderEmail === undefined || store.unsubscribeSigningKey === undefined) {
    throw new SenderNotConfiguredError(
      `store ${trigger.storeId} has no sender address or unsubscribe signing key`,
    );
  }
  const template = spec.template as TemplateId;
  const email = run.profile?.email ?? trigger.identity.email;
  const data = sendTemplateData({
    journeyId: journey.id,
    subjectKey: run.subjectKey,
    kind: spec.kind,
    store,
    profile: run.profile,
    email: email ?? '',
    trigger,
    now: run.now,
    catalog: deps.catalog,
    data: spec.data ?? [],
    ...(spec.discount && { discount: spec.discount }),
  });
  const result = await sendGuarded(deps.messaging, deps.mailer, {
    request: {
      journey: journey.id,
      step,
      subjectKey: run.subjectKey,
      kind: spec.kind,
      priority: journey.priority,
      whenCapped: spec.whenCapped,
    },
    template,
    customer: { storeId: trigger.storeId, customerKey: run.customerKey },
    recipient: {
      ...(email !== undefined && { email }),
      ...(run.profile?.consent.email && { emailConsent: run.profile.consent.email.status }),
      ...(run.profile?.attributes.timeZone && { timeZone: run.profile.attributes.timeZone }),
    },
    sender: {
      storeId: store.storeId,
      name: store.senderName ?? store.name,
      address: store.senderEmail,
      ...(store.postalAddress !== undefined && { postalAddress: store.postalAddress }),
      timeZone: store.timeZone,
      unsubscribeSigningKey: store.unsubscribeSigningKey,
      publicApiUrl: deps.publicApiUrl,
    },
    heldOut: isHeldOut(journey.id, run.customerKey, journey.holdoutPercent),
    variant,
    now: run.now,
    render: (unsubscribeUrl) =>
      rendered(deps.render(template, { ...data, ...(unsubscribeUrl && { unsubscribeUrl }) })),
  });
  switch (result.outcome) {
    case 'sent':
      return nodeAnswer.sent(result.messageId);
    case 'skipped':
      return nodeAnswer.skipped(result.reason);
    case 'deferred':
      return nodeAnswer.deferred(result.until, result.reason);
    default:
      return assertUnreachable(result);
  }
}

function rendered(result: RenderResult): RenderedMessage {
  if (!result.ok) throw new MessageRenderError(result.error.message);
  return { subject: result.subject, html: result.html, text: result.text };
}

/** Whether the profile already reflects the trigger (the bus feeds profiles and journeys in parallel). */
function profileHasTrigger(trigger: CanonicalEvent, profile: Profile | undefined): boolean {
  if (profile === undefined) return false;
  return (
    profile.appliedEventIds.includes(trigger.id) ||
    (profile.lastSeenAt ?? '') >= new Date(trigger.occurredAt).toISOString()
  );
}

/** When the run began; runs started before the step knew, by the trigger's own time. */
function runBeganAt(input: NodeInput): number {
  const occurred = Date.parse(input.trigger.occurredAt);
  return input.startedAt === undefined ? occurred : Math.max(occurred, Date.parse(input.startedAt));
}

async function loadProfile(profiles: ProfileStore, trigger: CanonicalEvent): Promise<Profile | undefined> {
  const [key] = identityKeys(trigger.identity);
  if (key === undefined) return undefined;
  return (await resolveProfile(profiles, trigger.storeId, key)).stored?.profile;
}
