import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { compileJourney, entersInMachine, entryOf } from '#infra/journeys/compile.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import { CATALOG } from '#journeys/config/catalog-config.ts';
import { assignVariant } from '#journeys/definition/experiments.ts';
import { type NodeInput, nodeInputSchema } from '#journeys/step/contract.ts';
import { ExperimentJudge } from '#journeys/step/experiment-judge.ts';
import { resumeWaitingRuns } from '#journeys/step/resume-waiting.ts';
import { decideEntry, ProfileBehindError, runNode } from '#journeys/step/run-node.ts';
import { renderMessage } from '#messaging/rendering/render.ts';
import { recordEvent } from '#profiles/domain/record-event.ts';
import { fixedClock } from '#shared/clock.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryErasureLog } from '#tests/helpers/in-memory-erasures.ts';
import { InMemoryMessagingStore, RecordingMailer } from '#tests/helpers/in-memory-messaging.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';
import {
  InMemoryFlowCounter,
  InMemoryRunStore,
  RecordingResumer,
  RecordingStopper,
} from '#tests/helpers/in-memory-runs.ts';

const store: StoreRecord = {
  storeId: 'demo',
  name: 'Demo Store',
  defaultCurrency: 'USD',
  timeZone: 'UTC',
  senderName: 'Demo Store',
  senderEmail: 'hello@demo-store.example',
  postalAddress: '1 Market Street, San Francisco',
  storeUrl: 'https://demo-store.example',
  unsubscribeSigningKey: 'key',
};
const identity = { customerId: 'c-1', email: 'ann@example.com' };
const registered = canonical({
  id: 'reg',
  type: 'customer.registered',
  occurredAt: '2026-03-01T08:00:00Z',
  identity,
  data: {
    attributes: { firstName: 'Ann', timeZone: 'UTC' },
    consent: [{ channel: 'email', status: 'granted', source: 'signup', recordedAt: '2026-03-01T08:00:00Z' }],
  },
});
/** Ann's view of the Sencha at `occurredAt`. */
const viewAt = (id: string, occurredAt: string) =>
  canonical({
    id,
    type: 'product.viewed',
    occurredAt,
    identity,
    data: { product: { productId: 'tea', name: 'Sencha' } },
  });
const cart = (id: string, at: string) =>
  canonical({
    id,
    type: 'cart.updated',
    occurredAt: at,
    identity,
    data: {
      cartId: 'cart-1',
      lines: [{ productId: 'tea', name: 'Sencha', quantity: 2, price: usd('12.50') }],
      total: usd('25.00'),
    },
  });
const order = canonical({
  id: 'order-ev',
  type: 'order.placed',
  occurredAt: '2026-03-01T09:30:00Z',
  identity,
  data: {
    orderId: 'o-1',
    cartId: 'cart-1',
    lines: [{ productId: 'tea', name: 'Sencha', quantity: 2, price: usd('12.50') }],
    total: usd('25.00'),
  },
});
const fulfilled = canonical({
  id: 'ship-ev',
  type: 'order.fulfilled',
  occurredAt: '2026-03-02T09:00:00Z',
  identity,
  data: { orderId: 'o-1' },
});

const definitions = loadJourneys();
const compiled = Object.fromEntries(definitions.map((journey) => [journey.id, compileJourney(journey)]));

/** The input the compiled machine's Task at `state` sends, as Step Functions would fill it in. */
function inputAt(
  journey: string,
  state: string,
  trigger: CanonicalEvent,
  extra: Partial<NodeInput> = {},
): NodeInput {
  const definition = definitions.find((candidate) => candidate.id === journey);
  if (state === 'Enter' && definition !== undefined && !entersInMachine(definition)) {
    // What the entry function decides with: the enter node its trigger rule gives it.
    return nodeInputSchema.parse({ ...entryOf(definition), trigger, runId: 'run-1', ...extra });
  }
  const task = compiled[journey]?.States[state] as
    | { Parameters: { Payload: Record<string, unknown> } }
    | undefined;
  if (task === undefined) throw new Error(`${journey} has no state ${state}`);
  const {
    'trigger.$': _t,
    'startedAt.$': _s,
    'taskToken.$': _k,
    'runId.$': _r,
    ...payload
  } = task.Parameters.Payload;
  return nodeInputSchema.parse({
    ...payload,
    trigger,
    startedAt: trigger.occurredAt,
    ...(state === 'Enter' && { runId: 'run-1' }),
    ...extra,
  });
}

