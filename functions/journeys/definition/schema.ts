/**
 * A journey as data: one file per journey in `journeys/<id>.journey.yaml`, validated by this one
 * schema (a JSON Schema generated from it, `journeys/journey.schema.json`, lets editors complete and
 * check the files). The node kinds form a discriminated union by their key: `wait`, `waitFor`,
 * `split`, `randomSplit`, `experiment`, `send`, `exit`. Steps run in file order unless a node says
 * `next` (a step id, or `end`); branches name the step they go `to`.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '#events/schemas.ts';
import { type Condition, conditionSchema } from './conditions.ts';
import { durationSchema, offsetSchema } from './duration.ts';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const journeyIdSchema = z
  .string()
  .regex(KEBAB, 'must be lower-case words joined by hyphens, such as cart-abandonment')
  .max(48);
export const stepIdSchema = z
  .string()
  .regex(KEBAB, 'must be lower-case words joined by hyphens, such as reminder-1')
  .max(48);
/** A step to go to, or `end`. */
const target = z.union([z.literal('end'), stepIdSchema]);
const eventType = z.enum(EVENT_TYPES);
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const path = z.string().regex(/^[a-z][\w]*(\.[\w-]+)+$/i, 'is not a path such as data.cartId');

export const discountSchema = z.strictObject({
  percentOff: z.number().int().min(1).max(100),
  /** The single-use code expires this many days after it is issued. */
  validityDays: z.number().int().min(1).max(365),
});

export const sendSchema = z.strictObject({
  template: z.string().min(1).describe('A template id from templates/, e.g. cart-abandonment.reminder-1'),
  /** Marketing needs consent and counts against the frequency cap; transactional mail does neither. */
  kind: z.enum(['marketing', 'transactional']).default('marketing'),
  /** When the cross-journey frequency cap is reached: wait for the window, or drop this mail. */
  whenCapped: z.enum(['defer', 'skip']).default('defer'),
  /** Subscription topic (newsletter, promotions…) the unsubscribe page offers to leave. */
  topic: z.string().regex(KEBAB).optional(),
  /** A single-use code in the mail. */
  discount: discountSchema.optional(),
  /** Skip this mail (go on with the journey) when the condition holds, e.g. mailed recently. */
  skipWhen: conditionSchema.optional(),
  /** A switch for marketers: a disabled send is skipped and the journey goes on. */
  enabled: z.boolean().default(true),
  /**
   * Product lists the template shows besides the store, customer, cart and order: `recentViews`,
   * `related` (a view of the same category), `orderProducts`, `replenishable`, `favouritePicks`.
   */
  data: z
    .array(z.enum(['recentViews', 'related', 'orderProducts', 'replenishable', 'favouritePicks']))
    .optional(),
});
export type SendSpec = z.infer<typeof sendSchema>;

const base = { id: stepIdSchema.optional(), next: target.optional() };

const waitNode = z.strictObject({
  ...base,
  wait: z.union([
    z.strictObject({ for: durationSchema }),
    /** The next such local time of day in the customer's time zone (else the store's), on the allowed days. */
    z.strictObject({
      untilLocal: z.strictObject({
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 10:00'),
        days: z.array(z.enum(WEEKDAYS)).min(1).optional(),
      }),
    }),
    /** A date on the profile, the trigger or the run's facts, moved by an offset such as -3d. */
    z.strictObject({ until: z.strictObject({ date: path, offset: offsetSchema.optional() }) }),
  ]),
});

const waitForNode = z.strictObject({
  ...base,
  waitFor: z.strictObject({
    event: eventType,
    where: conditionSchema.optional(),
    timeout: durationSchema,
    /** Where to go when the event came (default: the next step). */
    onEvent: target.optional(),
    /** Where to go when it did not (default: end). */
    onTimeout: target.default('end'),
  }),
});

const splitNode = z.strictObject({
  ...base,
  split: z
    .array(z.union([z.strictObject({ when: conditionSchema, to: target }), z.strictObject({ else: target })]))
    .min(2),
});

const randomSplitNode = z.strictObject({
  ...base,
  randomSplit: z.array(z.strictObject({ weight: z.number().positive(), to: target })).min(2),
});

