/**
 * The journeys' tunable values. Infra builds one rule per event-started journey from `start.eventPattern` and
 * puts `journeyRunConfig(id)` into the execution input, so changing a delay, a template switch or a discount
 * is an edit here, never in `stepfunctions/`.
 */
import { CATALOG } from './catalog-config.ts';
import {
  type EventPattern,
  JOURNEY_IDS,
  JOURNEY_SCHEMAS,
  type JourneyDefinitionOf,
  type JourneyId,
  type JourneyRunConfigOf,
} from './journey-schema.ts';
import {
  BROWSE_ABANDONMENT_EVENT_PATTERN,
  CART_ABANDONMENT_EVENT_PATTERN,
  POST_PURCHASE_EVENT_PATTERN,
  replenishmentEventPattern,
  WELCOME_EVENT_PATTERN,
} from './journey-triggers.ts';

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

type Journeys = { readonly [Id in JourneyId]: JourneyDefinitionOf<Id> };

export const JOURNEYS: Journeys = defineJourneys({
  welcome: {
    id: 'welcome',
    priority: 40,
    holdoutPercent: 0,
    start: { kind: 'event', eventPattern: WELCOME_EVENT_PATTERN },
    steps: {
      welcome: { kind: 'marketing', enabled: true, template: 'welcome.welcome', whenCapped: 'defer' },
      bestsellers: {
        kind: 'marketing',
        enabled: true,
        template: 'welcome.bestsellers',
        whenCapped: 'defer',
        delaySeconds: 2 * DAY,
      },
      firstOrderIncentive: {
        kind: 'marketing',
        enabled: true,
        template: 'welcome.first-order-incentive',
        whenCapped: 'defer',
        delaySeconds: 3 * DAY,
      },
    },
    discount: { percentOff: 10, validityDays: 14 },
  },
  'browse-abandonment': {
    id: 'browse-abandonment',
    priority: 20,
    holdoutPercent: 0,
    start: { kind: 'event', eventPattern: BROWSE_ABANDONMENT_EVENT_PATTERN },
    steps: {
      // A browse mail that comes late is noise, so a capped one is dropped rather than deferred.
      reminder: {
        kind: 'marketing',
        enabled: true,
        template: 'browse-abandonment.reminder',
        whenCapped: 'skip',
        delaySeconds: 2 * HOUR,
      },
    },
    browse: { lookbackDays: 7, maxProducts: 3 },
  },
  'cart-abandonment': {
    id: 'cart-abandonment',
    priority: 60,
    holdoutPercent: 0,
    start: { kind: 'event', eventPattern: CART_ABANDONMENT_EVENT_PATTERN },
    steps: {
      reminder1: {
        kind: 'marketing',
        enabled: true,
        template: 'cart-abandonment.reminder-1',
        whenCapped: 'defer',
        delaySeconds: HOUR,
      },
      reminder2: {
        kind: 'marketing',
        enabled: true,
        template: 'cart-abandonment.reminder-2',
        whenCapped: 'defer',
        delaySeconds: 23 * HOUR,
      },
      lastChance: {
        kind: 'marketing',
        enabled: true,
        template: 'cart-abandonment.last-chance',
        whenCapped: 'defer',
        delaySeconds: 48 * HOUR,
      },
    },
    discount: { percentOff: 10, validityDays: 3 },
    cart: { windowDays: 7 },
  },
  'post-purchase': {
    id: 'post-purchase',
    priority: 100,
    holdoutPercent: 0,
    start: { kind: 'event', eventPattern: POST_PURCHASE_EVENT_PATTERN },
    steps: {
      orderConfirmation: {
        kind: 'transactional',
        enabled: true,
        template: 'post-purchase.order-confirmation',
      },
      reviewRequest: {
        kind: 'marketing',
        enabled: true,
        template: 'post-purchase.review-request',
        whenCapped: 'defer',
        delaySeconds: 5 * DAY,
      },
      crossSell: {
        kind: 'marketing',
        enabled: true,
        template: 'post-purchase.cross-sell',
        whenCapped: 'skip',
        delaySeconds: 14 * DAY,
      },
    },
    fulfilment: { pollIntervalSeconds: DAY, maxPolls: 30 },
  },
  replenishment: {
    id: 'replenishment',
    priority: 50,
    holdoutPercent: 0,
    start: { kind: 'event', eventPattern: replenishmentEventPattern(CATALOG) },
    steps: {
      reorderReminder: {
        kind: 'marketing',
        enabled: true,
        template: 'replenishment.reorder-reminder',
        whenCapped: 'defer',
      },
    },
    replenishment: { leadDays: 3 },
  },
  'win-back': {
    id: 'win-back',
    priority: 10,
    holdoutPercent: 0,
    start: { kind: 'schedule', scan: 'dormant-customers' },
    steps: {
      weMissYou: { kind: 'marketing', enabled: true, template: 'win-back.we-miss-you', whenCapped: 'defer' },
      incentive: {
        kind: 'marketing',
        enabled: true,
        template: 'win-back.incentive',
        whenCapped: 'defer',
        delaySeconds: 14 * DAY,
      },
    },
    discount: { percentOff: 15, validityDays: 14 },
    winBack: { dormancyDays: 90 },
  },
});

/** Validated once at import, so a bad value fails the deploy (synth) and every test, not a customer's journey. */
function defineJourneys(journeys: Journeys): Journeys {
  for (const id of JOURNEY_IDS) {
    const schema: { parse(value: unknown): unknown } = JOURNEY_SCHEMAS[id];
    schema.parse(journeys[id]);
  }
  return journeys;
}

/**
 * The `config` of every execution input of this journey. Kept small: the EventBridge input template that
 * carries it is limited to 8192 characters, and it travels with every state of every execution.
 */
export function journeyRunConfig<Id extends JourneyId>(id: Id): JourneyRunConfigOf<Id> {
  const { id: _id, start: _start, ...runConfig } = JOURNEYS[id];
  return runConfig as JourneyRunConfigOf<Id>;
}

/** The journeys infra starts from an EventBridge rule, with their patterns. */
export function eventStartedJourneys(): { id: JourneyId; eventPattern: EventPattern }[] {
  return JOURNEY_IDS.flatMap((id) => {
    const start = JOURNEYS[id].start;
    return start.kind === 'event' ? [{ id, eventPattern: start.eventPattern }] : [];
  });
}
