/**
 * A scripted stand-in for the journey-step Lambda: a tiny world where things happen between steps (an order,
 * a newer cart update, an unsubscribe) and the send path can defer or skip. It answers by the Lambda's
 * contract and in the `lambda:invoke` integration's result shape, so the ASL's ResultSelector is exercised.
 */
import { z } from 'zod';
import {
  JOURNEY_IDS,
  JOURNEY_STEP_IDS,
  type JourneyId,
  type JourneyStepId,
  runConfigSchema,
  stepKey,
  type TemplateId,
} from '#journeys/config/journey-schema.ts';
import { JOURNEY_STEP_ARN } from './run-journey.ts';

export type Outcome = 'continue' | 'sent' | 'skipped' | 'deferred' | 'exited';

export type StepAnswer = {
  outcome: Outcome;
  reason: string;
  sendAfter: string | null;
  waitSeconds: number | null;
};

/** What the optimized `arn:aws:states:::lambda:invoke` integration hands the state. */
export type InvokeResult = {
  ExecutedVersion: string;
  Payload: StepAnswer;
  SdkHttpMetadata: { HttpStatusCode: number };
  SdkResponseMetadata: { RequestId: string };
  StatusCode: number;
};

/** Something that changes while the journey waits. */
export type Fact = 'order-placed' | 'cart-updated' | 'unsubscribed' | 'order-cancelled' | 'order-fulfilled';

/** Which facts end which journey, and the reason the Lambda gives. */
const EXIT_REASONS: Record<JourneyId, Partial<Record<Fact, string>>> = {
  welcome: { 'order-placed': 'ordered' },
  'browse-abandonment': { 'order-placed': 'ordered', 'cart-updated': 'cart-activity' },
  'cart-abandonment': { 'order-placed': 'ordered', 'cart-updated': 'superseded' },
  'post-purchase': { 'order-cancelled': 'order-cancelled' },
  replenishment: { 'order-placed': 'reordered' },
  'win-back': { 'order-placed': 'ordered' },
};

/** The Lambda service errors the ASL retries; thrown by name, as the integration reports them. */
export class LambdaServiceError extends Error {
  constructor(name: 'Lambda.TooManyRequestsException' | 'Lambda.ServiceException') {
    super(`${name}: simulated`);
    this.name = name;
  }
}

type Scripted =
  | { kind: 'answer'; answer: StepAnswer }
  | { kind: 'guardrail'; reason: 'quiet-hours' | 'capped'; until: string };

export interface StepCall {
  step: string;
  outcome: Outcome;
  reason: string;
}

export class JourneyWorld<Id extends JourneyId = JourneyId> {
  /** Every journey-step call with its answer, in order. */
  readonly calls: StepCall[] = [];
  /** Templates the fake send path sent. */
  readonly sent: TemplateId[] = [];

  private readonly facts = new Set<Fact>();
  private readonly factsBefore = new Map<string, Fact[]>();
  private readonly scripted = new Map<string, Scripted[]>();
  private readonly failures = new Map<string, LambdaServiceError[]>();
  private readonly claimedTriggers = new Set<string>();
  private fulfilmentPoll = 0;
  private fulfilledOnPoll: number | undefined = 1;
  private replenishInSeconds: number | undefined = 27 * 24 * 60 * 60;

  constructor(readonly journey: Id) {}

  /** The facts become true while the journey waits for `step` (before its first call). */
  happensBefore(step: JourneyStepId<Id>, ...facts: Fact[]): this {
    this.factsBefore.set(step, [...(this.factsBefore.get(step) ?? []), ...facts]);
    return this;
  }

  /** The send path holds `step` once for the customer's quiet hours. */
  quietHoursAt(step: JourneyStepId<Id>, until: string): this {
    return this.script(step, { kind: 'guardrail', reason: 'quiet-hours', until });
  }

  /** The cross-journey frequency cap is reached once at `step`; the step's `whenCapped` decides what follows. */
  cappedAt(step: JourneyStepId<Id>, until: string): this {
    return this.script(step, { kind: 'guardrail', reason: 'capped', until });
  }

  /** The next call of `step` gets exactly this answer, whatever the world says. */
  answers(step: JourneyStepId<Id>, answer: StepAnswer): this {
    return this.script(step, { kind: 'answer', answer });
  }

  /** The next calls of `step` fail with a Lambda service error before reaching the function. */
  throttled(step: JourneyStepId<Id>, times: number): this {
    const errors = Array.from(
      { length: times },
      () => new LambdaServiceError('Lambda.TooManyRequestsException'),
    );
    this.failures.set(step, [...(this.failures.get(step) ?? []), ...errors]);
    return this;
  }

  /** An earlier execution already claimed this trigger (a duplicate delivery or a replay). */
  alreadyClaimed(triggerId: string): this {
    this.claimedTriggers.add(triggerId);
    return this;
  }

  /** The `poll`-th `await-fulfilment` call sees the order fulfilled; `undefined` never does. */
  fulfilledAtPoll(poll: number | undefined): this {
    this.fulfilledOnPoll = poll;
    return this;
  }

  /** When the first replenishable product of the order is due for a reminder; `undefined`: none qualifies. */
  replenishableIn(seconds: number | undefined): this {
    this.replenishInSeconds = seconds;
    return this;
  }