/** The cart's last chance as an A/B experiment of two variants sending its mail. */
function lastChanceExperiment(trigger: CanonicalEvent, autoWinner: object) {
  const base = inputAt('cart-abandonment', 'LastChance', trigger);
  const { send } = base.node as { send: object };
  const variants = [
    { id: 'ten-off', weight: 1, send },
    { id: 'free-ship', weight: 1, send },
  ];
  const input = nodeInputSchema.parse({
    ...base,
    node: { id: 'last-chance', kind: 'experiment', experiment: { autoWinner, variants } },
  });
  return { input, variants };
}

async function world(events: CanonicalEvent[]) {
  const profiles = new InMemoryProfileStore();
  for (const event of events) await recordEvent(profiles, event);
  const messaging = new InMemoryMessagingStore();
  const runs = new InMemoryRunStore();
  const resumer = new RecordingResumer();
  const mailer = new RecordingMailer();
  const flow = new InMemoryFlowCounter();
  const experiments = new ExperimentJudge(flow);
  const erasures = new InMemoryErasureLog();
  const deps = (time: string) => ({
    profiles,
    messaging,
    runs,
    resumer,
    mailer,
    findStore: async (storeId: string) => (storeId === 'demo' ? store : undefined),
    render: renderMessage,
    clock: fixedClock(time),
    catalog: CATALOG,
    publicApiUrl: 'https://api.demo-store.example',
    experiments,
    erasures,
  });
  const at = (time: string) => (input: NodeInput) => runNode(deps(time), input);
  return { at, mailer, messaging, runs, resumer, profiles, deps, flow, erasures };
}

