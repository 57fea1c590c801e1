/**
 * The shape of a journey's tunable values. The state machines in `stepfunctions/` read delays from the run
 * config (`$.config.steps.<stepKey>.delaySeconds`), and the journey-step Lambda reads everything else, so a
 * change here never means editing ASL. Template ids and step kinds are literals: they are part of the journey,
 * not something a config edit may move.
 */
import { z } from 'zod';
import { type TemplateId, templateIds } from '#messaging/rendering/template-catalog.ts';

export const JOURNEY_IDS = [
  'welcome',
  'browse-abandonment',
  'cart-abandonment',
  'post-purchase',
  'replenishment',
  'win-back',
] as const;
export type JourneyId = (typeof JOURNEY_IDS)[number];

/** Every step the journey-step Lambda answers for, in journey order; `enter` and `await-fulfilment` send nothing. */
export const JOURNEY_STEP_IDS = {
  welcome: ['enter', 'welcome', 'bestsellers', 'first-order-incentive'],
  'browse-abandonment': ['enter', 'reminder'],
  'cart-abandonment': ['enter', 'reminder-1', 'reminder-2', 'last-chance'],
  'post-purchase': ['enter', 'order-confirmation', 'await-fulfilment', 'review-request', 'cross-sell'],
  replenishment: ['enter', 'reorder-reminder'],
  'win-back': ['enter', 'we-miss-you', 'incentive'],
} as const satisfies Record<JourneyId, readonly string[]>;
export type JourneyStepId<Id extends JourneyId = JourneyId> = (typeof JOURNEY_STEP_IDS)[Id][number];