  /** The steps called, in order. */
  get stepsCalled(): string[] {
    return this.calls.map((call) => call.step);
  }

  /** The local handler for every Task state: the fake journey-step Lambda behind `lambda:invoke`. */
  readonly invoke = (parameters: unknown): InvokeResult => {
    const { step, config, trigger } = this.parseInvocation(parameters);
    const failure = this.failures.get(step)?.shift();
    if (failure !== undefined) throw failure;
    if (!this.calls.some((call) => call.step === step)) {
      for (const fact of this.factsBefore.get(step) ?? []) this.facts.add(fact);
    }
    const answer = this.answer(step, config, trigger.id);
    this.calls.push({ step, outcome: answer.outcome, reason: answer.reason });
    return {
      ExecutedVersion: '$LATEST',
      Payload: answer,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: `request-${this.calls.length}` },
      StatusCode: 200,
    };
  };

  /** Fails the run when the ASL sends anything but the contract's input to the function it names. */
  private parseInvocation(parameters: unknown) {
    const { Payload } = invocationSchema.parse(parameters);
    if (Payload.journey !== this.journey) throw new Error(`Called for ${Payload.journey} in ${this.journey}`);
    const steps: readonly string[] = JOURNEY_STEP_IDS[this.journey];
    if (!steps.includes(Payload.step)) throw new Error(`Unknown step ${Payload.step} of ${this.journey}`);
    const config = runConfigSchema(this.journey).parse(Payload.config) as Record<string, unknown>;
    return { step: Payload.step as JourneyStepId<Id>, config, trigger: Payload.trigger };
  }

  private script(step: string, scripted: Scripted): this {
    this.scripted.set(step, [...(this.scripted.get(step) ?? []), scripted]);
    return this;
  }

  private answer(step: JourneyStepId<Id>, config: Record<string, unknown>, triggerId: string): StepAnswer {
    const scripted = this.scripted.get(step)?.[0];
    if (scripted?.kind === 'answer') {
      this.scripted.get(step)?.shift();
      return scripted.answer;
    }
    if (step === 'enter') return this.enter(triggerId);
    const exit = this.exitReason();
    if (exit !== undefined) return answer('exited', exit);
    if (step === 'await-fulfilment') return this.awaitFulfilment(config);

    const stepConfig = (config.steps as Record<string, StepConfigSeen>)[stepKey(step)];
    if (stepConfig === undefined) throw new Error(`No config for step ${step}`);
    if (stepConfig.kind === 'marketing' && this.facts.has('unsubscribed'))
      return answer('exited', 'unsubscribed');
    if (!stepConfig.enabled) return answer('skipped', 'step-disabled');
    if (scripted?.kind === 'guardrail') {
      this.scripted.get(step)?.shift();
      if (scripted.reason === 'capped' && stepConfig.whenCapped === 'skip')
        return answer('skipped', 'capped');
      return { ...answer('deferred', scripted.reason), sendAfter: scripted.until };
    }
    this.sent.push(stepConfig.template);
    return answer('sent', stepConfig.template);
  }

  private enter(triggerId: string): StepAnswer {
    if (this.claimedTriggers.has(triggerId)) return answer('exited', 'duplicate-trigger');
    this.claimedTriggers.add(triggerId);
    if (this.journey !== 'replenishment') return answer('continue', 'entered');
    if (this.replenishInSeconds === undefined) return answer('exited', 'nothing-replenishable');
    return { ...answer('continue', 'entered'), waitSeconds: this.replenishInSeconds };
  }

  private exitReason(): string | undefined {
    const reasons = EXIT_REASONS[this.journey];
    for (const fact of this.facts) {
      const reason = reasons[fact];
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  private awaitFulfilment(config: Record<string, unknown>): StepAnswer {
    const { fulfilment, steps } = config as {
      fulfilment: { pollIntervalSeconds: number };
      steps: { reviewRequest: { delaySeconds: number } };
    };
    this.fulfilmentPoll += 1;
    if (this.facts.has('order-fulfilled') || this.fulfilmentPoll === this.fulfilledOnPoll) {
      this.facts.add('order-fulfilled');
      return { ...answer('continue', 'fulfilled'), waitSeconds: steps.reviewRequest.delaySeconds };
    }
    const next = Date.parse(PLACED_AT) + this.fulfilmentPoll * fulfilment.pollIntervalSeconds * 1000;
    return { ...answer('deferred', 'not-fulfilled'), sendAfter: new Date(next).toISOString() };
  }
}

const invocationSchema = z.strictObject({
  FunctionName: z.literal(JOURNEY_STEP_ARN),
  Payload: z.strictObject({
    journey: z.enum(JOURNEY_IDS),
    step: z.string(),
    config: z.unknown(),
    trigger: z.looseObject({ id: z.string() }),
    startedAt: z.iso.datetime(),
  }),
});

/** When the scenarios' orders were placed; fulfilment polls are scheduled from it. */
export const PLACED_AT = '2026-03-02T10:00:00.000Z';

interface StepConfigSeen {
  kind: 'marketing' | 'transactional';
  enabled: boolean;
  template: TemplateId;
  whenCapped?: 'defer' | 'skip';
}

function answer(outcome: Outcome, reason: string): StepAnswer {
  return { outcome, reason, sendAfter: null, waitSeconds: null };
}