describe('Function: runNode (the one interpreter of compiled journeys)', () => {
  it('enters a cart run and sends its first reminder with the cart, knowing the node and never the journey', async () => {
    // Prepare
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at, mailer } = await world([registered, trigger]);

    // Act
    const entered = await at('2026-03-01T09:00:01Z')(inputAt('cart-abandonment', 'Enter', trigger));
    const reminder = await at('2026-03-01T10:00:00Z')(inputAt('cart-abandonment', 'Reminder1', trigger));

    // Assess
    expect(entered).toMatchObject({ outcome: 'continue', reason: 'entered:treated', branch: '' });
    expect(reminder).toMatchObject({ outcome: 'sent' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.html).toContain('Sencha');
    expect(mailer.sent[0]?.tags).toMatchObject({ journey: 'cart-abandonment', step: 'reminder-1' });
  });

  it("ends the wait before the next reminder out of the customer's quiet hours, where the reminder would be deferred to", async () => {
    // Prepare: Ann's nights (UTC) are quiet from 21:00 to 08:00; a cart run's reminders are 23 hours apart
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at } = await world([registered, trigger]);
    await at('2026-03-01T09:00:01Z')(inputAt('cart-abandonment', 'Enter', trigger));

    // Act
    const morning = await at('2026-03-02T08:30:00Z')(inputAt('cart-abandonment', 'Reminder1', trigger));
    const entered = await decideEntry(
      (await world([registered, trigger])).deps('2026-03-01T09:00:01Z'),
      inputAt('cart-abandonment', 'Enter', trigger),
    );

    // Assess: 08:30 + 23 h is 07:30, in the night: the wait ends when a deferral would have asked
    // again, at 08:00 plus Ann's moment of the half hour mails are spread over (28:43) plus the 94 s
    // of a priority-60 journey; the hour after entry is in the day
    expect(morning).toMatchObject({ outcome: 'sent', resumeAt: '2026-03-03T08:30:17.000Z' });
    expect(entered.answer).toMatchObject({ outcome: 'continue', resumeAt: '2026-03-01T10:00:01.000Z' });
  });

  it('starts no run for a trigger from before its customer was erased (an archive replay), and one for a later trigger', async () => {
    // Prepare: Ann was erased at 10:00; her profile went with her
    const replayed = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const later = cart('cart-ev-2', '2026-03-02T09:00:00Z');
    const { deps, erasures, messaging } = await world([]);
    await erasures.erase('demo', ['customer:c-1', 'email:ann@example.com'], '2026-03-01T10:00:00.000Z');

    // Act
    const old = await decideEntry(deps('2026-03-02T09:00:01Z'), {
      ...inputAt('cart-abandonment', 'Enter', replayed),
      runId: 'run-1',
    });
    const fresh = await decideEntry(deps('2026-03-02T09:00:01Z'), {
      ...inputAt('cart-abandonment', 'Enter', later),
      runId: 'run-2',
    });

    // Assess: the replay leaves no record of Ann; the later cart enters
    expect(old).toEqual({ answer: expect.objectContaining({ outcome: 'exited', reason: 'erased' }) });
    expect(fresh.answer.outcome).toBe('continue');
    expect(fresh.entered?.entry.subjectKey).toBe('cart-1');
    expect(await messaging.listDecisions({ storeId: 'demo', customerKey: 'customer:c-1' }, 10)).toEqual([]);
  });

  it('claims a trigger for one run (its own retry goes on) and ends an older run of a cart a newer change superseded', async () => {
    // Prepare
    const older = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const newer = cart('cart-ev-2', '2026-03-01T09:20:00Z');
    const { at, mailer } = await world([registered, older, newer]);
    const now = at('2026-03-01T10:00:00Z');

    // Act
    await now(inputAt('cart-abandonment', 'Enter', older));
    const retried = await now(inputAt('cart-abandonment', 'Enter', older));
    const again = await now(inputAt('cart-abandonment', 'Enter', older, { runId: 'run-2' }));
    await now(inputAt('cart-abandonment', 'Enter', newer, { runId: 'run-3' }));
    const olderReminder = await now(inputAt('cart-abandonment', 'Reminder1', older));

    // Assess
    expect(retried).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
    expect(again).toMatchObject({ outcome: 'exited', reason: 'duplicate-trigger' });
    expect(olderReminder).toMatchObject({ outcome: 'exited', reason: 'superseded' });
    expect(mailer.sent).toHaveLength(0);
  });

  it("ends a cart run at the journey's goal once the cart was ordered", async () => {
    // Prepare
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at, messaging } = await world([registered, trigger, order]);

    // Act
    await at('2026-03-01T09:00:01Z')(inputAt('cart-abandonment', 'Enter', trigger));
    const reminder = await at('2026-03-01T10:00:00Z')(inputAt('cart-abandonment', 'Reminder1', trigger));

    // Assess
    expect(reminder).toMatchObject({ outcome: 'exited', reason: 'ordered' });
    expect([...messaging.exits.values()]).toEqual([
      expect.objectContaining({ journey: 'cart-abandonment', reason: 'ordered' }),
    ]);
  });

  it('names the older run a newer change of the cart supersedes, and has a change older than the newest stopped as it starts', async () => {
    // Prepare
    const older = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const newer = cart('cart-ev-2', '2026-03-01T09:20:00Z');
    const late = cart('cart-ev-0', '2026-03-01T08:50:00Z');
    const { deps } = await world([registered, late, older, newer]);
    const decide = (trigger: typeof older, runId: string) =>
      decideEntry(deps('2026-03-01T09:30:00Z'), { ...inputAt('cart-abandonment', 'Enter', trigger), runId });

    // Act
    const first = await decide(older, 'run-1');
    const redelivered = await decide(older, 'run-1');
    const second = await decide(newer, 'run-2');
    const delayed = await decide(late, 'run-3');

    // Assess
    expect(first.supersedes).toBeUndefined();
    expect(redelivered.supersedes).toBeUndefined();
    expect(second.answer).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
    expect(second.supersedes).toEqual({ id: 'cart-ev-1', occurredAt: '2026-03-01T09:00:00.000Z' });
    // Entered as it would have been in order, then stopped at once: the same counts in any order
    expect(delayed.answer).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
    expect(delayed.supersededOnArrival).toBe(true);
    expect(delayed.supersedes).toBeUndefined();
  });

  it("decides entry before the run from the trigger alone: a goal the profile already shows is the first step's to find", async () => {
    // Prepare: the profile consumer ran first and already holds the order
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { deps } = await world([registered, trigger, order]);

    // Act
    const entered = await decideEntry(
      deps('2026-03-01T09:00:01Z'),
      inputAt('cart-abandonment', 'Enter', trigger),
    );

    // Assess: the same answer whichever consumer of the event ran first; entered when the cart changed
    expect(entered.answer).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
    expect(entered.entered?.entry).toMatchObject({
      journey: 'cart-abandonment',
      at: '2026-03-01T09:00:00.000Z',
    });
  });

  it('retries the entry of a journey that filters on the profile until the profile has seen its trigger', async () => {
    // Prepare
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { deps } = await world([registered]);
    const input = inputAt('cart-abandonment', 'Enter', trigger);
    const filtered = {
      ...input,
      journey: { ...input.journey, triggerProfile: { 'profile.email': { exists: true } } },
    };

    // Act
    const entry = decideEntry(deps('2026-03-01T09:00:01Z'), filtered);

    // Assess
    await expect(entry).rejects.toBeInstanceOf(ProfileBehindError);
  });

  it('waits for the profile when it has not seen the trigger yet, measured from the run start', async () => {
    // Prepare: the trigger happened an hour before the run began (a late delivery); the profile has not seen it.
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at } = await world([registered]);

    // Act
    const answer = await at('2026-03-01T10:00:00Z')(
      inputAt('cart-abandonment', 'Reminder1', trigger, { startedAt: '2026-03-01T09:59:00Z' }),
    );

    // Assess
    expect(answer).toEqual({
      outcome: 'deferred',
      reason: 'waiting-for-profile',
      sendAfter: '2026-03-01T10:01:00.000Z',
      waitSeconds: null,
      resumeAt: null,
      branch: '',
      variant: '',
    });
  });

  it('works out at entry the date a journey that starts by waiting waits for', async () => {
    // Prepare: tea lasts 30 days in the catalog; the reminder goes three days before.
    const tea = canonical({
      ...order,
      id: 'tea-order',
      data: { ...order.data, lines: [{ productId: 'sencha', category: 'tea', quantity: 1 }] },
    });
    const { at } = await world([registered, tea]);

    // Act
    const entered = await at('2026-03-01T10:00:00Z')(inputAt('replenishment', 'Enter', tea));

    // Assess
    expect(entered).toMatchObject({ outcome: 'continue', sendAfter: '2026-03-28T09:30:00.000Z' });
  });

  it('skips a browse mail when the condition on the mail history holds', async () => {
    // Prepare
    const view = canonical({
      id: 'v1',
      type: 'product.viewed',
      occurredAt: '2026-03-01T09:00:00Z',
      identity,
      data: { product: { productId: 'tea', name: 'Sencha' } },
    });
    const { at, messaging } = await world([registered, view]);
    await messaging.recordDecision(
      { storeId: 'demo', customerKey: 'customer:c-1' },
      {
        at: '2026-02-27T09:00:00.000Z',
        journey: 'browse-abandonment',
        step: 'reminder',
        subjectKey: 'x',
        outcome: 'sent',
      },
    );

    // Act
    const answer = await at('2026-03-01T11:00:00Z')(inputAt('browse-abandonment', 'Reminder', view));

    // Assess
    expect(answer).toMatchObject({ outcome: 'skipped', reason: 'skip-when' });
  });

  it('starts no browse run when the reminder would skip it anyway: mailed about browsing within 7 days of the send', async () => {
    // Prepare: browse mails 160 and 170 hours before two views; the reminder goes out 2 hours after a view
    const early = viewAt('v1', '2026-03-08T09:00:00Z');
    const later = viewAt('v2', '2026-03-08T19:00:00Z');
    const { deps, messaging } = await world([registered, early, later]);
    await messaging.recordDecision(
      { storeId: 'demo', customerKey: 'customer:c-1' },
      {
        at: '2026-03-01T17:00:00.000Z',
        journey: 'browse-abandonment',
        step: 'reminder',
        subjectKey: 'x',
        outcome: 'sent',
      },
    );

    // Act
    const recent = await decideEntry(
      deps('2026-03-08T09:00:01Z'),
      inputAt('browse-abandonment', 'Enter', early),
    );
    const older = await decideEntry(
      deps('2026-03-08T19:00:01Z'),
      inputAt('browse-abandonment', 'Enter', later),
    );

    // Assess
    expect(recent.answer).toMatchObject({ outcome: 'exited', reason: 'not-eligible' });
    expect(older.answer).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
  });

  it('registers a waitFor at once even when the profile has not seen the trigger yet (its token cannot be deferred)', async () => {
    // Prepare: the profile has not caught up with the order
    const { at, runs } = await world([registered]);

    // Act
    const waiting = await at('2026-03-01T09:31:00Z')(
      inputAt('post-purchase', 'AwaitFulfilment', order, { taskToken: 'token-1' }),
    );

    // Assess
    expect(waiting).toMatchObject({ outcome: 'continue', reason: 'waiting' });
    expect(runs.waiters.size).toBe(1);
  });

  it('starts no browse run whose one mail the frequency cap would skip when it goes, two hours on', async () => {
    // Prepare: a cart reminder went out at 07:00; browse views at 09:00 and, the next day, at 10:00
    const morning = viewAt('v1', '2026-03-02T09:00:00Z');
    const nextDay = viewAt('v2', '2026-03-03T10:00:00Z');
    const { deps, messaging } = await world([registered, morning, nextDay]);
    const customer = { storeId: 'demo', customerKey: 'customer:c-1' };
    await messaging.saveFrequency(customer, [new Date('2026-03-02T07:00:00Z')], undefined);

    // Act
    const capped = await decideEntry(
      deps('2026-03-02T09:00:01Z'),
      inputAt('browse-abandonment', 'Enter', morning),
    );
    const open = await decideEntry(
      deps('2026-03-03T10:00:01Z'),
      inputAt('browse-abandonment', 'Enter', nextDay),
    );

    // Assess: at 11:00 the 16-hour cap still holds the 07:00 mail; the next day it has aged out
    expect(capped).toEqual({ answer: expect.objectContaining({ outcome: 'exited', reason: 'capped' }) });
    expect(open.answer).toMatchObject({ outcome: 'continue', reason: 'entered:treated' });
    expect([...messaging.entries.values()]).toHaveLength(1);
  });

  it('waits for the fulfilment with a task token and is resumed by the event, once', async () => {
    // Prepare
    const { at, runs, resumer, profiles } = await world([registered, order]);

    // Act: the run starts waiting; then the shipment comes, twice (at-least-once delivery).
    const waiting = await at('2026-03-01T09:31:00Z')(
      inputAt('post-purchase', 'AwaitFulfilment', order, { taskToken: 'token-1' }),
    );
    const flow = new InMemoryFlowCounter();
    const waitEnds = waiting.sendAfter as string;
    await flow.add('demo', 'post-purchase', new Date('2026-03-01T09:31:00Z'), {
      node: 'await-fulfilment',
      names: ['passed'],
      waitingUntil: waitEnds,
    });
    const router = {
      profiles,
      runs,
      resumer,
      flow,
      messaging: new InMemoryMessagingStore(),
      stopper: new RecordingStopper(),
      now: () => new Date('2026-03-02T09:00:01Z'),
      erasures: new InMemoryErasureLog(),
    };
    const first = await resumeWaitingRuns(router, fulfilled);
    const second = await resumeWaitingRuns(router, fulfilled);

    // Assess: the wait ends with the 30-day timeout, unless the shipment resumes it first; once
    expect(waiting).toMatchObject({
      outcome: 'continue',
      reason: 'waiting',
      sendAfter: '2026-03-31T09:31:00.000Z',
    });
    expect(flow.waits).toEqual([
      { key: 'demo#post-purchase', node: 'await-fulfilment', until: waitEnds, change: 1 },
      { key: 'demo#post-purchase', node: 'await-fulfilment', until: waitEnds, change: -1 },
      // resumed, the run goes on into the five-day wait after the shipment
      { key: 'demo#post-purchase', node: 'wait-3', until: '2026-03-07T09:00:01.000Z', change: 1 },
    ]);
    expect(first).toEqual({ resumed: 1, gone: 0, ended: [] });
    expect(second).toEqual({ resumed: 0, gone: 0, ended: [] });
    expect(resumer.resumed).toEqual([
      { taskToken: 'token-1', output: expect.objectContaining({ outcome: 'continue', reason: 'event' }) },
    ]);
  });

  it('resumes at once a run that starts waiting after its event already came', async () => {
    // Prepare: the shipment is routed before the run reaches its waitFor.
    const { at, runs, resumer, profiles } = await world([registered, order]);
    await resumeWaitingRuns(
      {
        profiles,
        runs,
        resumer,
        flow: new InMemoryFlowCounter(),
        messaging: new InMemoryMessagingStore(),
        stopper: new RecordingStopper(),
        now: () => new Date('2026-03-01T09:40:00Z'),
        erasures: new InMemoryErasureLog(),
      },
      { ...fulfilled, occurredAt: '2026-03-01T09:40:00.000Z' },
    );

    // Act
    const answer = await at('2026-03-01T09:41:00Z')(
      inputAt('post-purchase', 'AwaitFulfilment', order, { taskToken: 'token-2' }),
    );

    // Assess
    expect(answer).toMatchObject({ outcome: 'continue', reason: 'event' });
    expect(resumer.resumed.map((call) => call.taskToken)).toEqual(['token-2']);
    expect(runs.waiters.size).toBe(0);
  });

  it('gives every customer the declared winner of an experiment once its figures decide it', async () => {
    // Prepare: an experiment at the last chance; the variant this customer is assigned converts worse
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at, flow } = await world([registered, trigger]);
    const { input, variants } = lastChanceExperiment(trigger, { minPerVariant: 100, probability: 0.95 });
    const assigned = assignVariant('cart-abandonment/last-chance', 'customer:c-1', variants);
    const better = assigned === 'ten-off' ? 'free-ship' : 'ten-off';
    await flow.add(
      'demo',
      'cart-abandonment',
      new Date('2026-03-02T09:00:00Z'),
      {
        node: 'last-chance',
        names: [],
        amounts: {
          [`sent@${assigned}`]: 200,
          [`converted@${assigned}`]: 10,
          [`sent@${better}`]: 200,
          [`converted@${better}`]: 40,
          [`revenue:USD@${better}`]: 400_000,
        },
      },
      'figures',
    );

    // Act
    const answer = await at('2026-03-04T09:00:00Z')(input);
    const again = await at('2026-03-04T09:01:00Z')(input);

    // Assess: the winner is recorded once, and read from memory for the next send
    expect(answer).toMatchObject({ outcome: 'sent', variant: better });
    expect(again).toMatchObject({ variant: better });
    expect(flow.winners.get('demo#cart-abandonment#last-chance')).toMatchObject({ winner: better });
    expect(flow.reads).toBe(1);
  });

  it('keeps assigning variants while no experiment variant has won', async () => {
    // Prepare
    const trigger = cart('cart-ev-1', '2026-03-01T09:00:00Z');
    const { at, flow } = await world([registered, trigger]);
    const { input, variants } = lastChanceExperiment(trigger, {});

    // Act
    const answer = await at('2026-03-04T09:00:00Z')(input);

    // Assess
    expect(answer).toMatchObject({
      outcome: 'sent',
      variant: assignVariant('cart-abandonment/last-chance', 'customer:c-1', variants),
    });
    expect(flow.winners.size).toBe(0);
  });

  it('answers ended-elsewhere, recording nothing, at a goal check of a run a goal already stopped', async () => {
    // Prepare: the order reached the welcome goal while the step was answering; the router claimed the end
    const { at, messaging, runs } = await world([registered, order]);
    const input = { ...inputAt('welcome', 'Bestsellers', registered), runId: 'arn:run-1' };
    await runs.claimRunEnd(
      { storeId: 'demo', customerKey: 'customer:c-1' },
      'welcome',
      'arn:run-1',
      '2026-03-03T09:00:00Z',
    );

    // Act
    const answer = await at('2026-03-03T09:00:00Z')(input);

    // Assess: the run ends (it is stopped anyway), its end counted by the goal
    expect(answer).toMatchObject({ outcome: 'exited', reason: 'ended-elsewhere' });
    expect(messaging.exits.size).toBe(0);
  });
});