/** `reminder-1` → `reminder1`: JSONPath dot notation in the ASL cannot hold a hyphen safely. */
export type StepKey<StepId extends string> = StepId extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<StepKey<Tail>>}`
  : StepId;

export function stepKey<StepId extends string>(stepId: StepId): StepKey<StepId> {
  return stepId.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()) as StepKey<StepId>;
}

/** The templates are the messaging catalog's; journeys only pick one per step. */
export const TEMPLATE_IDS = templateIds;
export type { TemplateId };

export const STEP_KINDS = ['marketing', 'transactional'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const WHEN_CAPPED = ['defer', 'skip'] as const;
export type WhenCapped = (typeof WHEN_CAPPED)[number];

/** A Standard execution lives at most a year; a longer wait could never end. */
export const MAX_DELAY_SECONDS = 365 * 24 * 60 * 60;

const delaySeconds = z.number().int().min(0).max(MAX_DELAY_SECONDS);
const days = z.number().int().min(1).max(365);

/** Promotional mail: needs marketing consent, counts against the frequency cap. */
function marketingStep<T extends TemplateId>(template: T) {
  return z.strictObject({
    kind: z.literal('marketing'),
    enabled: z.boolean(),
    template: z.literal(template),
    /** What the send path does when the cross-journey frequency cap is reached. */
    whenCapped: z.enum(WHEN_CAPPED),
  });
}

/** Mail the customer expects because of what they did: no marketing consent needed, never capped. */
function transactionalStep<T extends TemplateId>(template: T) {
  return z.strictObject({
    kind: z.literal('transactional'),
    enabled: z.boolean(),
    template: z.literal(template),
  });
}

/** A marketing step the state machine waits for: the wait is read from here by the ASL. */
function delayedMarketingStep<T extends TemplateId>(template: T) {
  return marketingStep(template).extend({ delaySeconds });
}

export const discountSchema = z.strictObject({
  percentOff: z.number().int().min(1).max(100),
  /** The single-use code expires this many days after it is issued. */
  validityDays: days,
});
export type Discount = z.infer<typeof discountSchema>;

/** An EventBridge event pattern, kept as data so infra builds the rule from it and tests match it. */
export const eventPatternSchema = z.record(z.string(), z.json());
export type EventPattern = z.infer<typeof eventPatternSchema>;

export const journeyStartSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('event'), eventPattern: eventPatternSchema }),
  /** Started by a scheduled scan (no single event says "this customer went quiet"). */
  z.strictObject({ kind: z.literal('schedule'), scan: z.literal('dormant-customers') }),
]);
export type JourneyStart = z.infer<typeof journeyStartSchema>;

const common = {
  /** Higher wins when the frequency policy has to choose between journeys. */
  priority: z.number().int().min(0).max(1000),
  /** Share of entrants kept out of the sends to measure the journey's lift; they are skipped with `holdout`. */
  holdoutPercent: z.number().min(0).max(100),
  start: journeyStartSchema,
};

export const JOURNEY_SCHEMAS = {
  welcome: z.strictObject({
    id: z.literal('welcome'),
    ...common,
    steps: z.strictObject({
      welcome: marketingStep('welcome.welcome'),
      bestsellers: delayedMarketingStep('welcome.bestsellers'),
      firstOrderIncentive: delayedMarketingStep('welcome.first-order-incentive'),
    }),
    discount: discountSchema,
  }),
  'browse-abandonment': z.strictObject({
    id: z.literal('browse-abandonment'),
    ...common,
    steps: z.strictObject({ reminder: delayedMarketingStep('browse-abandonment.reminder') }),
    browse: z.strictObject({
      /** No second browse mail within this many days, whatever was viewed. */
      lookbackDays: days,
      /** Viewed products shown, most recent first. */
      maxProducts: z.number().int().min(1).max(12),
    }),
  }),
  'cart-abandonment': z.strictObject({
    id: z.literal('cart-abandonment'),
    ...common,
    steps: z.strictObject({
      reminder1: delayedMarketingStep('cart-abandonment.reminder-1'),
      reminder2: delayedMarketingStep('cart-abandonment.reminder-2'),
      lastChance: delayedMarketingStep('cart-abandonment.last-chance'),
    }),
    discount: discountSchema,
    cart: z.strictObject({
      /** A cart last changed longer ago than this (a late or replayed event) is not reminded. */
      windowDays: days,
    }),
  }),
  'post-purchase': z.strictObject({
    id: z.literal('post-purchase'),
    ...common,
    steps: z.strictObject({
      orderConfirmation: transactionalStep('post-purchase.order-confirmation'),
      /** `delaySeconds` counts from fulfilment: the Lambda turns it into `waitSeconds` once the order shipped. */
      reviewRequest: delayedMarketingStep('post-purchase.review-request'),
      crossSell: delayedMarketingStep('post-purchase.cross-sell'),
    }),
    fulfilment: z.strictObject({
      /** How long the Lambda defers `await-fulfilment` while the order is not fulfilled. */
      pollIntervalSeconds: z.number().int().min(60).max(MAX_DELAY_SECONDS),
      /** Re-polls after the first check; the ASL counts them and gives up after this many. */
      maxPolls: z.number().int().min(1).max(365),
    }),
  }),
  replenishment: z.strictObject({
    id: z.literal('replenishment'),
    ...common,
    steps: z.strictObject({ reorderReminder: marketingStep('replenishment.reorder-reminder') }),
    replenishment: z.strictObject({
      /** The reminder goes this many days before the expected run-out date. */
      leadDays: z.number().int().min(0).max(60),
    }),
  }),
  'win-back': z.strictObject({
    id: z.literal('win-back'),
    ...common,
    steps: z.strictObject({
      weMissYou: marketingStep('win-back.we-miss-you'),
      incentive: delayedMarketingStep('win-back.incentive'),
    }),
    discount: discountSchema,
    winBack: z.strictObject({
      /** Days without an order after which the daily scan starts the journey. */
      dormancyDays: days,
    }),
  }),
} as const satisfies Record<JourneyId, z.ZodType>;

export type JourneyDefinitionOf<Id extends JourneyId> = z.infer<(typeof JOURNEY_SCHEMAS)[Id]>;
export type JourneyDefinition = { [Id in JourneyId]: JourneyDefinitionOf<Id> }[JourneyId];

export const journeyDefinitionSchema = z.discriminatedUnion('id', [
  JOURNEY_SCHEMAS.welcome,
  JOURNEY_SCHEMAS['browse-abandonment'],
  JOURNEY_SCHEMAS['cart-abandonment'],
  JOURNEY_SCHEMAS['post-purchase'],
  JOURNEY_SCHEMAS.replenishment,
  JOURNEY_SCHEMAS['win-back'],
]);

/** What goes into every execution's input as `config`: the definition without what only infra needs. */
export type JourneyRunConfigOf<Id extends JourneyId> = Omit<JourneyDefinitionOf<Id>, 'id' | 'start'>;
export type JourneyRunConfig = { [Id in JourneyId]: JourneyRunConfigOf<Id> }[JourneyId];

/** For the journey-step Lambda, which gets the run config back from the execution input. */
export function runConfigSchema<Id extends JourneyId>(id: Id): z.ZodType<JourneyRunConfigOf<Id>> {
  // Indexing by a generic id gives a union of schemas whose `omit`s TypeScript cannot call as one.
  const schema: z.ZodObject = JOURNEY_SCHEMAS[id];
  return schema.omit({ id: true, start: true }) as unknown as z.ZodType<JourneyRunConfigOf<Id>>;
}
