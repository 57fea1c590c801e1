import type { EmailSender, MessagingStore } from '#messaging/domain/ports.ts';
import { type RenderedMessage, sendGuarded } from '#messaging/domain/send-guarded.ts';
import { MessageRenderError, SenderNotConfiguredError } from '#messaging/errors.ts';
import type { RenderResult } from '#messaging/rendering/render.ts';
import type { TemplateData } from '#messaging/rendering/template-data.ts';
import { identityKeys } from '#profiles/domain/identity.ts';
import type { ProfileStore } from '#profiles/domain/ports.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import type { Clock } from '#shared/clock.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { CatalogConfig } from '../config/catalog-config.ts';
import { stepKey, type TemplateId } from '../config/journey-schema.ts';
import { exitReason, replenishableLines } from './exit-conditions.ts';
import { isHeldOut } from './holdout.ts';
import { answer, type ExitReason, type StepInput, type StepOutput } from './step-contract.ts';
import { subjectKeyOf } from './subject.ts';
import { templateDataFor } from './template-data.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How long a step waits for the profile to catch up with its trigger before deciding without it,
 * measured from when the run began (an event may arrive long after it happened: a backfill, a
 * Segment batch with the sender's timestamps). The bus feeds profiles and journeys in parallel, so in
 * the cloud the profile is seconds behind, or minutes when its queue retries; a sped-up local clock
 * turns a cold start into virtual hours. The step asks again after 30 s, then twice as long each
 * time up to an hour: about thirty calls in a day for a profile that never comes.
 */
const PROFILE_CATCH_UP_MS = DAY_MS;
const PROFILE_RETRY_MIN_MS = 30 * 1000;
const PROFILE_RETRY_MAX_MS = 60 * 60 * 1000;

export const ENTERED_TREATED = 'entered:treated';
export const ENTERED_HELD_OUT = 'entered:heldout';

export interface JourneyStepDependencies {
  profiles: ProfileStore;
  messaging: MessagingStore;
  mailer: EmailSender;
  findStore(storeId: string): Promise<StoreRecord | undefined>;
  render(templateId: TemplateId, data: TemplateData): RenderResult;
  clock: Clock;
  catalog: CatalogConfig;
  /** Base URL of the public HTTP API (one-click unsubscribe links). */
  publicApiUrl: string;
}

interface StepConfig {
  kind: 'marketing' | 'transactional';
  enabled: boolean;
  template: TemplateId;
  whenCapped?: 'defer' | 'skip';
  delaySeconds?: number;
}

/**
 * One call of the journey-step Lambda: claim the trigger (`enter`), or re-check the exit condition
 * and send the step's mail through the guarded send path. Every answer is safe to repeat.
 */
export async function runJourneyStep(deps: JourneyStepDependencies, input: StepInput): Promise<StepOutput> {
  const { journey, step, trigger, config } = input;
  const now = deps.clock.now();
  const profile = await loadProfile(deps.profiles, trigger);

  if (step === 'enter') return enter(deps, input, profile, now);
  if (!profileHasTrigger(input, profile)) {
    // The bus feeds profiles and journeys in parallel: give the profile time to see the trigger.
    const waited = now.getTime() - runBeganAt(input);
    if (waited < PROFILE_CATCH_UP_MS) {
      const retryIn = Math.min(PROFILE_RETRY_MAX_MS, Math.max(PROFILE_RETRY_MIN_MS, waited));
      return answer.deferred(new Date(now.getTime() + retryIn), 'waiting-for-profile');
    }
  }
  const exit = exitReason(journey, profile, trigger, deps.catalog);
  if (exit !== undefined) return exitRun(deps, input, profile, now, exit);
  if (step === 'await-fulfilment') return awaitFulfilment(input, profile, now);

  const stepConfig = (config.steps as Record<string, StepConfig> | undefined)?.[stepKey(step)];
  if (stepConfig === undefined) throw new Error(`journey ${journey} has no step ${step}`);
  if (!stepConfig.enabled) return answer.skipped('step-disabled');
  // A customer who withdrew marketing consent leaves marketing journeys instead of skipping every step.
  if (stepConfig.kind === 'marketing' && profile?.consent.email?.status === 'revoked')
    return exitRun(deps, input, profile, now, 'unsubscribed');
  if (journey === 'browse-abandonment' && (await mailedRecently(deps, input, profile, now))) {
    return answer.skipped('browse-mail-recently-sent');
  }
  return send(deps, input, profile, stepConfig, now);
}

async function enter(
  deps: JourneyStepDependencies,
  input: StepInput,
  profile: Profile | undefined,
  now: Date,
) {
  const { journey, trigger } = input;
  if (
    (await deps.messaging.claimTrigger(trigger.storeId, journey, trigger.id, now.toISOString())) === 'exists'
  ) {
    return answer.exited('duplicate-trigger');
  }
  // Every view starts a run; one per customer and day goes on, the others stop here (3 transitions).
  if (journey === 'browse-abandonment') {
    const subject = `subject:${subjectKeyOf(journey, trigger)}`;
    if (
      (await deps.messaging.claimTrigger(trigger.storeId, journey, subject, now.toISOString())) === 'exists'
    ) {
      return answer.exited('browse-run-already-started');
    }
  }
  if (journey === 'replenishment') {
    const lines = replenishableLines(trigger, deps.catalog);
    if (lines.length === 0) return exitRun(deps, input, profile, now, 'nothing-to-replenish');
    const leadDays = (input.config.replenishment as { leadDays: number }).leadDays;
    const shortest = Math.min(...lines.map((line) => line.intervalDays));
    const remindAt = Date.parse(trigger.occurredAt) + (shortest - leadDays) * DAY_MS;
    return answer.continue('planned', Math.max(0, Math.round((remindAt - now.getTime()) / 1000)));
  }
  const exit = profileHasTrigger(input, profile)
    ? exitReason(journey, profile, trigger, deps.catalog)
    : undefined;
  if (exit !== undefined) return exitRun(deps, input, profile, now, exit);
  const customerKey = customerKeyOf(profile, trigger);
  const heldOut = isHeldOut(journey, customerKey, Number(input.config.holdoutPercent ?? 0));
  await deps.messaging.recordEntry(
    { storeId: trigger.storeId, customerKey },
    { journey, subjectKey: subjectKeyOf(journey, trigger, profile), at: now.toISOString(), heldOut },
  );
  // The holdout group rides on the reason so the handler can count entrants per group (lift = treated vs held out).
  return answer.continue(heldOut ? ENTERED_HELD_OUT : ENTERED_TREATED);
}

/**
 * Ends a run that entered, or was about to, and records why for the customer's story. An older run of a
 * cart that a newer update `superseded` is no end of that cart's journey: the newer run carries on and
 * records its own exit, which must not lose to this one (the first exit of a subject stays).
 */
async function exitRun(
  deps: JourneyStepDependencies,
  input: StepInput,
  profile: Profile | undefined,
  now: Date,
  reason: ExitReason,
): Promise<StepOutput> {
  const { journey, step, trigger } = input;
  if (reason !== 'superseded') {
    await deps.messaging.recordExit(
      { storeId: trigger.storeId, customerKey: customerKeyOf(profile, trigger) },
      { journey, subjectKey: subjectKeyOf(journey, trigger, profile), step, reason, at: now.toISOString() },
    );
  }
  return answer.exited(reason);
}

/** When the run began; runs started before the step knew, by the trigger's own time. */
function runBeganAt(input: StepInput): number {
  const occurred = Date.parse(input.trigger.occurredAt);
  return input.startedAt === undefined ? occurred : Math.max(occurred, Date.parse(input.startedAt));
}

/** The partition the customer's messaging items live in: the profile's key, else the trigger's strongest identity. */
function customerKeyOf(profile: Profile | undefined, trigger: StepInput['trigger']): string {
  return profile?.key ?? identityKeys(trigger.identity)[0] ?? 'unknown';
}

/**
 * Whether the profile already reflects the trigger. Win-back's trigger comes from a scan of the
 * profiles themselves, so it always does.
 */
function profileHasTrigger(input: StepInput, profile: Profile | undefined): boolean {
  if (input.journey === 'win-back') return true;
  if (profile === undefined) return false;
  return (
    profile.appliedEventIds.includes(input.trigger.id) ||
    (profile.lastSeenAt ?? '') >= new Date(input.trigger.occurredAt).toISOString()
  );
}

/** Post-purchase waits for the order to ship: the review request goes `delaySeconds` after fulfilment. */
function awaitFulfilment(input: StepInput, profile: Profile | undefined, now: Date): StepOutput {
  const orderId = input.trigger.type === 'order.placed' ? input.trigger.data.orderId : undefined;
  const fulfilledAt = orderId === undefined ? undefined : profile?.orders[orderId]?.fulfilledAt;
  const config = input.config as {
    steps: { reviewRequest: { delaySeconds: number } };
    fulfilment: { pollIntervalSeconds: number };
  };
  if (fulfilledAt === undefined) {
    return answer.deferred(
      new Date(now.getTime() + config.fulfilment.pollIntervalSeconds * 1000),
      'not-fulfilled-yet',
    );
  }
  const reviewAt = Date.parse(fulfilledAt) + config.steps.reviewRequest.delaySeconds * 1000;
  return answer.continue('fulfilled', Math.max(0, Math.round((reviewAt - now.getTime()) / 1000)));
}

async function send(
  deps: JourneyStepDependencies,
  input: StepInput,
  profile: Profile | undefined,
  stepConfig: StepConfig,
  now: Date,
): Promise<StepOutput> {
  const { journey, step, trigger, config } = input;
  const store = await deps.findStore(trigger.storeId);
  if (store?.senderEmail === undefined || store.unsubscribeSigningKey === undefined) {
    throw new SenderNotConfiguredError(
      `store ${trigger.storeId} has no sender address or unsubscribe signing key`,
    );
  }
  const email = profile?.email ?? trigger.identity.email;
  const customerKey = customerKeyOf(profile, trigger);
  const subjectKey = subjectKeyOf(journey, trigger, profile);
  const data = templateDataFor({
    journey,
    step,
    subjectKey,
    kind: stepConfig.kind,
    store,
    profile,
    email: email ?? '',
    trigger,
    now,
    catalog: deps.catalog,
    ...(config.discount !== undefined && {
      discount: config.discount as { percentOff: number; validityDays: number },
    }),
    ...((config.browse as { maxProducts?: number } | undefined)?.maxProducts !== undefined && {
      browseMaxProducts: (config.browse as { maxProducts: number }).maxProducts,
    }),
  });
  const result = await sendGuarded(deps.messaging, deps.mailer, {
    request: {
      journey,
      step,
      subjectKey,
      kind: stepConfig.kind,
      priority: Number(config.priority ?? 0),
      whenCapped: stepConfig.whenCapped ?? 'defer',
    },
    template: stepConfig.template,
    customer: { storeId: trigger.storeId, customerKey },
    recipient: {
      ...(email !== undefined && { email }),
      ...(profile?.consent.email && { emailConsent: profile.consent.email.status }),
      ...(profile?.attributes.timeZone && { timeZone: profile.attributes.timeZone }),
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
    heldOut: isHeldOut(journey, customerKey, Number(config.holdoutPercent ?? 0)),
    now,
    render: (unsubscribeUrl) =>
      rendered(deps.render(stepConfig.template, { ...data, ...(unsubscribeUrl && { unsubscribeUrl }) })),
  });
  switch (result.outcome) {
    case 'sent':
      return answer.sent(result.messageId);
    case 'skipped':
      return answer.skipped(result.reason);
    case 'deferred':
      return answer.deferred(result.until, result.reason);
    default:
      return assertUnreachable(result);
  }
}

function rendered(result: RenderResult): RenderedMessage {
  if (!result.ok) throw new MessageRenderError(result.error.message);
  return { subject: result.subject, html: result.html, text: result.text };
}

async function mailedRecently(
  deps: JourneyStepDependencies,
  input: StepInput,
  profile: Profile | undefined,
  now: Date,
) {
  if (profile === undefined) return false;
  const lookbackDays = (input.config.browse as { lookbackDays: number }).lookbackDays;
  const since = new Date(now.getTime() - lookbackDays * DAY_MS).toISOString();
  const decisions = await deps.messaging.listDecisions(
    { storeId: input.trigger.storeId, customerKey: profile.key },
    50,
  );
  return decisions.some(
    (decision) => decision.journey === input.journey && decision.outcome === 'sent' && decision.at >= since,
  );
}

async function loadProfile(
  profiles: ProfileStore,
  trigger: StepInput['trigger'],
): Promise<Profile | undefined> {
  const [key] = identityKeys(trigger.identity);
  if (key === undefined) return undefined;
  return (await resolveProfile(profiles, trigger.storeId, key)).stored?.profile;
}