export const experimentSchema = z.strictObject({
  /** What decides the winner. */
  metric: z.enum(['conversion', 'click', 'open', 'revenuePerRecipient']).default('conversion'),
  /** Declares a winner (then everyone gets it) once one variant is best with this probability. */
  autoWinner: z
    .strictObject({
      minPerVariant: z.number().int().min(10).default(200),
      probability: z.number().min(0.5).max(0.9999).default(0.95),
    })
    .optional(),
  variants: z
    .array(z.strictObject({ id: stepIdSchema, weight: z.number().positive().default(1), send: sendSchema }))
    .min(2),
});

const experimentNode = z.strictObject({ ...base, id: stepIdSchema, experiment: experimentSchema });
const sendNode = z.strictObject({ ...base, send: sendSchema });
const exitNode = z.strictObject({
  id: stepIdSchema.optional(),
  exit: z.strictObject({ as: stepIdSchema.describe('The exit reason, e.g. not-eligible') }),
});

export const nodeSchema = z.union([
  waitNode,
  waitForNode,
  splitNode,
  randomSplitNode,
  experimentNode,
  sendNode,
  exitNode,
]);
export type JourneyNode = z.infer<typeof nodeSchema>;
export const NODE_KINDS = ['wait', 'waitFor', 'split', 'randomSplit', 'experiment', 'send', 'exit'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export function kindOf(node: JourneyNode): NodeKind {
  const kind = NODE_KINDS.find((candidate) => candidate in node);
  if (kind === undefined) throw new Error('a journey node of no known kind');
  return kind;
}

const eventTrigger = z.strictObject({
  event: z.union([eventType, z.array(eventType).min(1)]),
  /** A filter on the event: checked before a run starts, so a non-matching event costs nothing. */
  where: conditionSchema.optional(),
  /** A filter on the customer's profile, checked when the run is entered. */
  profile: conditionSchema.optional(),
});

export const triggerSchema = z.union([
  eventTrigger,
  /** A scheduled scan; `dormant-customers` finds customers who just crossed the dormancy period. */
  z.strictObject({
    schedule: z.strictObject({ scan: z.literal('dormant-customers'), days: z.number().int().min(1) }),
  }),
  /** Reserved for segments: entering or leaving a segment starts a run. */
  z.strictObject({
    segment: z.strictObject({ id: z.string().regex(KEBAB), on: z.enum(['entered', 'exited']) }),
  }),
  /** Reserved: a date on the profile (a birthday, a predicted next order), with an offset. */
  z.strictObject({ profileDate: z.strictObject({ date: path, offset: offsetSchema.optional() }) }),
]);

export const exitGoalSchema = z.union([
  z.strictObject({ event: eventType, where: conditionSchema.optional(), as: stepIdSchema }),
  z.strictObject({ consent: z.literal('email'), is: z.literal('revoked'), as: stepIdSchema }),
  /** A fact of the profile, checked after every wait. */
  z.strictObject({ when: conditionSchema, as: stepIdSchema }),
]);

export const journeyDefinitionSchema = z.strictObject({
  $schema: z.string().optional(),
  id: journeyIdSchema,
  name: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  /** Higher wins when the frequency policy has to choose between journeys (0–1000). */
  priority: z.number().int().min(0).max(1000),
  /** Share of entrants kept from the sends to measure the journey's lift. */
  holdoutPercent: z.number().min(0).max(100).default(0),
  trigger: triggerSchema,
  /**
   * What one run is about: a path into the trigger (`data.orderId`), `cart` (the cart a cart or
   * checkout event is about, anew after an order), `customer` (one
   * run per customer) or `customer-day` (per customer and day).
   */
  subject: z.union([z.enum(['customer', 'customer-day', 'cart']), path]),
  /** Who may enter again: `once` per customer, once per `subject`, at most every `days`; `supersede`: a newer trigger of the same subject ends the older run. */
  reentry: z
    .strictObject({
      per: z.enum(['customer', 'subject']).default('subject'),
      everyDays: z.number().int().min(1).max(365).optional(),
      supersede: z.boolean().default(false),
    })
    .default({ per: 'subject', supersede: false }),
  /** Goals that end a run at any point: an event, withdrawn consent, or a fact of the profile. */
  exitWhen: z.array(exitGoalSchema).default([]),
  steps: z.array(nodeSchema).min(1),
});
export type JourneyDefinition = z.infer<typeof journeyDefinitionSchema>;
export type JourneyDefinitionInput = z.input<typeof journeyDefinitionSchema>;
export type { Condition };
